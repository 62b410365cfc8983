-- Where each stemmed term occurs (row, column, token offset): spelling correction falls back to the stemmed
-- vocabulary of titles and abstracts, and reads a real word back from one occurrence to show the user.
CREATE VIRTUAL TABLE papers_fts_instances USING fts5vocab(papers_fts, 'instance');
