ALTER TABLE `channels` ADD `enrolled_by` text;--> statement-breakpoint
ALTER TABLE `channels` ADD `changed_by` text;