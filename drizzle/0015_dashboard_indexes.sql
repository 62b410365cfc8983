CREATE INDEX `delivered_papers_paper_idx` ON `delivered_papers` (`paper_id`);--> statement-breakpoint
CREATE INDEX `deliveries_day_status_idx` ON `deliveries` (`feed_day`,`status`);