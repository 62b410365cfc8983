-- Full-text search over papers (hand-written: drizzle-kit does not manage virtual tables).
-- papers_fts: the search index. Porter stemming over unicode61, diacritics folded; external content on papers(seq).
CREATE VIRTUAL TABLE papers_fts USING fts5(
  title, abstract, authors, ai_keywords,
  content='papers', content_rowid='seq',
  tokenize='porter unicode61 remove_diacritics 2'
);
--> statement-breakpoint
-- Title weighs ten times the abstract; keywords and authors in between. ORDER BY rank uses these weights.
INSERT INTO papers_fts(papers_fts, rank) VALUES('rank', 'bm25(10.0, 1.0, 2.0, 4.0)');
--> statement-breakpoint
-- papers_words: unstemmed words only (no positions), the vocabulary that spelling correction draws on.
CREATE VIRTUAL TABLE papers_words USING fts5(
  title, abstract,
  content='papers', content_rowid='seq', detail='none',
  tokenize='unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, 'row');
--> statement-breakpoint
CREATE VIRTUAL TABLE papers_words_vocab USING fts5vocab(papers_words, 'row');
--> statement-breakpoint
CREATE TRIGGER papers_fts_insert AFTER INSERT ON papers BEGIN
  INSERT INTO papers_fts(rowid, title, abstract, authors, ai_keywords) VALUES (new.seq, new.title, new.abstract, new.authors, new.ai_keywords);
  INSERT INTO papers_words(rowid, title, abstract) VALUES (new.seq, new.title, new.abstract);
END;
--> statement-breakpoint
CREATE TRIGGER papers_fts_delete AFTER DELETE ON papers BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, ai_keywords) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
  INSERT INTO papers_words(papers_words, rowid, title, abstract) VALUES ('delete', old.seq, old.title, old.abstract);
END;
--> statement-breakpoint
-- Only text changes touch the index: re-ingesting a day mostly moves upvotes and stars.
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract, authors, ai_keywords ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract OR old.authors IS NOT new.authors OR old.ai_keywords IS NOT new.ai_keywords
BEGIN
  INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors, ai_keywords) VALUES ('delete', old.seq, old.title, old.abstract, old.authors, old.ai_keywords);
  INSERT INTO papers_fts(rowid, title, abstract, authors, ai_keywords) VALUES (new.seq, new.title, new.abstract, new.authors, new.ai_keywords);
  INSERT INTO papers_words(papers_words, rowid, title, abstract) VALUES ('delete', old.seq, old.title, old.abstract);
  INSERT INTO papers_words(rowid, title, abstract) VALUES (new.seq, new.title, new.abstract);
END;
