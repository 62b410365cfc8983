-- The search index moves to its own SQLite file (attached as `fts`, see src/db/fts-index.ts), so that indexing
-- runs on a second core while papers are written to this one. This file keeps only what says which rows need
-- indexing again: new papers are found by the index's own watermark; a changed or deleted paper is recorded
-- here, with a version so that an indexer never drops a change made while it was indexing.
DROP TRIGGER IF EXISTS papers_fts_update;
--> statement-breakpoint
DROP TRIGGER IF EXISTS papers_fts_delete;
--> statement-breakpoint
DROP TABLE IF EXISTS papers_fts_instances;
--> statement-breakpoint
DROP TABLE IF EXISTS papers_fts_vocab;
--> statement-breakpoint
DROP TABLE IF EXISTS papers_words_vocab;
--> statement-breakpoint
DROP TABLE IF EXISTS papers_fts;
--> statement-breakpoint
DROP TABLE IF EXISTS papers_words;
--> statement-breakpoint
DROP TABLE IF EXISTS fts_state;
--> statement-breakpoint
CREATE TABLE fts_changes (seq INTEGER PRIMARY KEY, version INTEGER NOT NULL);
--> statement-breakpoint
CREATE TRIGGER papers_text_update AFTER UPDATE OF title, abstract, authors, ai_keywords ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors OR old.ai_keywords IS NOT new.ai_keywords
BEGIN
  INSERT INTO fts_changes (seq, version) VALUES (new.seq, 1) ON CONFLICT (seq) DO UPDATE SET version = version + 1;
END;
--> statement-breakpoint
CREATE TRIGGER papers_text_delete AFTER DELETE ON papers
BEGIN
  INSERT INTO fts_changes (seq, version) VALUES (old.seq, 1) ON CONFLICT (seq) DO UPDATE SET version = version + 1;
END;
