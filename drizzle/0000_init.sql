CREATE TABLE `acronyms` (
	`acronym` text NOT NULL,
	`expansion` text NOT NULL,
	`count` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`acronym`, `expansion`)
);
--> statement-breakpoint
CREATE INDEX `acronyms_expansion_idx` ON `acronyms` (`expansion`);--> statement-breakpoint
CREATE TABLE `channels` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`workspace_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`schedule_time` text DEFAULT '09:00' NOT NULL,
	`cadence` text DEFAULT 'daily' NOT NULL,
	`weekday` integer,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`top_n` integer DEFAULT 5 NOT NULL,
	`min_upvotes` integer DEFAULT 0 NOT NULL,
	`empty_behaviour` text DEFAULT 'skip' NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`health` text DEFAULT 'ok' NOT NULL,
	`health_reason` text,
	`last_digest_day` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channels_platform_channel_unique` ON `channels` (`platform`,`workspace_id`,`channel_id`);--> statement-breakpoint
CREATE TABLE `daily_listings` (
	`feed_day` text NOT NULL,
	`paper_id` text NOT NULL,
	`rank` integer NOT NULL,
	`upvotes` integer DEFAULT 0 NOT NULL,
	`seen_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`feed_day`, `paper_id`),
	FOREIGN KEY (`paper_id`) REFERENCES `papers`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `daily_listings_paper_idx` ON `daily_listings` (`paper_id`);--> statement-breakpoint
CREATE TABLE `delivered_papers` (
	`channel_id` integer NOT NULL,
	`paper_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`topic` text,
	PRIMARY KEY(`channel_id`, `paper_id`),
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`delivery_id`) REFERENCES `deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`channel_id` integer NOT NULL,
	`feed_day` text NOT NULL,
	`paper_ids` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`platform_message_ids` text DEFAULT '[]' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_channel_day_unique` ON `deliveries` (`channel_id`,`feed_day`);--> statement-breakpoint
CREATE INDEX `deliveries_status_idx` ON `deliveries` (`status`);--> statement-breakpoint
CREATE TABLE `papers` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`title` text NOT NULL,
	`abstract` text DEFAULT '' NOT NULL,
	`authors` text DEFAULT '[]' NOT NULL,
	`published_at` text,
	`upvotes` integer DEFAULT 0 NOT NULL,
	`comments` integer DEFAULT 0 NOT NULL,
	`ai_summary` text,
	`ai_keywords` text DEFAULT '[]' NOT NULL,
	`github_repo` text,
	`github_stars` integer,
	`project_page` text,
	`thumbnail` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `papers_id_unique` ON `papers` (`id`);--> statement-breakpoint
CREATE INDEX `papers_upvotes_idx` ON `papers` (`upvotes`);--> statement-breakpoint
CREATE INDEX `papers_published_idx` ON `papers` (`published_at`);--> statement-breakpoint
CREATE TABLE `subscriptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`channel_id` integer NOT NULL,
	`query` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`channel_id`) REFERENCES `channels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriptions_channel_query_unique` ON `subscriptions` (`channel_id`,`query`);