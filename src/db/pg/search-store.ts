import { sql, type SQL } from 'drizzle-orm';
import type { CompiledQuery, CountFilter, MatchExpression, SortOrder } from '../../core/compiled-query.ts';
import type { Day } from '../../core/time.ts';
import { PAPER_COLUMNS, paperFromRow, type PaperRow } from '../papers-repo.ts';
import { rankingParams, RERANK_DEPTH } from '../search-blend.ts';
import { type RankedPage, type RankedPaper, type RankOptions, type SearchFilters } from '../search-repo.ts';
import type { SearchStore } from '../search-store.ts';
import type { PgDb } from './client.ts';
import { pgBoost, PG_UPVOTES_BOOST, RELEVANCE_FLOOR } from './search-blend.ts';
import { toTsQuery, tsRank } from './tsquery.ts';

const COUNT_OPS: Record<CountFilter['op'], string> = { '>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=' };
const COLUMNS = sql.raw(PAPER_COLUMNS.split(', ').map((c) => `p.${c}`).join(', '));
/** The title's lexemes of papers.search (weight A), for the window plan's "title matches first". */
const TITLE_VECTOR = sql.raw("ts_filter(p.search, '{a}')");
const NEWEST_SQL = 'coalesce(p.feed_day, p.published_at) DESC NULLS LAST, p.published_at DESC NULLS LAST';

type Row = PaperRow & { feed_day: Day | null; score: number; total?: number };

/** NUL, which PostgreSQL text cannot hold, as a space (user words only ever reach SQL as parameters). */
const clean = (text: string) => text.replaceAll('\u0000', ' ');

function filterSql(filters: SearchFilters): SQL[] {
  const where: SQL[] = [];
  // The digest's rule too (src/select): by publication day; a paper whose day is unknown passes.
  if (filters.since) where.push(sql`(p.published_at IS NULL OR p.published_at >= ${filters.since}::text)`);
  if (filters.listedSince) where.push(sql`EXISTS (SELECT 1 FROM daily_listings l WHERE l.paper_id = p.id AND l.feed_day >= ${filters.listedSince}::text)`);
  if (filters.upvotes) where.push(sql`p.upvotes ${sql.raw(COUNT_OPS[filters.upvotes.op])} ${filters.upvotes.value}::int`);
  if (filters.stars) where.push(sql`p.github_stars ${sql.raw(COUNT_OPS[filters.stars.op])} ${filters.stars.value}::int`);
  if (filters.hasCode) where.push(sql`p.github_repo IS NOT NULL AND p.github_repo <> ''`);
  return where;
}

const and = (parts: SQL[]) => sql.join(parts, sql` AND `);

/**
 * SearchRepo's contract (src/db/search-repo.ts) on PostgreSQL, over the generated weighted tsvector
 * `papers.search` (GIN) and the title vocabulary `paper_words` (src/db/pg/vocabulary.ts). The same plans and
 * the same blend as SQLite: up to {@link exactLimit} matches are ranked exactly, the best
 * {@link RERANK_DEPTH} by relevance reordered by the community and recency boost, deeper ones in relevance
 * order; more matches are ranked within the newest {@link window} (title matches first, then the boost).
 * Where PostgreSQL cannot give SQLite's answer, on purpose:
 * - Relevance is `ts_rank_cd` (cover density, weights title 10, keywords 4, authors 2, abstract 1), not bm25: the
 *   same papers match, and the blend, filters, orders and tie-breaks are the same, but two matches whose
 *   relevance differs little may swap places.
 * - Stems are the Snowball English stemmer's (Porter2), not FTS5's Porter: most words stem alike; a few
 *   (e.g. "generous"/"generate") meet in one and not the other.
 * - {@link stemVocabulary} and {@link surfaceForm} read the title vocabulary, stemmed (SQLite reads every
 *   stemmed term of titles and abstracts): a word found only in abstracts is not offered as a correction, and
 *   `doc` counts titles per surface word, summed per stem.
 * - The title vocabulary is the materialized view `paper_words`, refreshed after an ingest by the papers
 *   store: until then a new title's words are matched (search is always current) but not offered as corrections.
 */
/**
 * PostgreSQL ranks at most this many matches exactly (SQLite: DEFAULT_EXACT_LIMIT, 20,000): `ts_rank_cd`
 * reads each match's whole tsvector, several times bm25's cost, so a common word is ranked within its newest
 * matches sooner (measured in `npm run bench -- search`). Such a query's total is then `approximate` here
 * while SQLite still counts it exactly.
 */
export const PG_EXACT_LIMIT = 2_000;
/**
 * The window plan ranks the newest this many matches (SQLite: DEFAULT_RANK_WINDOW, 5,000): the boost is
 * computed in SQL for each (measured about 8 us a row while the vector was in TOAST; less since it is in the
 * row), so a common word's search stays within its budget.
 */
export const PG_RANK_WINDOW = 2_000;

/**
 * Whether `matches` of `papers` (the planner's estimates) are dense enough to find the newest `cap` by scanning
 * backwards (about cap x papers / matches rows, each tested) rather than read them all from the GIN index and
 * sort: matches^2 >= 2.5 cap papers (at 200,000 papers and cap 2,001: 32,000 matches). The factor was measured
 * while the vector was in TOAST (~5 us a scanned row against ~2 us a GIN match); in the row both are cheaper.
 */
export function isDense(matches: number, papers: number, cap: number): boolean {
  return matches * matches >= 2.5 * cap * papers;
}

export class PgSearchStore implements SearchStore {
  readonly window: number;
  readonly exactLimit: number;

  constructor(private readonly db: PgDb, options: { window?: number; exactLimit?: number } = {}) {
    this.window = options.window ?? PG_RANK_WINDOW;
    this.exactLimit = options.exactLimit ?? options.window ?? PG_EXACT_LIMIT;
  }

  private async rows<R>(query: SQL): Promise<R[]> {
    return (await this.db.orm.execute(query)).rows as R[];
  }

  private async count(tsquery: SQL, where: SQL[], cap: number): Promise<number> {
    const [row] = await this.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM papers p WHERE ${and([sql`p.search @@ ${tsquery}`, ...where])} LIMIT ${cap}::int) m`);
    return row?.n ?? 0;
  }

  /**
   * The newest `cap` matches' `seq`s, newest first: the probe that counts the matches (capped) and gives both
   * plans their rows, so no match is read (its tsvector detoasted, a phrase rechecked) twice. The planner
   * prices `@@` as cheap, but on a row it detoasts the tsvector: a scan of `seq` backwards with the match as a
   * filter (what it picks under ORDER BY seq LIMIT whenever it guesses that pays) reads cap / share rows. So
   * the planner's own estimate of the matches decides: dense ones ({@link isDense}) are scanned backwards,
   * the others read from the GIN index only (no row detoasted unless a phrase or a field needs a recheck)
   * and sorted, index and sequential scans turned off for that one statement.
   */
  private async newest(tsquery: SQL, cap: number): Promise<number[]> {
    if (cap <= 0) return [];
    const [plan] = await this.rows<{ 'QUERY PLAN': { Plan: { Plans?: { 'Plan Rows': number }[] } }[] }>(
      sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM papers p WHERE p.search @@ ${tsquery} UNION ALL SELECT 1 FROM papers`,
    );
    const [matches, papers] = (plan?.['QUERY PLAN'][0]?.Plan.Plans ?? []).map((child) => child['Plan Rows']);
    const probe = sql`SELECT array_agg(c.seq ORDER BY c.seq DESC) AS seqs
      FROM (SELECT p.seq FROM papers p WHERE p.search @@ ${tsquery} ORDER BY p.seq DESC LIMIT ${cap}::int) c`;
    type Seqs = { seqs: number[] | null };
    if (matches !== undefined && papers !== undefined && isDense(matches, papers, cap)) return (await this.rows<Seqs>(probe))[0]?.seqs ?? [];
    return this.db.orm.transaction(async (tx) => {
      await tx.execute(sql`SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)`);
      return ((await tx.execute(probe)).rows as Seqs[])[0]?.seqs ?? [];
    });
  }

  async rank(query: CompiledQuery, page: { limit: number; offset: number }, options: RankOptions = {}): Promise<RankedPage> {
    const tsquery = toTsQuery(query);
    if (!tsquery) return { rows: [], total: 0, approximate: false };
    const filters = filterSql({ since: query.since, listedSince: query.listedSince, upvotes: query.upvotes, stars: query.stars, hasCode: query.hasCode });
    const sort = query.sort ?? 'relevance';
    const limit = Math.max(0, Math.trunc(page.limit));
    const offset = Math.max(0, Math.trunc(page.offset));
    const cap = this.exactLimit + 1;
    const seqs = await this.newest(tsquery, Math.max(cap, this.window));
    let n = Math.min(seqs.length, cap);
    // Every match is in `seqs` when there are at most exactLimit of them; otherwise the filtered ones are counted.
    let matches = n <= this.exactLimit ? sql`p.seq = ANY(${seqArray(seqs)})` : undefined;
    if (filters.length > 0 && n > this.exactLimit) n = await this.count(tsquery, filters, cap);
    const approximate = n > this.exactLimit;
    if (n === 0 || (filters.length === 0 && offset >= n)) return { rows: [], total: approximate ? this.exactLimit : n, approximate };
    const { nowJd, settledDay } = rankingParams(options.now ?? new Date());
    const boost = pgBoost(nowJd, settledDay);
    if (approximate) {
      const rows = await this.rows<Row>(this.windowSql(query, seqArray(seqs.slice(0, this.window)), filters, sort, boost, limit, offset));
      return { rows: rows.map(ranked), total: this.exactLimit, approximate };
    }
    matches ??= sql`p.search @@ ${tsquery}`;
    const rows = await this.rows<Row>(this.exactSql(tsquery, matches, filters, sort, boost, limit, offset));
    let total = filters.length === 0 ? n : rows[0]?.total;
    total ??= await this.count(tsquery, filters, cap);
    return { rows: rows.map(ranked), total, approximate };
  }

  /**
   * Every match ranked: relevance (`-ts_rank_cd`, lower better as bm25) for the order's tie-breaks; under
   * `relevance` the best {@link RERANK_DEPTH} blended with the boost and the rest after them in relevance
   * order, as SQLite's plans cut it. `total` counts the matches that pass the filters. The boost reads the
   * columns `s` kept (the `o` row aliased `p`), and only the page's rows are read whole.
   */
  private exactSql(tsquery: SQL, matches: SQL, filters: SQL[], sort: SortOrder, boost: SQL, limit: number, offset: number): SQL {
    const relevance = sql`(-${tsRank(sql.raw('p.search'), tsquery)})::float8`;
    const order = {
      relevance: sql.raw('(m.pos > ' + RERANK_DEPTH + '), m.score, m.pos, m.seq'),
      top: sql.raw('m.upvotes DESC, m.rel, m.seq'),
      new: sql.raw(`coalesce(m.feed_day, m.published_at) DESC NULLS LAST, m.published_at DESC NULLS LAST, (m.rel - ${RELEVANCE_FLOOR}) * m.ub, m.seq`),
    }[sort];
    return sql`WITH s AS (SELECT p.seq, p.upvotes, p.feed_day, p.published_at, ${relevance} AS rel, ${sql.raw(PG_UPVOTES_BOOST)} AS ub
        FROM papers p WHERE ${and([matches, ...filters])}),
      o AS (SELECT s.*, row_number() OVER (ORDER BY s.rel, s.seq) AS pos, count(*) OVER () AS total FROM s),
      m AS (SELECT p.*, (CASE WHEN p.pos <= ${RERANK_DEPTH}::int THEN (p.rel - ${RELEVANCE_FLOOR}::float8) * ${boost} ELSE p.rel - ${RELEVANCE_FLOOR}::float8 END)::float8 AS score
        FROM o p)
      SELECT ${COLUMNS}, p.feed_day, ${sql.raw(sort === 'relevance' ? 'm.score' : 'm.rel')} AS score, m.total::int AS total
      FROM (SELECT m.* FROM m ORDER BY ${order} LIMIT ${limit}::int OFFSET ${offset}::int) m JOIN papers p ON p.seq = m.seq ORDER BY ${order}`;
  }

  /**
   * The newest `window` matches (`seqs`), papers whose title matches the query's words first (score -1), then by
   * the boost or `sort`. The page is the best `offset + limit` of each class merged: `w` orders the window by
   * the order without the score (the boost computed once a row), and each class takes its best from `w` in that
   * order, testing a title (reading the row's tsvector) only until it has them, not for every row. `w` keeps
   * only narrow columns (a tsvector, ~1.7 kB in the row, would make 2,000 rows spill past work_mem).
   */
  private windowSql(query: CompiledQuery, seqs: SQL, filters: SQL[], sort: SortOrder, boost: SQL, limit: number, offset: number): SQL {
    const titleQuery = toTsQuery({ groups: query.groups, exclude: [], authors: [] });
    const inClass = {
      relevance: sql.raw('b DESC, p.seq DESC'),
      top: sql.raw('p.upvotes DESC, p.seq DESC'),
      new: sql.raw(`${NEWEST_SQL}, p.seq DESC`),
    }[sort];
    const order = {
      relevance: sql.raw('c.score, c.b DESC, c.seq DESC'),
      top: sql.raw('c.upvotes DESC, c.score, c.seq DESC'),
      new: sql.raw('coalesce(c.feed_day, c.published_at) DESC NULLS LAST, c.published_at DESC NULLS LAST, c.score, c.seq DESC'),
    }[sort];
    const best = offset + limit;
    const title = titleQuery ? sql`(SELECT ${TITLE_VECTOR} @@ ${titleQuery} FROM papers p WHERE p.seq = w.seq)` : sql`false`;
    return sql`WITH w AS MATERIALIZED (SELECT p.seq, p.upvotes, p.feed_day, p.published_at, ${sort === 'relevance' ? boost : sql`0`}::float8 AS b
        FROM unnest(${seqs}) AS u(seq) JOIN papers p ON p.seq = u.seq ${filters.length > 0 ? sql`WHERE ${and(filters)}` : sql``}
        ORDER BY ${inClass}),
      c AS ((SELECT w.seq, w.upvotes, w.feed_day, w.published_at, w.b, -1 AS score FROM w WHERE ${title} LIMIT ${best}::int)
        UNION ALL (SELECT w.seq, w.upvotes, w.feed_day, w.published_at, w.b, 0 AS score FROM w WHERE NOT ${title} LIMIT ${best}::int))
      SELECT ${COLUMNS}, p.feed_day, c.score::float8 AS score FROM c JOIN papers p ON p.seq = c.seq
      ORDER BY ${order} LIMIT ${limit}::int OFFSET ${offset}::int`;
  }

  async feedDayOf(paperId: string): Promise<Day | null> {
    const [row] = await this.rows<{ feed_day: Day | null }>(sql`SELECT feed_day FROM papers WHERE id = ${clean(paperId)}::text`);
    return row?.feed_day ?? null;
  }

  async matchesAny(expression: MatchExpression): Promise<boolean> {
    const tsquery = toTsQuery(expression);
    if (!tsquery) return false;
    return (await this.rows(sql`SELECT 1 FROM papers p WHERE p.search @@ ${tsquery} LIMIT 1`)).length > 0;
  }

  async countMatches(expression: MatchExpression, cap: number): Promise<number> {
    const tsquery = toTsQuery(expression);
    return tsquery ? this.count(tsquery, [], Math.max(0, Math.trunc(cap))) : 0;
  }

  async wordDocs(word: string): Promise<number> {
    const [row] = await this.rows<{ doc: number }>(sql`SELECT doc FROM paper_words WHERE word = ${clean(word)}::text`);
    return row?.doc ?? 0;
  }

  titleWords(): Promise<{ term: string; doc: number }[]> {
    return this.rows(sql`SELECT word AS term, doc FROM paper_words`);
  }

  vocabulary(prefix: string, minLength: number, maxLength: number, minDocs = 1): Promise<{ term: string; doc: number }[]> {
    return this.rows(sql`SELECT word AS term, doc FROM paper_words
      WHERE starts_with(word, ${clean(prefix)}::text) AND length(word) BETWEEN ${minLength}::int AND ${maxLength}::int AND doc >= ${minDocs}::int`);
  }

  stemVocabulary(prefix: string, minLength: number, maxLength: number): Promise<{ term: string; doc: number }[]> {
    return this.rows(sql`SELECT stem AS term, sum(doc)::int AS doc FROM (
        SELECT (ts_lexize('papers_stem', word))[1] AS stem, doc FROM paper_words WHERE starts_with(word, ${clean(prefix).slice(0, 1)}::text)) s
      WHERE starts_with(stem, ${clean(prefix)}::text) AND length(stem) BETWEEN ${minLength}::int AND ${maxLength}::int GROUP BY stem`);
  }

  async surfaceForm(stem: string): Promise<string | undefined> {
    const [row] = await this.rows<{ word: string }>(sql`SELECT word FROM paper_words
      WHERE starts_with(word, ${clean(stem).slice(0, 1)}::text) AND (ts_lexize('papers_stem', word))[1] = ${clean(stem)}::text ORDER BY doc DESC, word LIMIT 1`);
    return row?.word;
  }

  learnedAcronyms(): Promise<{ acronym: string; expansion: string; count: number }[]> {
    return this.rows(sql`SELECT acronym, expansion, count FROM acronyms`);
  }

  /** Counts acronym definitions (one per paper that wrote it), in one statement. */
  async recordAcronyms(definitions: { acronym: string; expansion: string }[]): Promise<void> {
    if (definitions.length === 0) return;
    await this.db.pool.query(
      `INSERT INTO acronyms (acronym, expansion, count)
       SELECT a, e, count(*)::int FROM unnest($1::text[], $2::text[]) AS t(a, e) GROUP BY a, e
       ON CONFLICT (acronym, expansion) DO UPDATE SET count = acronyms.count + excluded.count`,
      [definitions.map((d) => clean(d.acronym)), definitions.map((d) => clean(d.expansion))],
    );
  }
}

/** `seq`s as one bound `int[]` parameter (drizzle would spread a JS array into a list of parameters). */
function seqArray(seqs: number[]): SQL {
  return sql`${`{${seqs.join(',')}}`}::int[]`;
}

function ranked(r: Row): RankedPaper {
  return { seq: r.seq, paper: paperFromRow(r), feedDay: r.feed_day, rank: Number(r.score) };
}
