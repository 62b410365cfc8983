-- Deferred, batched FTS indexing. Inserting into FTS5 row by row flushes a tiny segment per transaction and
-- spends most of ingest merging them; indexing new rows in bulk is several times faster. New papers are
-- indexed by SearchRepo.indexPending() (after each ingested day, and every few thousand papers during a
-- backfill); fts_state.indexed_seq is the durable watermark, so a crash between the two steps is caught up
-- on the next run. Updates and deletes of already indexed rows stay trigger-driven.
CREATE TABLE fts_state (id INTEGER PRIMARY KEY CHECK (id = 1), indexed_seq INTEGER NOT NULL);
--> statement-breakpoint
INSERT INTO fts_state (id, indexed_seq) SELECT 1, COALESCE(MAX(seq), 0) FROM papers;
--> statement-breakpoint
DROP TRIGGER papers_fts_insert;
--> statement-breakpoint
DROP TRIGGER papers_fts_delete;
--> statement-breakpoint
DROP TRIGGER papers_fts_update;
--> statement-breakpoint
-- The spelling vocabulary now comes from titles only: cheap to index, and the words people search for.
DROP TABLE papers_words_vocab;
--> statement-breakpoint
DROP TABLE papers_words;
--> statement-breakpoint
CREATE VIRTUAL TABLE papers_words USING fts5(
  title,
  content='papers', content_rowid='seq', detail='none',
  tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
INSERT INTO papers_words(rowid, title) SELECT seq, title FROM papers WHERE seq <= (SELECT indexed_seq FROM fts_state);
--> statement-breakpoint
CREATE VIRTUAL TABLE papers_words_vocab USING fts5vocab(papers_words, 'row');
--> statement-breakpoint
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers
WHEN old.seq <= (SELECT indexed_seq FROM fts_state)
BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, ai_keywords) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
  INSERT INTO papers_words(papers_words, rowid, title) VALUES ('delete', old.seq, old.title);
END;
--> statement-breakpoint
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, ai_keywords ON papers
WHEN old.seq <= (SELECT indexed_seq FROM fts_state)
 AND (old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors OR old.ai_keywords IS NOT new.ai_keywords)
BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, ai_keywords) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
  INSERT INTO papers_fts(rowid, title, abstract, authors, ai_keywords) VALUES (new.seq, new.title, new.abstract, new.authors, new.ai_keywords);
  INSERT INTO papers_words(papers_words, rowid, title) VALUES ('delete', old.seq, old.title);
  INSERT INTO papers_words(rowid, title) VALUES (new.seq, new.title);
END;
