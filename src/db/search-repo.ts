import type { Statement } from 'better-sqlite3';
import type { Paper } from '../core/types.ts';
import type { CompiledQuery, MatchExpression, QueryFilters, UpvotesFilter } from '../core/compiled-query.ts';
import { wordsOf } from '../core/words.ts';
import type { Db } from './client.ts';
import { toFtsMatch, toTitleWordsMatch } from './fts-query.ts';
import { PAPER_COLUMNS, paperFromRow, type PaperRow } from './papers-repo.ts';

/** The filters a ranking applies beside the text match. */
export type SearchFilters = QueryFilters;

export interface RankedPaper {
  /** The row's FTS5 rowid (papers.seq), for fetching snippets. */
  seq: number;
  paper: Paper;
  /** bm25 score as FTS5 reports it, lower is better; in the windowed plan -1 for a title match, else 0. */
  rank: number;
}

export interface RankedPage {
  rows: RankedPaper[];
  /** How many papers match, or the exact-ranking limit when more do (see `approximate`). */
  total: number;
  /**
   * True when more papers matched than the exact-ranking limit: only the newest `window` matches were ranked
   * (title matches first, then upvotes), so that a very common term stays fast instead of scoring every match.
   */
  approximate: boolean;
}

const UPVOTE_OPS: Record<UpvotesFilter['op'], string> = { '>=': '>=', '>': '>', '<=': '<=', '<': '<', '=': '=' };

/**
 * Queries with at most this many matches are ranked exactly (bm25 over every match, about 1 us each);
 * queries with more use the window plan.
 */
export const DEFAULT_EXACT_LIMIT = 20_000;

/** The first string after every string that starts with `prefix` (for `term >= prefix AND term < end`). */
function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCodePoint(prefix.codePointAt(prefix.length - 1)! + 1);
}

/** The window plan ranks only the newest this many matches (title matches first, then upvotes). */
export const DEFAULT_RANK_WINDOW = 5_000;

/**
 * Full-text search over papers (FTS5). Plans each query: selective ones are ranked exactly with bm25;
 * ones with more matches than the window are ranked within their newest matches only.
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
  readonly window: number;
  readonly exactLimit: number;
  private recordAcronymStmt: Statement | undefined;
  private readonly ftsRankStmt: Statement;

  constructor(private readonly db: Db, options: { window?: number; exactLimit?: number } = {}) {
    this.window = options.window ?? DEFAULT_RANK_WINDOW;
    this.exactLimit = options.exactLimit ?? options.window ?? DEFAULT_EXACT_LIMIT;
    const s = db.sqlite;
    this.ftsRankStmt = s.prepare('SELECT rowid AS seq, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT ?');
    this.countStmt = s.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM papers_fts WHERE papers_fts MATCH @match LIMIT @cap)');
    this.existsStmt = s.prepare('SELECT 1 FROM papers_fts WHERE papers_fts MATCH ? LIMIT 1');
    this.bySeqStmt = s.prepare(`SELECT ${PAPER_COLUMNS} FROM papers WHERE seq IN (SELECT value FROM json_each(?))`);
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
    if (filters.upvotes) where.push(`p.upvotes ${UPVOTE_OPS[filters.upvotes.op]} @upvotes`);
    return where;
  }

  private countStatement(filters: SearchFilters): Statement {
    const extra = this.filterSql(filters);
    if (extra.length === 0) return this.countStmt;
    const key = `count:${extra.join(' AND ')}`;
    let stmt = this.rankStmts.get(key);
    if (!stmt) {
      stmt = this.db.sqlite.prepare(
        `SELECT count(*) AS n FROM (SELECT 1 FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid
         WHERE papers_fts MATCH @match AND ${extra.join(' AND ')} LIMIT @cap)`,
      );
      this.rankStmts.set(key, stmt);
    }
    return stmt;
  }

  private rankStatement(filters: SearchFilters): Statement {
    const where = ['papers_fts MATCH @match', ...this.filterSql(filters)];
    const key = where.join(' AND ');
    let stmt = this.rankStmts.get(key);
    if (!stmt) {
      stmt = this.db.sqlite.prepare(
        `SELECT papers_fts.rowid AS seq, papers_fts.rank AS rank FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid
         WHERE ${key} ORDER BY papers_fts.rank, p.upvotes DESC, p.seq LIMIT @limit OFFSET @offset`,
      );
      this.rankStmts.set(key, stmt);
    }
    return stmt;
  }

  /**
   * The plan for queries with more matches than the window: the newest `window` matches, papers whose
   * title has the query's words first, then by upvotes. bm25 is not computed: its idf pass alone reads a
   * common term's whole doclist, and FTS5 gives a term found in most papers almost no weight anyway.
   * `titleWords` is an expression over single words for the title-word index (no phrases: detail=none).
   */
  private rankWindow(match: string, titleWords: string | undefined, filters: SearchFilters, filterParams: Record<string, unknown>, page: { limit: number; offset: number }) {
    const params = { match, window: this.window, limit: page.limit, offset: page.offset, ...filterParams };
    if (titleWords) {
      try {
        return this.windowStatement(filters, true).all({ ...params, titleWords }) as { seq: number; rank: number }[];
      } catch {
        // A word the title index cannot take as a single token: rank by upvotes alone.
      }
    }
    return this.windowStatement(filters, false).all(params) as { seq: number; rank: number }[];
  }

  private windowStatement(filters: SearchFilters, withTitles: boolean): Statement {
    const extra = this.filterSql(filters);
    const key = `window:${withTitles}:${extra.join(' AND ')}`;
    let stmt = this.rankStmts.get(key);
    if (!stmt) {
      const titles = withTitles
        ? ', t AS (SELECT rowid AS seq FROM papers_words WHERE papers_words MATCH @titleWords ORDER BY rowid DESC LIMIT @window)'
        : '';
      stmt = this.db.sqlite.prepare(
        `WITH w AS (SELECT rowid AS seq FROM papers_fts WHERE papers_fts MATCH @match ORDER BY rowid DESC LIMIT @window)${titles}
         SELECT w.seq AS seq, ${withTitles ? '-(w.seq IN t)' : '0'} AS rank FROM w JOIN papers p ON p.seq = w.seq
         ${extra.length > 0 ? `WHERE ${extra.join(' AND ')}` : ''}
         ORDER BY rank, p.upvotes DESC, p.seq DESC LIMIT @limit OFFSET @offset`,
      );
      this.rankStmts.set(key, stmt);
    }
    return stmt;
  }

  /**
   * Ranks the papers that match a compiled query (compiled here to FTS5, every user word quoted): ids and
   * scores first, so that rows are fetched for the final page alone.
   */
  rank(query: CompiledQuery, page: { limit: number; offset: number }): RankedPage {
    const filters: SearchFilters = { since: query.since, listedSince: query.listedSince, upvotes: query.upvotes };
    return this.rankMatch(toFtsMatch(query), filters, page, toTitleWordsMatch(query));
  }

  private rankMatch(match: string, filters: SearchFilters, page: { limit: number; offset: number }, titleWords?: string): RankedPage {
    const filterParams: Record<string, unknown> = {};
    if (filters.since) filterParams.since = filters.since;
    if (filters.listedSince) filterParams.listedSince = filters.listedSince;
    if (filters.upvotes) filterParams.upvotes = filters.upvotes.value;
    const n = (this.countStatement(filters).get({ match, cap: this.exactLimit + 1, ...filterParams }) as { n: number }).n;
    const approximate = n > this.exactLimit;
    const params: Record<string, unknown> = { match, limit: page.limit, offset: page.offset, ...filterParams };
    const total = approximate ? this.exactLimit : n;
    if (!approximate && this.filterSql(filters).length === 0) return { rows: this.rankExact(match, page), total, approximate };
    const ranked = approximate
      ? this.rankWindow(match, titleWords, filters, filterParams, page)
      : (this.rankStatement(filters).all(params) as { seq: number; rank: number }[]);
    return { rows: this.withPapers(ranked), total, approximate };
  }

  private withPapers(ranked: { seq: number; rank: number }[]): RankedPaper[] {
    const bySeq = this.papersBySeq(ranked.map((r) => r.seq));
    return ranked.flatMap((r) => {
      const paper = bySeq.get(r.seq);
      return paper ? [{ seq: r.seq, paper, rank: r.rank }] : [];
    });
  }

  /**
   * Exact bm25 ranking straight from FTS5's own `ORDER BY rank` (no join per match), then ties broken by
   * upvotes in JS: rows are fetched past the page until the score changes, so a tie across the page edge
   * is ordered the same on every page. Papers are read for the page and the tie groups at its edges only.
   */
  private rankExact(match: string, page: { limit: number; offset: number }): RankedPaper[] {
    const want = page.offset + page.limit;
    for (let fetch = want + 8; ; fetch *= 4) {
      const rows = this.ftsRankStmt.all(match, fetch) as { seq: number; rank: number }[];
      const edge = rows[Math.min(want, rows.length) - 1];
      if (rows.length === fetch && edge && rows[rows.length - 1]!.rank === edge.rank) continue;
      if (page.offset >= rows.length) return [];
      let from = page.offset;
      while (from > 0 && rows[from - 1]!.rank === rows[page.offset]!.rank) from--;
      let to = Math.min(want, rows.length);
      while (to < rows.length && rows[to]!.rank === edge!.rank) to++;
      const ranked = this.withPapers(rows.slice(from, to));
      ranked.sort((a, b) => a.rank - b.rank || b.paper.upvotes - a.paper.upvotes || a.seq - b.seq);
      return ranked.slice(page.offset - from, want - from);
    }
  }

  private papersBySeq(seqs: number[]): Map<number, Paper> {
    if (seqs.length === 0) return new Map();
    const rows = this.bySeqStmt.all(JSON.stringify(seqs)) as PaperRow[];
    return new Map(rows.map((r) => [r.seq, paperFromRow(r)]));
  }

  /** Whether any paper matches the expression. */
  matchesAny(expression: MatchExpression): boolean {
    return this.existsStmt.get(toFtsMatch(expression)) !== undefined;
  }

  /** How many papers contain `word` exactly (unstemmed, lower case). */
  wordDocs(word: string): number {
    return (this.wordDocsStmt.get(word) as { doc: number } | undefined)?.doc ?? 0;
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
