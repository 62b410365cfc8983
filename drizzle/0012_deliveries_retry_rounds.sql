DROP INDEX `deliveries_channel_day_unique`;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_channel_day_open_unique` ON `deliveries` (`channel_id`,`feed_day`) WHERE status <> 'failed';--> statement-breakpoint
CREATE INDEX `deliveries_channel_day_idx` ON `deliveries` (`channel_id`,`feed_day`);