import { sql, type SQL } from 'drizzle-orm';
import { RANKING, RELEVANCE_FLOOR } from '../search-blend.ts';

/**
 * The relevance blend of src/db/search-blend.ts in PostgreSQL, term for term: a match's score is its relevance
 * times `1 + upvotes * ln(1 + lasting upvotes) + recency * 2^-(age / half-life)`, lower is better. SQLite's
 * relevance is bm25 (negative, lower better); here it is `-ts_rank_cd` (weights 10:1:2:4, see TS_RANK_WEIGHTS),
 * so both blends order by the same rule and the same tie-breaks (the score, then `seq`). Ages are measured in
 * Julian days as SQLite's `julianday()` does; a date that is not one counts as unknown (SQLite's NULL), and
 * every `exp()` is kept within float range (PostgreSQL raises on underflow where SQLite gives 0).
 */
const R = RANKING;

/** Julian day of an ISO day or timestamp column (UTC), or NULL when the text is not one. */
function julianDay(column: string): string {
  return `(CASE WHEN ${column} ~ '^\\d{4}-\\d{2}-\\d{2}' THEN date_part('epoch', (${column})::timestamp) / 86400.0 + 2440587.5 END)`;
}

/** The blend's community and recency boost over a `papers` row aliased `p` (at least 1, bigger is better). */
export function pgBoost(nowJd: number, settledDay: string): SQL {
  const now = sql`${nowJd}::float8`;
  const age = sql`(${now} - ${sql.raw(julianDay('p.feed_day'))})`;
  const share = sql`(CASE WHEN p.feed_day IS NULL OR p.feed_day < ${settledDay}::text THEN 1.0
    ELSE greatest(${sql.raw(String(R.freshShare))}, 1.0 - ${sql.raw(String(1 - R.freshShare))} * exp(greatest(-700.0, -greatest(0.0, ${age}) / ${sql.raw(`${R.settleDays}.0`)}))) END)`;
  const recency = sql`coalesce(least(1.0, exp(greatest(-700.0, (${sql.raw(julianDay('coalesce(p.published_at, p.feed_day)'))} - ${now}) * ${sql.raw(String(Math.LN2 / R.recencyHalfLifeDays))}))), 0.0)`;
  return sql`(1.0 + ${sql.raw(String(R.upvotes))} * ln(1.0 + least(greatest(p.upvotes, 0), ${sql.raw(String(R.upvotesCap))}) / ${share}) + ${sql.raw(String(R.recency))} * ${recency})`;
}

/** The upvotes part of the boost alone over `p.upvotes`: what breaks ties under `sort:new`. */
export const PG_UPVOTES_BOOST = `(1.0 + ${R.upvotes} * ln(1.0 + least(greatest(p.upvotes, 0), ${R.upvotesCap})))`;

export { RELEVANCE_FLOOR };
