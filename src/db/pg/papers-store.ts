import type { Day } from '../../core/time.ts';
import type { Listing, Paper } from '../../core/types.ts';
import { PAPER_COLUMNS, paperFromRow, type PapersRepo, type PaperRow, type PaperText, type UpsertResult } from '../papers-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { ISO_NOW, run } from './runner.ts';
import { inTransaction, type PgTx } from './transaction.ts';
import { LOCK_PAPERS, paperRecord, rounds, sameText, textAfter, uniqueListings, UPDATE_KEEPING_TEXT, UPSERT_LISTINGS, UPSERT_PAPERS, type PaperRecord, type StoredText } from './papers-upsert.ts';
import { refreshVocabulary } from './vocabulary.ts';

const SELECT_PAPERS = `SELECT ${PAPER_COLUMNS} FROM papers`;

/**
 * Same contract as PapersRepo. Dialect choices:
 * - {@link upsertPage} first locks every paper row the page touches (its papers and the papers its listings
 *   name) in id order, then writes papers and listings each in one statement in key order: two ingests of
 *   overlapping pages from two processes take turns instead of deadlocking (the feed_day triggers on
 *   daily_listings update paper rows). A paper counts as `added` when this statement inserted it
 *   (`xmax = 0`), so of two processes storing one new paper at once only one reports it.
 *   Stored papers whose searched text (title, abstract, authors, AI keywords) the page leaves as it is are
 *   updated without assigning it (UPDATE_KEEPING_TEXT): PostgreSQL then keeps their search vector rather than
 *   computing it again, the bulk of a re-ingest's cost.
 * - The search vector is a generated column, always current: {@link indexPending} has nothing to index and
 *   answers 0. What it keeps instead is the spelling vocabulary (`paper_words`): refreshed after an upsert
 *   that added papers or changed a title, unless `deferIndex`, and then by the next `indexPending` (a
 *   refresh reads every title: once per ingested day or batch, never per page of a bulk ingest). The first
 *   `indexPending` of a store refreshes it too, catching up an ingest another process left unfinished.
 */
export class PgPapersStore implements Async<PapersRepo> {
  private vocabularyStale = true;
  private refreshing: Promise<void> | undefined;

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
    const stored = new Map((await run<StoredText & { id: string }>(tx, LOCK_PAPERS, [ids])).rows.map((r) => [r.id, r as StoredText]));
    const listedOn = new Map<string, Day>();
    for (const l of listings) if ((listedOn.get(l.paperId) ?? '') < l.feedDay) listedOn.set(l.paperId, l.feedDay);
    let changed = 0;
    let titlesChanged = false;
    const inserted = new Set<string>();
    for (const round of rounds(papers)) {
      const upserted: PaperRecord[] = [];
      const kept: PaperRecord[] = [];
      for (const p of round) {
        const record = paperRecord(p, listedOn.get(p.id) ?? null);
        const before = stored.get(p.id);
        const after = textAfter(before, record);
        (before && sameText(before, after) ? kept : upserted).push(record);
        titlesChanged ||= before?.title !== after.title;
        stored.set(p.id, after);
      }
      const statements: [string, PaperRecord[]][] = [
        [UPSERT_PAPERS, upserted],
        [UPDATE_KEEPING_TEXT, kept],
      ];
      for (const [sql, records] of statements) {
        if (records.length === 0) continue;
        const { rows } = await run<{ id: string; inserted: boolean }>(tx, sql, [JSON.stringify(records)]);
        changed += rows.length;
        for (const r of rows) if (r.inserted) inserted.add(r.id);
      }
    }
    if (listings.length > 0) await run(tx, UPSERT_LISTINGS, [JSON.stringify(uniqueListings(listings))]);
    const added = [...new Set(papers.map((p) => p.id))].filter((id) => inserted.has(id));
    return { result: { changed, added }, titlesChanged };
  }

  /**
   * Refreshes the spelling vocabulary when this store wrote titles since its last refresh (or never refreshed),
   * after any refresh already under way; answers 0.
   */
  async indexPending(): Promise<number> {
    while (this.refreshing) await this.refreshing.catch(() => undefined);
    if (!this.vocabularyStale) return 0;
    this.vocabularyStale = false;
    this.refreshing = refreshVocabulary(this.db.pool)
      .catch((error: unknown) => {
        this.vocabularyStale = true;
        throw error;
      })
      .finally(() => (this.refreshing = undefined));
    await this.refreshing;
    return 0;
  }

  async get(id: string): Promise<Paper | undefined> {
    const row = (await run<PaperRow>(this.db.pool, `${SELECT_PAPERS} WHERE id = $1`, [id])).rows[0];
    return row ? paperFromRow(row) : undefined;
  }

  async feedDayOf(id: string): Promise<Day | null> {
    return (await run<{ feed_day: Day | null }>(this.db.pool, 'SELECT feed_day FROM papers WHERE id = $1', [id])).rows[0]?.feed_day ?? null;
  }

  async textsOf(ids: readonly string[]): Promise<Map<string, PaperText>> {
    const out = new Map<string, PaperText>();
    if (ids.length === 0) return out;
    const { rows } = await run<Pick<PaperRow, 'id' | 'title' | 'abstract' | 'ai_keywords'>>(this.db.pool, 'SELECT id, title, abstract, ai_keywords FROM papers WHERE id = ANY($1::text[])', [[...ids]]);
    for (const row of rows) out.set(row.id, { id: row.id, title: row.title, abstract: row.abstract, aiKeywords: JSON.parse(row.ai_keywords) as string[] });
    return out;
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
