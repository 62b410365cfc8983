-- papers.search (the weighted tsvector, ~1.7 kB a paper, which pglz cannot shrink) is kept in the row itself
-- (STORAGE MAIN) rather than in the TOAST table: every search reads it (the match test of a scan, the recheck of a
-- phrase or a field, the title test, ts_rank_cd), and out of line each read was a TOAST index descent and a
-- chunk, four more blocks a row. Rows written from now on are stored so; to move the existing ones in, rewrite
-- the table once when convenient (VACUUM FULL papers, which locks it).
ALTER TABLE "papers" ALTER COLUMN "search" SET STORAGE MAIN;
