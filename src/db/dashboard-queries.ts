import type { Statement } from 'better-sqlite3';
import type { DeliveryStatus, Paper, Platform } from '../core/types.ts';
import type { Day } from '../core/time.ts';
import type { Db } from './client.ts';
import { PAPER_COLUMNS, paperFromRow, type PaperRow } from './papers-repo.ts';
import type { Async } from './stores.ts';

/** One feed day's listed paper count and upvotes (as listed that day). */
export interface DayStats {
  day: Day;
  papers: number;
  upvotes: number;
}

/** Deliveries of one feed day, by status. */
export interface DayDeliveries {
  day: Day;
  counts: Record<DeliveryStatus, number>;
}

/** A channel a paper was selected for, and how that digest went. */
export interface PaperPosting {
  channelRowId: number;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  deliveryId: string;
  feedDay: Day;
  status: DeliveryStatus;
  topic: string | null;
  updatedAt: string;
}

/** Which chat channels a list shows (never people's alerts rows): all, those failing (refused by their platform), or those paused. */
export type ChannelFilter = 'all' | 'failing' | 'paused';

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

/**
 * The dashboard's questions as its use case asks them, of either dialect: {@link DashboardQueries} through
 * promises on SQLite (`promised`), PgDashboardQueries on PostgreSQL, with the same answers.
 */
export type DashboardStore = Async<DashboardQueries>;

/**
 * The dashboard's read-only questions of storage: pages of a feed day and of channels, per-day counts for
 * charts, where a paper went. Every query is bounded (a page, a day range) and runs on an index.
 */
export class DashboardQueries {
  private readonly dayPage: Statement;
  private readonly dayCount: Statement;
  private readonly dayStats: Statement;
  private readonly channelCount: Record<ChannelFilter, Statement>;
  private readonly channelIds: Record<ChannelFilter, Statement>;
  private readonly topicsOf: Statement;
  private readonly recentOf: Statement;
  private readonly postings: Statement;
  private readonly heldPapers: Statement;
  private readonly deliveryDays: Statement;

  constructor(private readonly db: Db) {
    const p = PAPER_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ');
    this.dayPage = db.sqlite.prepare(
      `SELECT ${p}, l.rank AS rank FROM daily_listings l JOIN papers p ON p.id = l.paper_id
       WHERE l.feed_day = ? ORDER BY p.upvotes DESC, l.rank ASC LIMIT ? OFFSET ?`,
    );
    this.dayCount = db.sqlite.prepare('SELECT COUNT(*) FROM daily_listings WHERE feed_day = ?').pluck();
    this.dayStats = db.sqlite.prepare(
      'SELECT feed_day AS day, COUNT(*) AS papers, COALESCE(SUM(upvotes), 0) AS upvotes FROM daily_listings WHERE feed_day BETWEEN ? AND ? GROUP BY feed_day ORDER BY feed_day',
    );
    // Chat channels only: a person's alerts row (kind 'person') is their own list, not a channel to manage.
    const where: Record<ChannelFilter, string> = { all: "WHERE kind = 'channel'", failing: "WHERE kind = 'channel' AND health = 'failing'", paused: "WHERE kind = 'channel' AND paused = 1" };
    const each = (sql: (w: string) => string) =>
      Object.fromEntries(Object.entries(where).map(([k, w]) => [k, db.sqlite.prepare(sql(w)).pluck()])) as Record<ChannelFilter, Statement>;
    this.channelCount = each((w) => `SELECT COUNT(*) FROM channels ${w}`);
    this.channelIds = each((w) => `SELECT id FROM channels ${w} ORDER BY id LIMIT ? OFFSET ?`);
    this.topicsOf = db.sqlite.prepare('SELECT channel_id, query FROM subscriptions WHERE channel_id IN (SELECT value FROM json_each(?)) ORDER BY id');
    // The newest digests of each channel on the page: each channel's rows come through the (channel_id, feed_day) index.
    this.recentOf = db.sqlite.prepare(
      `SELECT channel_id, id, feed_day, status, updated_at FROM (
         SELECT channel_id, id, feed_day, status, updated_at, ROW_NUMBER() OVER (PARTITION BY channel_id ORDER BY feed_day DESC, created_at DESC) AS n
         FROM deliveries WHERE channel_id IN (SELECT value FROM json_each(?))
       ) WHERE n <= ? ORDER BY channel_id, n`,
    );
    this.postings = db.sqlite.prepare(
      `SELECT dp.channel_id AS channelRowId, c.platform, c.workspace_id AS workspaceId, c.channel_id AS channelId, d.id AS deliveryId,
              d.feed_day AS feedDay, d.status, dp.topic, d.updated_at AS updatedAt
       FROM delivered_papers dp JOIN deliveries d ON d.id = dp.delivery_id JOIN channels c ON c.id = dp.channel_id
       WHERE dp.paper_id = ? AND c.kind = 'channel' ORDER BY d.feed_day DESC LIMIT ?`,
    );
    this.heldPapers = db.sqlite.prepare(
      'SELECT delivery_id, COUNT(*) AS n FROM delivered_papers WHERE delivery_id IN (SELECT value FROM json_each(?)) GROUP BY delivery_id',
    );
    this.deliveryDays = db.sqlite.prepare(
      'SELECT feed_day AS day, status, COUNT(*) AS n FROM deliveries WHERE feed_day BETWEEN ? AND ? GROUP BY feed_day, status ORDER BY feed_day',
    );
  }

  /** One page of the papers listed on `day`, best first (upvotes, then feed rank), and how many it lists. */
  feedDayPage(day: Day, page: { limit: number; offset: number }): { papers: (Paper & { rank: number })[]; total: number } {
    const rows = this.dayPage.all(day, page.limit, page.offset) as (PaperRow & { rank: number })[];
    return { papers: rows.map((r) => ({ ...paperFromRow(r), rank: r.rank })), total: this.dayCount.get(day) as number };
  }

  /** Papers listed and their upvotes per feed day within [from, to] (days without listings are absent). */
  dayStatsBetween(from: Day, to: Day): DayStats[] {
    return this.dayStats.all(from, to) as DayStats[];
  }

  /** Deliveries per feed day within [from, to], by status. */
  deliveriesPerDay(from: Day, to: Day): DayDeliveries[] {
    const out = new Map<Day, DayDeliveries>();
    for (const row of this.deliveryDays.all(from, to) as { day: Day; status: DeliveryStatus; n: number }[]) {
      let entry = out.get(row.day);
      if (!entry) out.set(row.day, (entry = { day: row.day, counts: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number> }));
      entry.counts[row.status] = row.n;
    }
    return [...out.values()];
  }

  /** How many channels are enrolled (of those `filter` keeps). */
  channelTotal(filter: ChannelFilter = 'all'): number {
    return this.channelCount[filter].get() as number;
  }

  /** The ids of one page of channels (of those `filter` keeps), oldest first. */
  channelIdPage(page: { limit: number; offset: number }, filter: ChannelFilter = 'all'): number[] {
    return this.channelIds[filter].all(page.limit, page.offset) as number[];
  }

  /** The topic queries of the given channels, oldest first, keyed by channel id. */
  topicsFor(channelIds: number[]): Map<number, string[]> {
    const out = new Map<number, string[]>(channelIds.map((id) => [id, []]));
    for (const r of this.topicsOf.all(JSON.stringify(channelIds)) as { channel_id: number; query: string }[]) out.get(r.channel_id)?.push(r.query);
    return out;
  }

  /** The newest `perChannel` deliveries of each given channel, newest feed day first. */
  recentDeliveriesFor(channelIds: number[], perChannel: number): Map<number, { id: string; feedDay: Day; status: DeliveryStatus; updatedAt: string }[]> {
    const out = new Map<number, { id: string; feedDay: Day; status: DeliveryStatus; updatedAt: string }[]>(channelIds.map((id) => [id, []]));
    const rows = this.recentOf.all(JSON.stringify(channelIds), perChannel) as { channel_id: number; id: string; feed_day: Day; status: DeliveryStatus; updated_at: string }[];
    for (const r of rows) out.get(r.channel_id)?.push({ id: r.id, feedDay: r.feed_day, status: r.status, updatedAt: r.updated_at });
    return out;
  }

  /** The channels a paper was selected for (newest first, at most `limit`), with each digest's status. */
  postingsOf(paperId: string, limit = 100): PaperPosting[] {
    return this.postings.all(paperId, limit) as PaperPosting[];
  }

  /** How many papers each delivery still holds (a failed digest whose papers were released holds none). */
  papersHeldBy(deliveryIds: string[]): Map<string, number> {
    const rows = this.heldPapers.all(JSON.stringify(deliveryIds)) as { delivery_id: string; n: number }[];
    return new Map(rows.map((r) => [r.delivery_id, r.n]));
  }
}
