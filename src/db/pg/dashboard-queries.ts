import type { QueryResultRow } from 'pg';
import type { Day } from '../../core/time.ts';
import type { DeliveryStatus, Paper } from '../../core/types.ts';
import type { ChannelFilter, DashboardQueries, DayDeliveries, DayStats, PaperPosting } from '../dashboard-queries.ts';
import { PAPER_COLUMNS, paperFromRow, type PaperRow } from '../papers-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';

const STATUSES: DeliveryStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

const P = PAPER_COLUMNS.split(', ').map((c) => `p.${c}`).join(', ');
const DAY_PAGE = `SELECT ${P}, l.rank AS rank FROM daily_listings l JOIN papers p ON p.id = l.paper_id
  WHERE l.feed_day = $1 ORDER BY p.upvotes DESC, l.rank ASC LIMIT $2 OFFSET $3`;
const DAY_COUNT = 'SELECT COUNT(*) AS n FROM daily_listings WHERE feed_day = $1';
const DAY_STATS =
  'SELECT feed_day AS day, COUNT(*) AS papers, COALESCE(SUM(upvotes), 0) AS upvotes FROM daily_listings WHERE feed_day BETWEEN $1 AND $2 GROUP BY feed_day ORDER BY feed_day';
const DELIVERY_DAYS = 'SELECT feed_day AS day, status, COUNT(*) AS n FROM deliveries WHERE feed_day BETWEEN $1 AND $2 GROUP BY feed_day, status ORDER BY feed_day';
// Chat channels only: a person's alerts row (kind 'person') is their own list, not a channel to manage.
const WHERE: Record<ChannelFilter, string> = {
  all: "WHERE kind = 'channel'",
  failing: "WHERE kind = 'channel' AND health = 'failing'",
  paused: "WHERE kind = 'channel' AND paused",
};
const TOPICS_OF = 'SELECT channel_id, query FROM subscriptions WHERE channel_id = ANY($1::int[]) ORDER BY id';
const RECENT_OF = `SELECT channel_id, id, feed_day, status, updated_at FROM (
    SELECT channel_id, id, feed_day, status, updated_at, ROW_NUMBER() OVER (PARTITION BY channel_id ORDER BY feed_day DESC, created_at DESC) AS n
    FROM deliveries WHERE channel_id = ANY($1::int[])
  ) ranked WHERE n <= $2 ORDER BY channel_id, n`;
const POSTINGS = `SELECT dp.channel_id AS "channelRowId", c.platform, c.workspace_id AS "workspaceId", c.channel_id AS "channelId", d.id AS "deliveryId",
    d.feed_day AS "feedDay", d.status, dp.topic, d.updated_at AS "updatedAt"
  FROM delivered_papers dp JOIN deliveries d ON d.id = dp.delivery_id JOIN channels c ON c.id = dp.channel_id
  WHERE dp.paper_id = $1 AND c.kind = 'channel' ORDER BY d.feed_day DESC LIMIT $2`;
const HELD_PAPERS = 'SELECT delivery_id, COUNT(*) AS n FROM delivered_papers WHERE delivery_id = ANY($1::text[]) GROUP BY delivery_id';

type RecentDelivery = { id: string; feedDay: Day; status: DeliveryStatus; updatedAt: string };

/**
 * Same contract as {@link DashboardQueries}, on PostgreSQL: the same statements, with `paused` a boolean and
 * id lists passed as one array parameter (`= ANY($1)`) where SQLite reads a JSON array through `json_each`.
 */
export class PgDashboardQueries implements Async<DashboardQueries> {
  constructor(private readonly db: PgDb) {}

  async feedDayPage(day: Day, page: { limit: number; offset: number }): Promise<{ papers: (Paper & { rank: number })[]; total: number }> {
    const [rows, total] = await Promise.all([this.rows<PaperRow & { rank: number }>(DAY_PAGE, [day, page.limit, page.offset]), this.count(DAY_COUNT, [day])]);
    return { papers: rows.map((r) => ({ ...paperFromRow(r), rank: r.rank })), total };
  }

  async dayStatsBetween(from: Day, to: Day): Promise<DayStats[]> {
    return this.rows<DayStats>(DAY_STATS, [from, to]);
  }

  async deliveriesPerDay(from: Day, to: Day): Promise<DayDeliveries[]> {
    const out = new Map<Day, DayDeliveries>();
    for (const row of await this.rows<{ day: Day; status: DeliveryStatus; n: number }>(DELIVERY_DAYS, [from, to])) {
      let entry = out.get(row.day);
      if (!entry) out.set(row.day, (entry = { day: row.day, counts: Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DeliveryStatus, number> }));
      entry.counts[row.status] = row.n;
    }
    return [...out.values()];
  }

  async channelTotal(filter: ChannelFilter = 'all'): Promise<number> {
    return this.count(`SELECT COUNT(*) AS n FROM channels ${WHERE[filter]}`);
  }

  async channelIdPage(page: { limit: number; offset: number }, filter: ChannelFilter = 'all'): Promise<number[]> {
    const rows = await this.rows<{ id: number }>(`SELECT id FROM channels ${WHERE[filter]} ORDER BY id LIMIT $1 OFFSET $2`, [page.limit, page.offset]);
    return rows.map((r) => r.id);
  }

  async topicsFor(channelIds: number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(channelIds.map((id) => [id, []]));
    for (const r of await this.rows<{ channel_id: number; query: string }>(TOPICS_OF, [channelIds])) out.get(r.channel_id)?.push(r.query);
    return out;
  }

  async recentDeliveriesFor(channelIds: number[], perChannel: number): Promise<Map<number, RecentDelivery[]>> {
    const out = new Map<number, RecentDelivery[]>(channelIds.map((id) => [id, []]));
    const rows = await this.rows<{ channel_id: number; id: string; feed_day: Day; status: DeliveryStatus; updated_at: string }>(RECENT_OF, [channelIds, perChannel]);
    for (const r of rows) out.get(r.channel_id)?.push({ id: r.id, feedDay: r.feed_day, status: r.status, updatedAt: r.updated_at });
    return out;
  }

  async postingsOf(paperId: string, limit = 100): Promise<PaperPosting[]> {
    return this.rows<PaperPosting>(POSTINGS, [paperId, limit]);
  }

  async papersHeldBy(deliveryIds: string[]): Promise<Map<string, number>> {
    const rows = await this.rows<{ delivery_id: string; n: number }>(HELD_PAPERS, [deliveryIds]);
    return new Map(rows.map((r) => [r.delivery_id, r.n]));
  }

  private async rows<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.db.pool.query<R>(text, values)).rows;
  }

  private async count(text: string, values: unknown[] = []): Promise<number> {
    const [row] = await this.rows<{ n: number }>(text, values);
    return row!.n;
  }
}
