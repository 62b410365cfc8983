import type pg from 'pg';

/** A title word of the spelling vocabulary, with how many titles have it and how alike it is to the word asked. */
export interface SimilarWord {
  word: string;
  doc: number;
  /** pg_trgm similarity to the word asked, 0..1 (1: the same trigrams). */
  similarity: number;
}

/**
 * Rebuilds the spelling vocabulary (`paper_words`) from the titles, without blocking its readers: call after
 * an ingest. Two processes refreshing at once take turns. About as slow as reading every title.
 */
export async function refreshVocabulary(pool: pg.Pool): Promise<void> {
  await pool.query('REFRESH MATERIALIZED VIEW CONCURRENTLY paper_words');
}

/**
 * Vocabulary words that share enough trigrams with `word` (pg_trgm's `%`, similarity 0.3 or more by
 * default), the most alike first, then the most common: the candidates for a spelling correction.
 */
export async function similarWords(pool: pg.Pool, word: string, limit = 5): Promise<SimilarWord[]> {
  const { rows } = await pool.query<SimilarWord>(
    `SELECT word, doc, similarity(word, $1) AS similarity FROM paper_words
      WHERE word % $1 ORDER BY similarity DESC, doc DESC, word LIMIT $2`,
    [word.replaceAll('\u0000', ' '), limit],
  );
  return rows;
}
