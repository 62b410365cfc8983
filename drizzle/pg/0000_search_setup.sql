-- Search setup (hand-written: drizzle-kit does not manage extensions or text search configurations).
-- pg_trgm: trigram similarity for spelling correction; unaccent: diacritics folded, as SQLite's remove_diacritics.
-- Both are trusted extensions: a database owner without superuser rights may create them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
-- The English Snowball stemmer without a stop-word list: like SQLite's porter tokenizer, every word is indexed
-- and searchable ("all", "you", "not"), and a phrase keeps every word of it.
CREATE TEXT SEARCH DICTIONARY papers_stem (TEMPLATE = snowball, LANGUAGE = english);
--> statement-breakpoint
-- papers_english: what papers.search is built with and what queries are parsed with. Words are folded to
-- plain letters, then stemmed; numbers and other tokens are kept as they are (lower case, unaccented).
CREATE TEXT SEARCH CONFIGURATION papers_english (COPY = english);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION papers_english
  ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part WITH unaccent, papers_stem;
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION papers_english
  ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
--> statement-breakpoint
-- papers_words: unstemmed words, folded to plain letters: the spelling vocabulary (see paper_words).
CREATE TEXT SEARCH CONFIGURATION papers_words (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION papers_words
  ALTER MAPPING FOR asciiword, word, asciihword, hword, hword_asciipart, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;
--> statement-breakpoint
-- One piece of user text as a tsquery (src/db/pg/tsquery.ts): split with the separators papers.search uses, then
-- quoted whole by quote_literal, so nothing in it is tsquery syntax (several words make a phrase). `fields` is
-- ours, never user text: '' (any field), ':ABC' (the text fields) or ':D' (the authors). Text that leaves no
-- lexeme matches nothing (a lexeme with a space, which no index lexeme has) instead of vanishing from an AND;
-- the leading space keeps the quoted operand non-empty ('':ABC is a syntax error). IMMUTABLE: with its
-- arguments bound, the planner computes it once and plans with the real tsquery.
CREATE FUNCTION papers_tsquery(words text, fields text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN numnode(to_tsquery('papers_english'::regconfig, quote_literal(' ' || translate(words, '-./:@_<>&~+%=#\', '               ')) || fields)) = 0
      THEN ''' '''::tsquery
    ELSE to_tsquery('papers_english'::regconfig, quote_literal(' ' || translate(words, '-./:@_<>&~+%=#\', '               ')) || fields)
  END;
