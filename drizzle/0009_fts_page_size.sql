-- FTS5 leaf pages sized to the database's 16 KB pages (new databases; see openDb): fewer, larger segment pages.
INSERT INTO papers_fts(papers_fts, rank) VALUES('pgsz', 16000);
