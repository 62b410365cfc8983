import { and, asc, count, eq, sql } from 'drizzle-orm';
import { ISO_NOW } from './runner.ts';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Channel, Platform, Schedule, Subscription } from '../../core/types.ts';
import { TopicLimitError } from '../../errors.ts';
import { channelFromRow, MAX_TOPICS_PER_CHANNEL, type ChannelKey, type ChannelSettings, type ChannelsRepo, type DigestStart } from '../channels-repo.ts';
import { REOPENABLE_FAILED } from '../reopenable.ts';
import type { Async } from '../stores.ts';
import type { PgDb, PgOrm } from './client.ts';
import * as schema from './schema.ts';
import { channels, subscriptions } from './schema.ts';
import { inTransaction } from './transaction.ts';

/** The statement's time as the schema writes it (ISO-8601 UTC with milliseconds). */
const touched = { updatedAt: sql.raw(`(${ISO_NOW})`) };

const subscriptionColumns = { id: subscriptions.id, channelId: subscriptions.channelId, query: subscriptions.query, createdAt: subscriptions.createdAt };

/**
 * Same contract as {@link ChannelsRepo}, on PostgreSQL. Across processes:
 * - `enrol` inserts with `ON CONFLICT DO NOTHING` on the (platform, workspace, channel) unique index, then reads
 *   the row: two concurrent enrolments of one channel create it once and both answer the same row.
 * - `addTopic` takes the channel's row `FOR UPDATE` first, so adds to one channel (from any connection) take
 *   turns: the count and the insert never pass {@link MAX_TOPICS_PER_CHANNEL}.
 * - Removing a topic and recording who did it share one transaction.
 */
export class PgChannelsStore implements Async<ChannelsRepo> {
  constructor(private readonly db: PgDb) {}

  async find(key: ChannelKey): Promise<Channel | undefined> {
    const [row] = await this.db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.platform, key.platform), eq(channels.workspaceId, key.workspaceId), eq(channels.channelId, key.channelId)));
    return row ? channelFromRow(row) : undefined;
  }

  private forDigestQuery: ReturnType<typeof this.prepareForDigest> | undefined;

  /** Built once and named: every digest job starts from it, so PostgreSQL plans it once per connection. */
  private prepareForDigest() {
    // Spelled out: drizzle leaves a single table's columns unqualified, so a subquery's `id` would be its own.
    const topics = sql<string[]>`COALESCE((SELECT array_agg(s.query ORDER BY s.id) FROM subscriptions s WHERE s.channel_id = "channels"."id"), '{}')`;
    const reopenable = sql<boolean>`EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = "channels"."id" AND ${sql.raw(REOPENABLE_FAILED)})`;
    return this.db.orm
      .select({ row: channels, topics, reopenable })
      .from(channels)
      .where(eq(channels.id, sql.placeholder('id')))
      .prepare('papers_channel_for_digest');
  }

  private byIdQuery: ReturnType<typeof this.prepareById> | undefined;

  private prepareById() {
    return this.db.orm.select().from(channels).where(eq(channels.id, sql.placeholder('id'))).prepare('papers_channel_by_id');
  }

  async get(id: number): Promise<Channel | undefined> {
    this.byIdQuery ??= this.prepareById();
    const [row] = await this.byIdQuery.execute({ id });
    return row ? channelFromRow(row) : undefined;
  }

  /** One statement: the channel's row, its topics (an aggregate over its subscriptions) and whether a failed digest can go out again. */
  async forDigest(id: number): Promise<DigestStart | undefined> {
    this.forDigestQuery ??= this.prepareForDigest();
    const [found] = await this.forDigestQuery.execute({ id });
    return found && { channel: channelFromRow(found.row), topics: found.topics, reopenable: found.reopenable };
  }

  async enrol(key: ChannelKey, schedule: Schedule, by?: string): Promise<{ channel: Channel; created: boolean }> {
    const existing = await this.find(key);
    if (existing) return { channel: existing, created: false };
    const who = by ?? null;
    const [row] = await this.db.orm
      .insert(channels)
      .values({ platform: key.platform, workspaceId: key.workspaceId, channelId: key.channelId, kind: key.kind ?? 'channel', scheduleTime: schedule.time, cadence: schedule.cadence, weekday: schedule.weekday, timeZone: schedule.timeZone, enrolledBy: who, changedBy: who })
      .onConflictDoNothing()
      .returning();
    // Lost the race: READ COMMITTED waited for the winner's commit, so a new statement sees its row.
    return row ? { channel: channelFromRow(row), created: true } : { channel: (await this.find(key))!, created: false };
  }

  async update(id: number, settings: ChannelSettings, by?: string): Promise<Channel> {
    const { schedule, ...rest } = settings;
    const values = {
      ...rest,
      ...(by === undefined ? {} : { changedBy: by }),
      ...(schedule ? { scheduleTime: schedule.time, cadence: schedule.cadence, weekday: schedule.weekday, timeZone: schedule.timeZone } : {}),
      ...touched,
    };
    const [row] = await this.db.orm.update(channels).set(values).where(eq(channels.id, id)).returning();
    return channelFromRow(row!);
  }

  async markFailing(id: number, reason: string): Promise<Channel> {
    const [row] = await this.db.orm.update(channels).set({ health: 'failing', healthReason: reason, paused: true, ...touched }).where(eq(channels.id, id)).returning();
    return channelFromRow(row!);
  }

  async resume(id: number, by?: string): Promise<Channel> {
    const who = by === undefined ? {} : { changedBy: by };
    const [row] = await this.db.orm.update(channels).set({ paused: false, health: 'ok', healthReason: null, ...who, ...touched }).where(eq(channels.id, id)).returning();
    return channelFromRow(row!);
  }

  async list(options: { activeOnly?: boolean } = {}): Promise<Channel[]> {
    const q = this.db.orm.select().from(channels);
    const rows = await (options.activeOnly ? q.where(eq(channels.paused, false)) : q).orderBy(asc(channels.id));
    return rows.map(channelFromRow);
  }

  async inWorkspace(platform: Platform, workspaceId: string): Promise<Channel[]> {
    const rows = await this.db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.platform, platform), eq(channels.workspaceId, workspaceId)))
      .orderBy(asc(channels.id));
    return rows.map(channelFromRow);
  }

  /** Its topics, deliveries, delivered papers and follow-ups go with it (`ON DELETE CASCADE`). */
  async remove(id: number): Promise<void> {
    await this.db.orm.delete(channels).where(eq(channels.id, id));
  }

  async addTopic(channelId: number, query: string, by?: string): Promise<{ subscription: Subscription; created: boolean }> {
    return inTransaction(this.db.pool, async (tx) => {
      const orm = drizzle(tx, { schema });
      // The channel's row lock serialises every add to it; a missing channel fails at the insert's foreign key.
      await orm.select({ id: channels.id }).from(channels).where(eq(channels.id, channelId)).for('update');
      const [existing] = await orm
        .select(subscriptionColumns)
        .from(subscriptions)
        .where(and(eq(subscriptions.channelId, channelId), eq(subscriptions.query, query)));
      if (existing) return { subscription: existing, created: false };
      const [{ n }] = (await orm.select({ n: count() }).from(subscriptions).where(eq(subscriptions.channelId, channelId))) as [{ n: number }];
      if (n >= MAX_TOPICS_PER_CHANNEL) throw new TopicLimitError(MAX_TOPICS_PER_CHANNEL);
      const [row] = await orm.insert(subscriptions).values({ channelId, query }).returning(subscriptionColumns);
      await recordChange(orm, channelId, by);
      return { subscription: row!, created: true };
    });
  }

  async topics(channelId: number): Promise<Subscription[]> {
    return this.db.orm.select(subscriptionColumns).from(subscriptions).where(eq(subscriptions.channelId, channelId)).orderBy(asc(subscriptions.id));
  }

  async topicQueries(channelId: number): Promise<string[]> {
    const rows = await this.db.orm.select({ query: subscriptions.query }).from(subscriptions).where(eq(subscriptions.channelId, channelId)).orderBy(asc(subscriptions.id));
    return rows.map((r) => r.query);
  }

  async topicQueriesByChannel(): Promise<Map<number, string[]>> {
    const { rows } = await this.db.pool.query<[number, string]>({ text: 'SELECT channel_id, query FROM subscriptions ORDER BY id', rowMode: 'array' });
    const out = new Map<number, string[]>();
    for (const [channelId, query] of rows) {
      const list = out.get(channelId);
      if (list) list.push(query);
      else out.set(channelId, [query]);
    }
    return out;
  }

  async removeTopic(subscriptionId: number, by?: string): Promise<void> {
    await inTransaction(this.db.pool, async (tx) => {
      const orm = drizzle(tx, { schema });
      const [row] = await orm.delete(subscriptions).where(eq(subscriptions.id, subscriptionId)).returning({ channelId: subscriptions.channelId });
      if (row) await recordChange(orm, row.channelId, by);
    });
  }

  async removeAllTopics(channelId: number, by?: string): Promise<number> {
    return inTransaction(this.db.pool, async (tx) => {
      const orm = drizzle(tx, { schema });
      const removed = await orm.delete(subscriptions).where(eq(subscriptions.channelId, channelId)).returning({ id: subscriptions.id });
      if (removed.length > 0) await recordChange(orm, channelId, by);
      return removed.length;
    });
  }
}

async function recordChange(orm: PgOrm, channelId: number, by: string | undefined): Promise<void> {
  if (by === undefined) return;
  await orm.update(channels).set({ changedBy: by, ...touched }).where(eq(channels.id, channelId));
}
