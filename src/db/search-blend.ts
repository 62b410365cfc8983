import { BM25_WEIGHTS } from './fts-index.ts';
import { PAPER_COLUMNS } from './papers-repo.ts';

/**
 * The relevance blend. A match's score is its bm25 (title 10x the abstract, as FTS5 is configured) times
 * `1 + upvotes * ln(1 + lasting upvotes) + recency * 2^-(age / recencyHalfLifeDays)`: multiplying keeps the
 * blend free of bm25's scale, which varies from query to query. "Lasting upvotes" are the paper's upvotes
 * divided by the share a paper has collected after its time on the feed: `1 - (1 - freshShare) *
 * e^-(days / settleDays)`, so a paper listed today with 15 upvotes counts about as one with 50 that has
 * been listed for weeks. With these weights 151 upvotes against 15 outweighs a bm25 up to 29% better, while
 * a title match (bm25 about 1.7x or more an abstract-only one) keeps its place over 100 upvotes against 1.
 */
export const RANKING = { upvotes: 0.2, recency: 0.1, recencyHalfLifeDays: 365, freshShare: 0.3, settleDays: 2, settledAfterDays: 14, upvotesCap: 1000 } as const;

const R = RANKING;
export const BM25 = `bm25(papers_fts, ${BM25_WEIGHTS.map((w) => w.toFixed(1)).join(', ')})`;
/**
 * Added to every bm25 before the boost: FTS5 gives a term found in most papers a weight of about 1e-6, so
 * without it such matches would all score about 0 and the boost could not order them.
 */
export const RELEVANCE_FLOOR = 0.001;
const AGE_ON_FEED = '(@nowJd - julianday(p.feed_day))';
const SHARE = `(CASE WHEN p.feed_day IS NULL OR p.feed_day < @settledDay THEN 1.0 ELSE max(${R.freshShare}, 1.0 - ${1 - R.freshShare} * exp(-max(0.0, ${AGE_ON_FEED}) / ${R.settleDays}.0)) END)`;
const RECENCY = `coalesce(min(1.0, exp((julianday(coalesce(p.published_at, p.feed_day)) - @nowJd) * ${Math.LN2 / R.recencyHalfLifeDays})), 0.0)`;
/** The community and recency boost over a match's `papers` row (aliased `p`), at least 1 (bigger is better). */
export const BOOST = `(1.0 + ${R.upvotes} * ln(1.0 + min(p.upvotes, ${R.upvotesCap}) / ${SHARE}) + ${R.recency} * ${RECENCY})`;
/**
 * How many of the best bm25 matches the blend reorders. Deeper matches keep bm25 order: to climb from below
 * this depth onto the first page a paper would have to outscore a hundred better matches, and reading
 * every match's row to check would cost several times the search.
 */
export const RERANK_DEPTH = 100;
/** The upvotes part of the boost alone, over a column `upvotes`: what breaks ties under `sort:new`. */
export const UPVOTES_BOOST = `(1.0 + ${R.upvotes} * ln(1.0 + min(upvotes, ${R.upvotesCap})))`;

/** The statement parameters the blend reads: `@nowJd` (now as a Julian day) and `@settledDay`. */
export function rankingParams(now: Date): { nowJd: number; settledDay: string } {
  const settled = new Date(now.getTime() - R.settledAfterDays * 86_400_000);
  return { nowJd: now.getTime() / 86_400_000 + 2_440_587.5, settledDay: settled.toISOString().slice(0, 10) };
}

/**
 * The common case in one statement: FTS5's best matches by bm25, boosted and ordered by SQLite's top-N
 * sort, and the page's rows read in the same pass. The depth and the page are written into the SQL as
 * integers (one statement per page, at most a few dozen): bound, they made SQLite plan the statement about
 * twice as slow (measured at 200,000 papers).
 *
 * With `countUpTo`, for a query expected to match few papers, the statement counts as it ranks: FTS5's
 * matches (at most `countUpTo`, in rowid order) are kept in a temporary table, counted (column `total`,
 * on every row), and their best {@link RERANK_DEPTH} by bm25 reordered as above. One pass over the index
 * instead of a count and a ranking pass; exact while fewer than `countUpTo` match.
 */
export function rerankSql(page: { limit: number; offset: number }, countUpTo?: number): string {
  const limit = Math.max(0, Math.trunc(page.limit));
  const offset = Math.max(0, Math.trunc(page.offset));
  const ranked = `ranked AS (SELECT top.seq AS seq, (top.rank - ${RELEVANCE_FLOOR}) * ${BOOST} AS score FROM top JOIN papers p ON p.seq = top.seq
                  ORDER BY score, top.seq LIMIT ${limit} OFFSET ${offset})`;
  const columns = `ranked.score AS score, ${PAPER_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, p.feed_day`;
  const rows = 'FROM ranked JOIN papers p ON p.seq = ranked.seq ORDER BY ranked.score, ranked.seq';
  if (countUpTo === undefined) {
    return `WITH top AS (SELECT rowid AS seq, ${BM25} AS rank FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rank, rowid LIMIT ${RERANK_DEPTH}),
       ${ranked}
       SELECT ${columns} ${rows}`;
  }
  return `WITH scan AS MATERIALIZED (SELECT rowid AS seq, ${BM25} AS rank FROM papers_fts WHERE papers_fts MATCH @match LIMIT ${Math.trunc(countUpTo)}),
       top AS (SELECT seq, rank FROM scan ORDER BY rank, seq LIMIT ${RERANK_DEPTH}),
       ${ranked}
       SELECT ${columns}, (SELECT count(*) FROM scan) AS total ${rows}`;
}
