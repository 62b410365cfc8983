CREATE TABLE `follow_ups` (
	`channel_id` integer NOT NULL,
	`paper_id` text NOT NULL,
	`event` text NOT NULL,
	`detail` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`message_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`channel_id`, `paper_id`, `event`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `follow_ups_status_idx` ON `follow_ups` (`status`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`event_id` text PRIMARY KEY NOT NULL,
	`seen_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `saved_papers` (
	`platform` text NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`paper_id` text NOT NULL,
	`saved_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`platform`, `workspace_id`, `user_id`, `paper_id`)
);
--> statement-breakpoint
CREATE TABLE `votes` (
	`platform` text NOT NULL,
	`workspace_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`paper_id` text NOT NULL,
	`user_id` text NOT NULL,
	`value` integer NOT NULL,
	`source` text DEFAULT 'button' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`platform`, `workspace_id`, `channel_id`, `paper_id`, `user_id`)
);
--> statement-breakpoint
ALTER TABLE `channels` ADD `layout` text DEFAULT 'digest' NOT NULL;--> statement-breakpoint
ALTER TABLE `channels` ADD `kind` text DEFAULT 'channel' NOT NULL;--> statement-breakpoint
ALTER TABLE `delivered_papers` ADD `message_id` text;--> statement-breakpoint
ALTER TABLE `delivered_papers` ADD `thread_id` text;--> statement-breakpoint
CREATE INDEX `delivered_papers_message_idx` ON `delivered_papers` (`message_id`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `decisions` text;