import type { Statement } from 'better-sqlite3';
import type { Paper } from '../core/types.ts';
import type { CompiledQuery, CountFilter, MatchExpression, QueryFilters, SortOrder } from '../core/compiled-query.ts';
import type { Day } from '../core/time.ts';
import { wordsOf } from '../core/words.ts';
import type { Db } from './client.ts';
import { spellingWords } from './fts-index.ts';
import { BM25, BOOST, RANKING, RELEVANCE_FLOOR, RERANK_DEPTH, rankingParams, rerankSql, UPVOTES_BOOST } from './search-blend.ts';
import { toFtsMatch, toTitleWordsMatch } from './fts-query.ts';
import { PAPER_COLUMNS, paperFromRow, type PaperRow } from './papers-repo.ts';

export { RANKING, RERANK_DEPTH };

/** The filters a ranking applies beside the text match. */
export type SearchFilters = QueryFilters;

export interface RankedPaper {
  /** The row's FTS5 rowid (papers.seq), for fetching snippets. */
  seq: number;
  paper: Paper;
  /** The latest Daily Papers feed day that listed the paper, or null when no feed day did. */
  feedDay: Day | null;
  /**
   * The score the page was ordered by, lower is better: bm25 times the community boost (see
   * {@link RANKING}); in the windowed plan -1 for a title match, else 0.
   */
  rank: number;
}

export interface RankedPage {
  rows: RankedPaper[];
  /** How many papers match, or the exact-ranking limit when more do (see `approximate`). */
  total: number;
  /**
   * True when more papers matched than the exact-ranking limit: only the newest `window` matches were ranked
   * (title matches first, then the community boost), so that a very common term stays fast instead of
   * scoring every match.
   */
  approximate: boolean;
}

/** Ranking options beside the page. */
export interface RankOptions {
  /** The moment ages are measured from (how long a paper has been on the feed, how recent it is). */
  now?: Date;
}

/** A ranked page of ids, with how many passing matches the statement counted (undefined: none on this page). */
interface Ranked {
  rows: { seq: number; score: number }[];
  total: number | undefined;
}

const COUNT_OPS: Record<CountFilter['op'], string> = { '>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=' };

/**
 * Queries with at most this many matches are ranked exactly (bm25 and the boost over every match, about
 * 1 us each); queries with more use the window plan.
 */
export const DEFAULT_EXACT_LIMIT = 20_000;

/** The first string after every string that starts with `prefix` (for `term >= prefix AND term < end`). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCodePoint(prefix.codePointAt(prefix.length - 1)! + 1);
}

/** The window plan ranks only the newest this many matches (title matches first, then the boost). */
export const DEFAULT_RANK_WINDOW = 5_000;

const NEWEST = 'coalesce(p.feed_day, p.published_at) DESC, p.published_at DESC';

/**
 * Queries that last matched at most this many papers are counted as they are ranked, in one pass: below it,
 * keeping every match in a temporary table costs less than counting them in a pass of their own (measured
 * at 200,000 papers); above it, more.
 */
const FEW_MATCHES = 1_000;
/** How many match expressions' counts {@link SearchRepo} remembers for choosing plans. */
const MAX_REMEMBERED_COUNTS = 10_000;

type RerankRow = PaperRow & { feed_day: Day | null; score: number };

function rankedOf(r: RerankRow): RankedPaper {
  return { seq: r.seq, paper: paperFromRow(r), feedDay: r.feed_day, rank: r.score };
}


/**
 * Full-text search over papers (FTS5). Plans each query: selective ones are ranked exactly (bm25 blended
 * with upvotes and recency over every match); ones with more matches than the window are ranked within
 * their newest matches only.
 */
export class SearchRepo {
  private readonly countStmt: Statement;
  private readonly existsStmt: Statement;
  private readonly wordDocsStmt: Statement;
  private readonly vocabRangeStmt: Statement;

  private readonly bySeqStmt: Statement;
  private readonly stemRangeStmt: Statement;
  private readonly instanceStmt: Statement;
  private readonly rankStmts = new Map<string, Statement>();
  /** How many papers each recent match expression found (a plan hint only: results never depend on it). */
  private readonly lastCounts = new Map<string, number>();
  private readonly ftsTopStmt: Statement;
  private readonly boostStmt: Statement;
  readonly window: number;
  readonly exactLimit: number;
  private recordAcronymStmt: Statement | undefined;

  constructor(private readonly db: Db, options: { window?: number; exactLimit?: number } = {}) {
    this.window = options.window ?? DEFAULT_RANK_WINDOW;
    this.exactLimit = options.exactLimit ?? options.window ?? DEFAULT_EXACT_LIMIT;
    const s = db.sqlite;
    this.boostStmt = s.prepare(`SELECT p.seq AS seq, ${BOOST} AS boost FROM papers p WHERE p.seq IN (SELECT value FROM json_each(@seqs))`);
    this.ftsTopStmt = s.prepare(`SELECT rowid AS seq, ${BM25} AS rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank, rowid LIMIT ?`);
    this.countStmt = s.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match LIMIT @cap)');
    this.existsStmt = s.prepare('SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT 1');
    this.bySeqStmt = s.prepare(`SELECT ${PAPER_COLUMNS}, feed_day FROM papers WHERE seq IN (SELECT value FROM json_each(?))`);
    this.stemRangeStmt = s.prepare('SELECT term, doc FROM papers_fts_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?');
    this.instanceStmt = s.prepare("SELECT doc, col, offset FROM papers_fts_instances WHERE term = ? AND col IN ('title', 'abstract') LIMIT 1");
    this.wordDocsStmt = s.prepare('SELECT doc FROM papers_words_vocab WHERE term = ?');
    this.vocabRangeStmt = s.prepare(
      'SELECT term, doc FROM papers_words_vocab WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ? AND doc >= ?',
    );
  }

  private filterSql(filters: SearchFilters): string[] {
    const where: string[] = [];
    // The digest's rule too (src/select): by publication day; a paper whose day is unknown passes.
    if (filters.since) where.push('(p.published_at IS NULL OR p.published_at >= @since)');
    if (filters.listedSince) where.push('EXISTS (SELECT 1 FROM daily_listings l WHERE l.paper_id = p.id AND l.feed_day >= @listedSince)');
    if (filters.upvotes) where.push(`p.upvotes ${COUNT_OPS[filters.upvotes.op]} @upvotes`);
    if (filters.stars) where.push(`p.github_stars ${COUNT_OPS[filters.stars.op]} @stars`);
    if (filters.hasCode) where.push("p.github_repo IS NOT NULL AND p.github_repo <> ''");
    return where;
  }

  private filterParams(filters: SearchFilters): Record<string, unknown> {
    const params: Record<string, unknown> = {};
    if (filters.since) params.since = filters.since;
    if (filters.listedSince) params.listedSince = filters.listedSince;
    if (filters.upvotes) params.upvotes = filters.upvotes.value;
    if (filters.stars) params.stars = filters.stars.value;
    return params;
  }

  private statement(key: string, sql: () => string): Statement {
    let stmt = this.rankStmts.get(key);
    if (!stmt) {
      stmt = this.db.sqlite.prepare(sql());
      this.rankStmts.set(key, stmt);
    }
    return stmt;
  }

  private rerankStatement(page: { limit: number; offset: number }, countUpTo?: number): Statement {
    return this.statement(`rerank:${page.limit}:${page.offset}:${countUpTo ?? ''}`, () => rerankSql(page, countUpTo));
  }

  private countStatement(filters: SearchFilters): Statement {
    const extra = this.filterSql(filters);
    if (extra.length === 0) return this.countStmt;
    return this.statement(
      `count:${extra.join(' AND ')}`,
      () => `SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid
         WHERE papers_fts MATCH @match AND ${extra.join(' AND ')} LIMIT @cap)`,
    );
  }

  /** Exact ranking by `sort:new` or `sort:top`: every match's row is read, the page taken from SQLite's top-N sort. */
  private rankStatement(filters: SearchFilters, sort: Exclude<SortOrder, 'relevance'>): Statement {
    const where = ['papers_fts MATCH @match', ...this.filterSql(filters)].join(' AND ');
    // Relevance only breaks ties here (bm25, for the newest with upvotes): the full boost is not worth its cost.
    const blend = `(score - ${RELEVANCE_FLOOR}) * ${UPVOTES_BOOST}`;
    const order = { top: 'upvotes DESC, score, seq', new: `coalesce(feed_day, published_at) DESC, published_at DESC, ${blend}, seq` }[sort];
    // bm25() cannot run under a window function: it is computed in the inner query, the count outside (and
    // only with filters: without them the text count is the total).
    const total = where.includes(' AND ') ? 'count(*) OVER ()' : 'NULL';
    return this.statement(
      `rank:${sort}:${where}`,
      () => `SELECT seq, score, ${total} AS total FROM (
           SELECT papers_fts.rowid AS seq, ${BM25} AS score, p.upvotes AS upvotes, p.feed_day AS feed_day, p.published_at AS published_at
           FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid WHERE ${where})
         ORDER BY ${order} LIMIT @limit OFFSET @offset`,
    );
  }

  private rankOrdered(filters: SearchFilters, sort: Exclude<SortOrder, 'relevance'>, params: Record<string, unknown>): Ranked {
    const rows = this.rankStatement(filters, sort).all(params) as { seq: number; score: number; total: number }[];
    return { rows, total: rows[0]?.total };
  }

  /** The best `want` matches by bm25 that pass the filters (every match's row is read: the filters need it). */
  private filteredTopStatement(filters: SearchFilters): Statement {
    const where = ['papers_fts MATCH @match', ...this.filterSql(filters)].join(' AND ');
    return this.statement(
      `top:${where}`,
      () => `SELECT seq, rank, count(*) OVER () AS total FROM (
           SELECT papers_fts.rowid AS seq, ${BM25} AS rank FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid WHERE ${where})
         ORDER BY rank, seq LIMIT @want`,
    );
  }

  /**
   * The plan for queries with more matches than the window: the newest `window` matches, papers whose
   * title has the query's words first, then by the community boost (or by `sort`). bm25 is not computed:
   * its idf pass alone reads a common term's whole doclist, and FTS5 gives a term found in most papers
   * almost no weight anyway. `titleWords` is an expression over single words for the title-word index (no
   * phrases: detail=none).
   */
  private rankWindow(titleWords: string | undefined, filters: SearchFilters, sort: SortOrder, params: Record<string, unknown>) {
    const windowed = { ...params, window: this.window };
    if (titleWords) {
      try {
        return this.windowStatement(filters, sort, true).all({ ...windowed, titleWords }) as { seq: number; score: number }[];
      } catch {
        // A word the title index cannot take as a single token: rank by the boost alone.
      }
    }
    return this.windowStatement(filters, sort, false).all(windowed) as { seq: number; score: number }[];
  }

  private windowStatement(filters: SearchFilters, sort: SortOrder, withTitles: boolean): Statement {
    const extra = this.filterSql(filters);
    const order = { relevance: `score, ${BOOST} DESC, p.seq DESC`, top: 'p.upvotes DESC, score, p.seq DESC', new: `${NEWEST}, score, p.seq DESC` }[sort];
    return this.statement(`window:${sort}:${withTitles}:${extra.join(' AND ')}`, () => {
      const titles = withTitles
        ? ', t AS (SELECT rowid AS seq FROM papers_words WHERE papers_words MATCH @titleWords ORDER BY rowid DESC LIMIT @window)'
        : '';
      return `WITH w AS (SELECT rowid AS seq FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rowid DESC LIMIT @window)${titles}
         SELECT w.seq AS seq, ${withTitles ? '-(w.seq IN t)' : '0'} AS score FROM w JOIN papers p ON p.seq = w.seq
         ${extra.length > 0 ? `WHERE ${extra.join(' AND ')}` : ''}
         ORDER BY ${order} LIMIT @limit OFFSET @offset`;
    });
  }

  /**
   * Ranks the papers that match a compiled query (compiled here to FTS5, every user word quoted): ids and
   * scores first, so that rows are fetched for the final page alone.
   */
  rank(query: CompiledQuery, page: { limit: number; offset: number }, options: RankOptions = {}): RankedPage {
    const filters: SearchFilters = {
      since: query.since,
      listedSince: query.listedSince,
      upvotes: query.upvotes,
      stars: query.stars,
      hasCode: query.hasCode,
    };
    const match = toFtsMatch(query);
    const sort = query.sort ?? 'relevance';
    const filterParams = this.filterParams(filters);
    const filtered = this.filterSql(filters).length > 0;
    const cap = this.exactLimit + 1;
    const blended = !filtered && sort === 'relevance' && page.limit > 0 && page.offset + page.limit <= RERANK_DEPTH;
    const ranking = () => ({ match, limit: page.limit, offset: page.offset, ...filterParams, ...rankingParams(options.now ?? new Date()) });
    if (blended && (this.lastCounts.get(match) ?? cap) <= FEW_MATCHES) {
      const counted = this.countingRerank(match, page, ranking());
      if (counted) return counted;
    }
    // The text alone is counted first (no row read); only when it matches more than the exact limit are the
    // filters counted too (reading rows), to tell whether the filtered matches still need the window plan.
    let n = (this.countStmt.get({ match, cap }) as { n: number }).n;
    this.rememberCount(match, n);
    if (filtered && n > this.exactLimit) n = (this.countStatement(filters).get({ match, cap, ...filterParams }) as { n: number }).n;
    const approximate = n > this.exactLimit;
    if (n === 0 || (!filtered && page.offset >= n)) return { rows: [], total: approximate ? this.exactLimit : n, approximate };
    const params = ranking();
    if (approximate) {
      return { rows: this.withPapers(this.rankWindow(toTitleWordsMatch(query), filters, sort, params)), total: this.exactLimit, approximate };
    }
    if (blended) return { rows: (this.rerankStatement(page).all(params) as RerankRow[]).map(rankedOf), total: n, approximate };
    // Exact, with filters and/or an order of its own: the statements count the passing matches as they rank them.
    const ranked = sort === 'relevance' ? this.rankBlended(filters, params, page) : this.rankOrdered(filters, sort, params);
    let total = filtered ? ranked.total : n;
    if (total === undefined) total = (this.countStatement(filters).get({ match, cap, ...filterParams }) as { n: number }).n;
    return { rows: this.withPapers(ranked.rows), total, approximate };
  }

  /**
   * The first pages of a relevance ranking, counted by the same statement (see {@link rerankSql});
   * undefined when too many papers match for the exact plan, or when the
   * page is past the last match (the count is then unknown).
   */
  private countingRerank(match: string, page: { limit: number; offset: number }, params: Record<string, unknown>): RankedPage | undefined {
    const rows = this.rerankStatement(page, this.exactLimit + 1).all(params) as (RerankRow & { total: number })[];
    const n = rows[0]?.total ?? (page.offset === 0 ? 0 : undefined);
    if (n === undefined) return undefined;
    this.rememberCount(match, n);
    return n > this.exactLimit ? undefined : { rows: rows.map(rankedOf), total: n, approximate: false };
  }

  /** Remembers how many papers a match expression found (capped), to choose the next search's plan. */
  private rememberCount(match: string, n: number): void {
    if (this.lastCounts.size >= MAX_REMEMBERED_COUNTS) this.lastCounts.clear();
    this.lastCounts.set(match, n);
  }

  /**
   * Relevance ranking without reading every match's row unless a filter needs it (reading a row costs more than scoring it): the
   * best {@link RERANK_DEPTH} matches by bm25 (that pass the filters) come from FTS5's own ranking, as a
   * plain ranked query gets them, and are ordered by the blend; any further matches follow in bm25 order.
   * Every page cuts the same order, so paging never repeats or loses a paper.
   */
  private rankBlended(filters: SearchFilters, params: Record<string, unknown>, page: { limit: number; offset: number }): Ranked {
    const want = Math.max(page.offset + page.limit, RERANK_DEPTH);
    const rows = (
      this.filterSql(filters).length > 0 ? this.filteredTopStatement(filters).all({ ...params, want }) : this.ftsTopStmt.all(params.match, want)
    ) as { seq: number; rank: number; total?: number }[];
    const head = rows.slice(0, RERANK_DEPTH);
    const boosts = new Map((this.boostStmt.all({ ...params, seqs: JSON.stringify(head.map((r) => r.seq)) }) as { seq: number; boost: number }[]).map((r) => [r.seq, r.boost]));
    const score = (r: { seq: number; rank: number }) => ({ seq: r.seq, score: (r.rank - RELEVANCE_FLOOR) * (boosts.get(r.seq) ?? 1) });
    const reordered = head.map(score).sort((a, b) => a.score - b.score || a.seq - b.seq);
    return { rows: [...reordered, ...rows.slice(RERANK_DEPTH).map(score)].slice(page.offset, page.offset + page.limit), total: rows[0]?.total };
  }

  private withPapers(ranked: { seq: number; score: number }[]): RankedPaper[] {
    const bySeq = this.papersBySeq(ranked.map((r) => r.seq));
    return ranked.flatMap((r) => {
      const row = bySeq.get(r.seq);
      return row ? [{ seq: r.seq, paper: row.paper, feedDay: row.feedDay, rank: r.score }] : [];
    });
  }

  private papersBySeq(seqs: number[]): Map<number, { paper: Paper; feedDay: Day | null }> {
    if (seqs.length === 0) return new Map();
    const rows = this.bySeqStmt.all(JSON.stringify(seqs)) as (PaperRow & { feed_day: Day | null })[];
    return new Map(rows.map((r) => [r.seq, { paper: paperFromRow(r), feedDay: r.feed_day }]));
  }

  /** The latest feed day that listed a paper (by arXiv id), or null. */
  feedDayOf(paperId: string): Day | null {
    return (this.db.sqlite.prepare('SELECT feed_day FROM papers WHERE id = ?').pluck().get(paperId) as Day | null | undefined) ?? null;
  }

  /** Whether any paper matches the expression. */
  matchesAny(expression: MatchExpression): boolean {
    return this.existsStmt.get(toFtsMatch(expression)) !== undefined;
  }

  /** How many papers contain `word` exactly (unstemmed, lower case). */
  wordDocs(word: string): number {
    return (this.wordDocsStmt.get(word) as { doc: number } | undefined)?.doc ?? 0;
  }

  /** Every title word (unstemmed, lower case) with how many titles have it: spelling correction's vocabulary. */
  titleWords(): { term: string; doc: number }[] {
    return spellingWords(this.db.sqlite);
  }

  /** How many papers match the expression, counting at most to `cap`. */
  countMatches(expression: MatchExpression, cap: number): number {
    return (this.countStmt.get({ match: toFtsMatch(expression), cap }) as { n: number }).n;
  }

  /** Vocabulary words that start like `prefix`, of a length in range, in at least `minDocs` papers. */
  vocabulary(prefix: string, minLength: number, maxLength: number, minDocs = 1): { term: string; doc: number }[] {
    return this.vocabRangeStmt.all(prefix, prefixEnd(prefix), minLength, maxLength, minDocs) as { term: string; doc: number }[];
  }

  /** Stemmed index terms (titles and abstracts) that start like `prefix`, of a length in range. */
  stemVocabulary(prefix: string, minLength: number, maxLength: number): { term: string; doc: number }[] {
    return this.stemRangeStmt.all(prefix, prefixEnd(prefix), minLength, maxLength) as { term: string; doc: number }[];
  }

  /** A word as written in some title or abstract whose stem is `stem` (lower case), if any. */
  surfaceForm(stem: string): string | undefined {
    const hit = this.instanceStmt.get(stem) as { doc: number; col: string; offset: number } | undefined;
    if (!hit) return undefined;
    const row = this.db.sqlite.prepare(`SELECT ${hit.col === 'title' ? 'title' : 'abstract'} AS text FROM papers WHERE seq = ?`).get(hit.doc) as
      | { text: string }
      | undefined;
    return row ? wordsOf(row.text)[hit.offset] : undefined;
  }

  /** Acronym definitions learned from abstracts, with how many papers defined each. */
  learnedAcronyms(): { acronym: string; expansion: string; count: number }[] {
    return this.db.sqlite.prepare('SELECT acronym, expansion, count FROM acronyms').all() as {
      acronym: string;
      expansion: string;
      count: number;
    }[];
  }

  /** Counts acronym definitions (one per paper that wrote it). */
  recordAcronyms(definitions: { acronym: string; expansion: string }[]): void {
    if (definitions.length === 0) return;
    const stmt = (this.recordAcronymStmt ??= this.db.sqlite.prepare(
      'INSERT INTO acronyms (acronym, expansion, count) VALUES (?, ?, 1) ON CONFLICT (acronym, expansion) DO UPDATE SET count = count + 1',
    ));
    this.db.sqlite.transaction(() => {
      for (const d of definitions) stmt.run(d.acronym, d.expansion);
    })();
  }
}
