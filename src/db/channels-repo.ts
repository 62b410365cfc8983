import { and, asc, count, eq, sql } from 'drizzle-orm';
import type { Statement } from 'better-sqlite3';
import type { Channel, ChannelKind, Platform, Schedule, Subscription } from '../core/types.ts';
import type { Db } from './client.ts';
import { TopicLimitError } from '../errors.ts';
import { channels, subscriptions } from './schema.ts';
import { REOPENABLE_FAILED } from './reopenable.ts';

type ChannelRow = typeof channels.$inferSelect;

/** Topics one channel may follow (Discord's autocomplete shows at most 25 choices). */
export const MAX_TOPICS_PER_CHANNEL = 25;

/** Maps a `channels` row (of either dialect: the same columns) to the domain type. */
export function channelFromRow(r: ChannelRow): Channel {
  return {
    id: r.id,
    platform: r.platform,
    workspaceId: r.workspaceId,
    channelId: r.channelId,
    schedule: { time: r.scheduleTime, cadence: r.cadence, weekday: r.weekday, timeZone: r.timeZone },
    topN: r.topN,
    minUpvotes: r.minUpvotes,
    emptyBehaviour: r.emptyBehaviour,
    layout: r.layout,
    kind: r.kind,
    paused: r.paused,
    health: r.health,
    healthReason: r.healthReason,
    lastDigestDay: r.lastDigestDay,
    enrolledBy: r.enrolledBy,
    changedBy: r.changedBy,
    createdAt: r.createdAt,
  };
}

export interface ChannelKey {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  /** What a new row is (default `channel`); `person`: `channelId` is a user id. Looking up ignores it. */
  kind?: ChannelKind;
}

/** Settings a command may change. */
/** What a digest run reads of its channel first (see {@link ChannelsRepo.forDigest}). */
export interface DigestStart {
  channel: Channel;
  topics: string[];
  /** A failed digest of the channel kept its papers and can go out again. */
  reopenable: boolean;
}

export interface ChannelSettings {
  schedule?: Schedule;
  topN?: number;
  minUpvotes?: number;
  emptyBehaviour?: Channel['emptyBehaviour'];
  layout?: Channel['layout'];
  paused?: boolean;
}

const touched = { updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` };

/** Enrolled channels, their settings, topics and health. */
export class ChannelsRepo {
  private topicsStmt: Statement | undefined;
  private topicQueriesStmt: Statement | undefined;
  private reopenableStmt: Statement | undefined;
  private byIdQuery: ReturnType<typeof this.prepareById> | undefined;
  private byKeyQuery: ReturnType<typeof this.prepareByKey> | undefined;

  constructor(private readonly db: Db) {}

  private prepareById() {
    return this.db.orm.select().from(channels).where(eq(channels.id, sql.placeholder('id'))).prepare();
  }

  private prepareByKey() {
    return this.db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.platform, sql.placeholder('platform')), eq(channels.workspaceId, sql.placeholder('workspaceId')), eq(channels.channelId, sql.placeholder('channelId'))))
      .prepare();
  }

  find(key: ChannelKey): Channel | undefined {
    // Every vote and command looks its channel up: the query is built once (building it took most of a vote).
    this.byKeyQuery ??= this.prepareByKey();
    const row = this.byKeyQuery.get({ platform: key.platform, workspaceId: key.workspaceId, channelId: key.channelId });
    return row ? channelFromRow(row) : undefined;
  }

  get(id: number): Channel | undefined {
    // Every digest and delivery job reads its channel: build the query once.
    this.byIdQuery ??= this.prepareById();
    const row = this.byIdQuery.get({ id });
    return row ? channelFromRow(row) : undefined;
  }

  /**
   * What a digest run reads first, in one look-up: the channel, its topic queries (oldest first), and whether
   * a failed digest of it can go out again (the deliveries' `reopenFailed`).
   */
  forDigest(id: number): DigestStart | undefined {
    const channel = this.get(id);
    if (!channel) return undefined;
    this.reopenableStmt ??= this.db.sqlite.prepare(`SELECT EXISTS (SELECT 1 FROM deliveries d WHERE d.channel_id = ? AND ${REOPENABLE_FAILED})`).pluck();
    return { channel, topics: this.topicQueries(id), reopenable: this.reopenableStmt.get(id) === 1 };
  }

  /**
   * Enrols a channel for digests (idempotent); `schedule` and `by` (the platform user id of whoever enrols it,
   * recorded as `enrolledBy` and `changedBy`) apply only when it is new. Returns it and whether it was new.
   */
  enrol(key: ChannelKey, schedule: Schedule, by?: string): { channel: Channel; created: boolean } {
    const existing = this.find(key);
    if (existing) return { channel: existing, created: false };
    const who = by ?? null;
    const row = this.db.orm
      .insert(channels)
      .values({ platform: key.platform, workspaceId: key.workspaceId, channelId: key.channelId, kind: key.kind ?? 'channel', scheduleTime: schedule.time, cadence: schedule.cadence, weekday: schedule.weekday, timeZone: schedule.timeZone, enrolledBy: who, changedBy: who })
      .onConflictDoNothing()
      .returning()
      .get();
    return row ? { channel: channelFromRow(row), created: true } : { channel: this.find(key)!, created: false };
  }

  /** Changes the named settings only; `by` (a platform user id) is recorded as `changedBy`. */
  update(id: number, settings: ChannelSettings, by?: string): Channel {
    const { schedule, ...rest } = settings;
    const values = {
      ...rest,
      ...(by === undefined ? {} : { changedBy: by }),
      ...(schedule ? { scheduleTime: schedule.time, cadence: schedule.cadence, weekday: schedule.weekday, timeZone: schedule.timeZone } : {}),
      ...touched,
    };
    return channelFromRow(this.db.orm.update(channels).set(values).where(eq(channels.id, id)).returning().get()!);
  }

  /** Marks a channel failing (and paused) with the platform's reason; `resume` clears it. */
  markFailing(id: number, reason: string): Channel {
    return channelFromRow(
      this.db.orm.update(channels).set({ health: 'failing', healthReason: reason, paused: true, ...touched }).where(eq(channels.id, id)).returning().get()!,
    );
  }

  /** Unpauses and clears a failing health mark; `by` (a platform user id) is recorded as `changedBy`. */
  resume(id: number, by?: string): Channel {
    const who = by === undefined ? {} : { changedBy: by };
    return channelFromRow(
      this.db.orm.update(channels).set({ paused: false, health: 'ok', healthReason: null, ...who, ...touched }).where(eq(channels.id, id)).returning().get()!,
    );
  }

  /** Every enrolled channel (and person's alerts row: see `kind`), oldest first. */
  list(options: { activeOnly?: boolean } = {}): Channel[] {
    const q = this.db.orm.select().from(channels);
    const rows = options.activeOnly ? q.where(eq(channels.paused, false)).orderBy(asc(channels.id)).all() : q.orderBy(asc(channels.id)).all();
    return rows.map(channelFromRow);
  }

  /** The channels (and person rows) enrolled in one workspace of a platform, oldest first. */
  inWorkspace(platform: Platform, workspaceId: string): Channel[] {
    return this.db.orm
      .select()
      .from(channels)
      .where(and(eq(channels.platform, platform), eq(channels.workspaceId, workspaceId)))
      .orderBy(asc(channels.id))
      .all()
      .map(channelFromRow);
  }

  remove(id: number): void {
    this.db.orm.delete(channels).where(eq(channels.id, id)).run();
  }

  /**
   * Adds a topic unless the channel has it already (`created: false`). Refuses with {@link TopicLimitError}
   * when the channel already follows {@link MAX_TOPICS_PER_CHANNEL}: the count and the insert share one
   * immediate write transaction, so concurrent adds (from any process) never pass the cap.
   * `by` (a platform user id) is recorded as the channel's `changedBy` when a topic is added.
   */
  addTopic(channelId: number, query: string, by?: string): { subscription: Subscription; created: boolean } {
    const add = this.db.sqlite.transaction(() => {
      const existing = this.db.orm
        .select()
        .from(subscriptions)
        .where(and(eq(subscriptions.channelId, channelId), eq(subscriptions.query, query)))
        .get();
      if (existing) return { subscription: existing, created: false };
      const { n } = this.db.orm.select({ n: count() }).from(subscriptions).where(eq(subscriptions.channelId, channelId)).get()!;
      if (n >= MAX_TOPICS_PER_CHANNEL) throw new TopicLimitError(MAX_TOPICS_PER_CHANNEL);
      const row = this.db.orm.insert(subscriptions).values({ channelId, query }).returning().get();
      this.recordChange(channelId, by);
      return { subscription: row, created: true };
    });
    return add.immediate();
  }

  /** A channel's topics in the order they were added (hot path of digest planning: a prepared statement). */
  topics(channelId: number): Subscription[] {
    this.topicsStmt ??= this.db.sqlite.prepare(
      'SELECT id, channel_id AS channelId, query, created_at AS createdAt FROM subscriptions WHERE channel_id = ? ORDER BY id',
    );
    return this.topicsStmt.all(channelId) as Subscription[];
  }

  /** A channel's topic queries, oldest first (what planning reads; lighter than {@link topics}). */
  topicQueries(channelId: number): string[] {
    this.topicQueriesStmt ??= this.db.sqlite.prepare('SELECT query FROM subscriptions WHERE channel_id = ? ORDER BY id').pluck();
    return this.topicQueriesStmt.all(channelId) as string[];
  }

  /** Every channel's topic queries, oldest first, keyed by channel id. */
  topicQueriesByChannel(): Map<number, string[]> {
    const out = new Map<number, string[]>();
    const rows = this.db.sqlite.prepare('SELECT channel_id, query FROM subscriptions ORDER BY id').raw().all() as [number, string][];
    for (const [channelId, query] of rows) {
      const list = out.get(channelId);
      if (list) list.push(query);
      else out.set(channelId, [query]);
    }
    return out;
  }

  /** Removes one topic; `by` (a platform user id) is recorded as the channel's `changedBy`. */
  removeTopic(subscriptionId: number, by?: string): void {
    const row = this.db.orm.delete(subscriptions).where(eq(subscriptions.id, subscriptionId)).returning({ channelId: subscriptions.channelId }).get();
    if (row) this.recordChange(row.channelId, by);
  }

  /** Removes every topic of a channel and returns how many; `by` is recorded as the channel's `changedBy`. */
  removeAllTopics(channelId: number, by?: string): number {
    const removed = this.db.orm.delete(subscriptions).where(eq(subscriptions.channelId, channelId)).run().changes;
    if (removed > 0) this.recordChange(channelId, by);
    return removed;
  }

  private recordChange(channelId: number, by: string | undefined): void {
    if (by === undefined) return;
    this.db.orm.update(channels).set({ changedBy: by, ...touched }).where(eq(channels.id, channelId)).run();
  }
}
