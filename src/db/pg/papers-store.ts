import type { Day } from '../../core/time.ts';
import type { Listing, Paper } from '../../core/types.ts';
import { PAPER_COLUMNS, paperFromRow, type PapersRepo, type PaperRow, type UpsertResult } from '../papers-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { ISO_NOW, run } from './runner.ts';
import { inTransaction, type PgTx } from './transaction.ts';
import { refreshVocabulary } from './vocabulary.ts';

const PAPER_RECORD = `id text, title text, abstract text, authors text, published_at text, upvotes int, comments int, ai_summary text,
  ai_keywords text, github_repo text, github_stars int, project_page text, thumbnail text, categories text, feed_day text`;

const PAPER_FIELDS = 'id, title, abstract, authors, published_at, upvotes, comments, ai_summary, ai_keywords, github_repo, github_stars, project_page, thumbnail, categories, feed_day';

/** PapersRepo's upsert: the same merge and the same "changed" test (`IS NOT` is `IS DISTINCT FROM`), one statement per page. */
const UPSERT_PAPERS = `
INSERT INTO papers AS p (${PAPER_FIELDS})
SELECT ${PAPER_FIELDS} FROM jsonb_to_recordset($1::jsonb) AS t(${PAPER_RECORD}) ORDER BY id
ON CONFLICT (id) DO UPDATE SET
  title = excluded.title,
  abstract = CASE WHEN excluded.abstract <> '' THEN excluded.abstract ELSE p.abstract END,
  authors = CASE WHEN excluded.authors <> '[]' THEN excluded.authors ELSE p.authors END,
  published_at = COALESCE(excluded.published_at, p.published_at),
  upvotes = excluded.upvotes,
  comments = GREATEST(excluded.comments, p.comments),
  ai_summary = COALESCE(excluded.ai_summary, p.ai_summary),
  ai_keywords = CASE WHEN excluded.ai_keywords <> '[]' THEN excluded.ai_keywords ELSE p.ai_keywords END,
  github_repo = COALESCE(excluded.github_repo, p.github_repo),
  github_stars = COALESCE(excluded.github_stars, p.github_stars),
  project_page = COALESCE(excluded.project_page, p.project_page),
  thumbnail = COALESCE(excluded.thumbnail, p.thumbnail),
  categories = CASE WHEN excluded.categories <> '[]' THEN excluded.categories ELSE p.categories END,
  updated_at = ${ISO_NOW}
WHERE p.title IS DISTINCT FROM excluded.title OR p.abstract IS DISTINCT FROM excluded.abstract OR p.upvotes IS DISTINCT FROM excluded.upvotes
   OR p.comments IS DISTINCT FROM excluded.comments OR p.ai_summary IS DISTINCT FROM excluded.ai_summary
   OR p.github_stars IS DISTINCT FROM excluded.github_stars OR p.github_repo IS DISTINCT FROM excluded.github_repo
   OR p.ai_keywords IS DISTINCT FROM excluded.ai_keywords OR p.authors IS DISTINCT FROM excluded.authors
   OR p.categories IS DISTINCT FROM excluded.categories OR p.thumbnail IS DISTINCT FROM excluded.thumbnail
   OR p.project_page IS DISTINCT FROM excluded.project_page OR p.published_at IS DISTINCT FROM excluded.published_at
RETURNING id, (xmax = 0) AS inserted`;

const UPSERT_LISTINGS = `
INSERT INTO daily_listings (feed_day, paper_id, rank, upvotes)
SELECT feed_day, paper_id, rank, upvotes FROM jsonb_to_recordset($1::jsonb) AS t(feed_day text, paper_id text, rank int, upvotes int)
ORDER BY paper_id, feed_day
ON CONFLICT (feed_day, paper_id) DO UPDATE SET rank = excluded.rank, upvotes = excluded.upvotes, seen_at = ${ISO_NOW}`;

/** Locks the paper rows a write touches, in one order for every writer; answers their titles. */
const LOCK_PAPERS = 'SELECT id, title FROM papers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE';

const SELECT_PAPERS = `SELECT ${PAPER_COLUMNS} FROM papers`;

function paperRecord(p: Paper, feedDay: Day | null) {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    published_at: p.publishedAt,
    upvotes: p.upvotes,
    comments: p.comments,
    ai_summary: p.aiSummary,
    ai_keywords: JSON.stringify(p.aiKeywords),
    github_repo: p.githubRepo,
    github_stars: p.githubStars,
    project_page: p.projectPage,
    thumbnail: p.thumbnail,
    categories: JSON.stringify(p.categories),
    feed_day: feedDay,
  };
}

/** Splits `papers` into rounds in which each id appears once (in page order), as SQLite upserts one by one. */
function rounds(papers: Paper[]): Paper[][] {
  const seen = new Map<string, number>();
  const out: Paper[][] = [];
  for (const p of papers) {
    const round = seen.get(p.id) ?? 0;
    seen.set(p.id, round + 1);
    (out[round] ??= []).push(p);
  }
  return out;
}

/** One listing per feed day and paper, the last given winning (as a later upsert overwrites an earlier one). */
function uniqueListings(listings: Listing[]) {
  const byKey = new Map<string, Listing>();
  for (const l of listings) byKey.set(`${l.feedDay}\u0000${l.paperId}`, l);
  return [...byKey.values()].map((l) => ({ feed_day: l.feedDay, paper_id: l.paperId, rank: l.rank, upvotes: l.upvotes }));
}

/**
 * Same contract as PapersRepo. Dialect choices:
 * - {@link upsertPage} first locks every paper row the page touches (its papers and the papers its listings
 *   name) in id order, then writes papers and listings each in one statement in key order: two ingests of
 *   overlapping pages from two processes take turns instead of deadlocking (the feed_day triggers on
 *   daily_listings update paper rows). A paper counts as `added` when this statement inserted it
 *   (`xmax = 0`), so of two processes storing one new paper at once only one reports it.
 * - The search vector is a generated column, always current: {@link indexPending} has nothing to index and
 *   answers 0. What it keeps instead is the spelling vocabulary (`paper_words`): refreshed after an upsert
 *   that added papers or changed a title, unless `deferIndex`, and then by the next `indexPending` (a
 *   refresh reads every title: once per ingested day or batch, never per page of a bulk ingest). The first
 *   `indexPending` of a store refreshes it too, catching up an ingest another process left unfinished.
 */
export class PgPapersStore implements Async<PapersRepo> {
  private vocabularyStale = true;

  constructor(private readonly db: PgDb) {}

  async upsertPage(papers: Paper[], listings: Listing[], options: { deferIndex?: boolean } = {}): Promise<UpsertResult> {
    if (papers.length === 0 && listings.length === 0) return { changed: 0, added: [] };
    const { result, titlesChanged } = await inTransaction(this.db.pool, (tx) => this.writePage(tx, papers, listings));
    if (titlesChanged) this.vocabularyStale = true;
    if (!options.deferIndex) await this.indexPending();
    return result;
  }

  private async writePage(tx: PgTx, papers: Paper[], listings: Listing[]): Promise<{ result: UpsertResult; titlesChanged: boolean }> {
    const ids = [...new Set([...papers.map((p) => p.id), ...listings.map((l) => l.paperId)])];
    const titles = new Map((await run<{ id: string; title: string }>(tx, LOCK_PAPERS, [ids])).rows.map((r) => [r.id, r.title]));
    const listedOn = new Map<string, Day>();
    for (const l of listings) if ((listedOn.get(l.paperId) ?? '') < l.feedDay) listedOn.set(l.paperId, l.feedDay);
    let changed = 0;
    const inserted = new Set<string>();
    for (const round of rounds(papers)) {
      const records = round.map((p) => paperRecord(p, listedOn.get(p.id) ?? null));
      const { rows } = await run<{ id: string; inserted: boolean }>(tx, UPSERT_PAPERS, [JSON.stringify(records)]);
      changed += rows.length;
      for (const r of rows) if (r.inserted) inserted.add(r.id);
    }
    if (listings.length > 0) await run(tx, UPSERT_LISTINGS, [JSON.stringify(uniqueListings(listings))]);
    const added = [...new Set(papers.map((p) => p.id))].filter((id) => inserted.has(id));
    const titlesChanged = added.length > 0 || papers.some((p) => titles.has(p.id) && titles.get(p.id) !== p.title);
    return { result: { changed, added }, titlesChanged };
  }

  /** Refreshes the spelling vocabulary when this store wrote titles since its last refresh (or never refreshed); 0. */
  async indexPending(): Promise<number> {
    if (!this.vocabularyStale) return 0;
    this.vocabularyStale = false;
    try {
      await refreshVocabulary(this.db.pool);
    } catch (error) {
      this.vocabularyStale = true;
      throw error;
    }
    return 0;
  }

  async get(id: string): Promise<Paper | undefined> {
    const row = (await run<PaperRow>(this.db.pool, `${SELECT_PAPERS} WHERE id = $1`, [id])).rows[0];
    return row ? paperFromRow(row) : undefined;
  }

  /** Locks the papers in id order first (as {@link upsertPage} does), then updates them in one statement. */
  async enrich(updates: { id: string; categories: string[]; publishedAt: Day | null }[]): Promise<void> {
    if (updates.length === 0) return;
    // Updated one by one, the last categories and the first known date of a paper given twice would stay.
    const byId = new Map<string, { id: string; categories: string; published_at: Day | null }>();
    for (const u of updates) {
      const before = byId.get(u.id);
      byId.set(u.id, { id: u.id, categories: JSON.stringify(u.categories), published_at: before?.published_at ?? u.publishedAt });
    }
    await inTransaction(this.db.pool, async (tx) => {
      await run(tx, LOCK_PAPERS, [[...byId.keys()]]);
      await run(
        tx,
        `UPDATE papers p SET categories = u.categories, published_at = COALESCE(p.published_at, u.published_at), updated_at = ${ISO_NOW}
         FROM jsonb_to_recordset($1::jsonb) AS u(id text, categories text, published_at text) WHERE p.id = u.id`,
        [JSON.stringify([...byId.values()])],
      );
    });
  }

  async listedOn(feedDay: Day): Promise<(Paper & { rank: number })[]> {
    const sql = `SELECT ${PAPER_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ')}, l.rank AS rank
                 FROM daily_listings l JOIN papers p ON p.id = l.paper_id
                 WHERE l.feed_day = $1 ORDER BY p.upvotes DESC, l.rank ASC`;
    const { rows } = await run<PaperRow & { rank: number }>(this.db.pool, sql, [feedDay]);
    return rows.map((r) => ({ ...paperFromRow(r), rank: r.rank }));
  }

  async feedDays(options: { from?: Day; to?: Day; limit?: number } = {}): Promise<Day[]> {
    const limit = options.limit === undefined || options.limit < 0 ? null : options.limit;
    const sql = 'SELECT DISTINCT feed_day FROM daily_listings WHERE feed_day >= $1 AND feed_day <= $2 ORDER BY feed_day DESC LIMIT $3';
    const { rows } = await run<{ feed_day: Day }>(this.db.pool, sql, [options.from ?? '0000-00-00', options.to ?? '9999-99-99', limit]);
    return rows.map((r) => r.feed_day);
  }

  async latestFeedDay(onOrBefore?: Day): Promise<Day | undefined> {
    return (await this.feedDays({ to: onOrBefore, limit: 1 }))[0];
  }

  async markDayIngested(day: Day, stats: { pages: number; items: number; skipped: number }): Promise<void> {
    await run(
      this.db.pool,
      `INSERT INTO ingested_days (feed_day, pages, items, skipped) VALUES ($1, $2, $3, $4)
       ON CONFLICT (feed_day) DO UPDATE SET pages = excluded.pages, items = excluded.items, skipped = excluded.skipped, completed_at = ${ISO_NOW}`,
      [day, stats.pages, stats.items, stats.skipped],
    );
  }

  async ingestedAmong(days: Day[]): Promise<Set<Day>> {
    const { rows } = await run<{ feed_day: Day }>(this.db.pool, 'SELECT feed_day FROM ingested_days WHERE feed_day = ANY($1::text[])', [days]);
    return new Set(rows.map((r) => r.feed_day));
  }

  async count(): Promise<number> {
    return (await run<{ n: number }>(this.db.pool, 'SELECT count(*) AS n FROM papers')).rows[0]!.n;
  }
}
