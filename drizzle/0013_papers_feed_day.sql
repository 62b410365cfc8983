-- The latest feed day that listed each paper, beside the paper: search ranks by how long a paper has been on
-- the feed and shows the day, and reading it from the row it already reads costs nothing per match (a look-up
-- in daily_listings per match would). Kept by the triggers below, whatever writes the listings.
ALTER TABLE `papers` ADD `feed_day` text;
--> statement-breakpoint
UPDATE papers SET feed_day = (SELECT max(l.feed_day) FROM daily_listings l WHERE l.paper_id = papers.id);
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_insert AFTER INSERT ON daily_listings
BEGIN
  UPDATE papers SET feed_day = new.feed_day WHERE id = new.paper_id AND (feed_day IS NULL OR feed_day < new.feed_day);
END;
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_update AFTER UPDATE OF feed_day, paper_id ON daily_listings
BEGIN
  UPDATE papers SET feed_day = (SELECT max(l.feed_day) FROM daily_listings l WHERE l.paper_id = papers.id) WHERE id IN (old.paper_id, new.paper_id);
END;
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_delete AFTER DELETE ON daily_listings
BEGIN
  UPDATE papers SET feed_day = (SELECT max(l.feed_day) FROM daily_listings l WHERE l.paper_id = papers.id) WHERE id = old.paper_id;
END;
