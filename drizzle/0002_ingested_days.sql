CREATE TABLE `ingested_days` (
	`feed_day` text PRIMARY KEY NOT NULL,
	`pages` integer NOT NULL,
	`items` integer NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`completed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
