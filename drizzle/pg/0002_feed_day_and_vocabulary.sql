-- papers.feed_day: the latest feed day that listed the paper, kept by triggers on daily_listings whatever
-- writes the listings (as SQLite's 0013_papers_feed_day.sql).
CREATE FUNCTION papers_feed_day_listed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE papers SET feed_day = NEW.feed_day WHERE id = NEW.paper_id AND (feed_day IS NULL OR feed_day < NEW.feed_day);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION papers_feed_day_recount() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE papers SET feed_day = (SELECT max(l.feed_day) FROM daily_listings l WHERE l.paper_id = papers.id)
  WHERE id = OLD.paper_id OR (TG_OP = 'UPDATE' AND id = NEW.paper_id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_insert AFTER INSERT ON daily_listings FOR EACH ROW EXECUTE FUNCTION papers_feed_day_listed();
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_update AFTER UPDATE OF feed_day, paper_id ON daily_listings FOR EACH ROW EXECUTE FUNCTION papers_feed_day_recount();
--> statement-breakpoint
CREATE TRIGGER papers_feed_day_delete AFTER DELETE ON daily_listings FOR EACH ROW EXECUTE FUNCTION papers_feed_day_recount();
--> statement-breakpoint
-- paper_words: the spelling vocabulary, every title word (unstemmed, diacritics folded) with how many titles
-- have it, split as papers.search splits text. A materialized view: `REFRESH MATERIALIZED VIEW CONCURRENTLY
-- paper_words` after an ingest (src/db/pg/vocabulary.ts), readers never blocked. The unique index is what
-- CONCURRENTLY needs; the trigram index serves similarity() and `%`.
CREATE MATERIALIZED VIEW paper_words AS
  SELECT word, ndoc AS doc
  FROM ts_stat($q$SELECT to_tsvector('papers_words'::regconfig, translate(title, '-./:@_<>&~+%=#\', '               ')) FROM papers$q$);
--> statement-breakpoint
CREATE UNIQUE INDEX paper_words_word_unique ON paper_words (word);
--> statement-breakpoint
CREATE INDEX paper_words_trgm_idx ON paper_words USING gin (word gin_trgm_ops);
