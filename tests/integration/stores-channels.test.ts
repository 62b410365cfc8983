import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schedule } from '../../src/core/types.ts';
import { ChannelsRepo, MAX_TOPICS_PER_CHANNEL, type ChannelKey } from '../../src/db/channels-repo.ts';
import { PgChannelsStore } from '../../src/db/pg/channels-store.ts';
import { openPg, type PgDb } from '../../src/db/pg/client.ts';
import { promised, type ChannelsStore } from '../../src/db/stores.ts';
import { TopicLimitError } from '../../src/errors.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const daily: Schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' };
const weekly: Schedule = { time: '07:30', cadence: 'weekly', weekday: 3, timeZone: 'Europe/Paris' };
const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

let counter = 0;
const freshKey = (overrides: Partial<ChannelKey> = {}): ChannelKey => ({ platform: 'slack', workspaceId: 'T1', channelId: `C${++counter}`, ...overrides });

const count = async (backend: Backend, table: string, channelId: number) =>
  Number((await rawSql(backend, `SELECT COUNT(*) AS n FROM ${table} WHERE channel_id = ?`, [channelId]))[0]!.n);

describe.each(BACKENDS)('the channels store on %s', (name) => {
  let backend: Backend;
  let store: ChannelsStore;

  beforeAll(async () => {
    backend = await openBackend(name, `stores-channels-${name}`);
    store = backend.name === 'sqlite' ? promised(new ChannelsRepo(backend.db)) : new PgChannelsStore(backend.pg);
  });
  afterAll(() => backend.close());

  const enrolled = async (key = freshKey(), by?: string) => (await store.enrol(key, daily, by)).channel;

  it('enrols a channel once, with its schedule, the defaults and who enrolled it; enrolling again changes nothing', async () => {
    const key = freshKey();
    const first = await store.enrol(key, weekly, 'UENROL');
    expect(first.created).toBe(true);
    expect(first.channel).toEqual({
      id: expect.any(Number),
      ...key,
      schedule: weekly,
      topN: 5,
      minUpvotes: 0,
      emptyBehaviour: 'skip',
      layout: 'digest',
      kind: 'channel',
      paused: false,
      health: 'ok',
      healthReason: null,
      lastDigestDay: null,
      enrolledBy: 'UENROL',
      changedBy: 'UENROL',
      createdAt: expect.stringMatching(ISO_MS),
    });
    const again = await store.enrol(key, daily, 'UOTHER');
    expect(again).toEqual({ channel: first.channel, created: false });
  });

  it('enrols a person row with kind person, found by its key whatever kind the lookup names; unknown keys and ids find nothing', async () => {
    const key = freshKey({ platform: 'discord', kind: 'person' });
    const { channel } = await store.enrol(key, daily);
    expect(channel).toMatchObject({ kind: 'person', enrolledBy: null, changedBy: null });
    expect(await store.find({ ...key, kind: 'channel' })).toEqual(channel);
    expect(await store.get(channel.id)).toEqual(channel);
    expect(await store.find(freshKey())).toBeUndefined();
    expect(await store.get(999_999)).toBeUndefined();
  });

  it('changes only the named settings and records who changed them', async () => {
    const channel = await enrolled(freshKey(), 'UENROL');
    const changed = await store.update(channel.id, { topN: 3, layout: 'thread', emptyBehaviour: 'notice' }, 'USETTINGS');
    expect(changed).toEqual({ ...channel, topN: 3, layout: 'thread', emptyBehaviour: 'notice', changedBy: 'USETTINGS' });
    const rescheduled = await store.update(channel.id, { schedule: weekly, minUpvotes: 7, paused: true });
    expect(rescheduled).toEqual({ ...changed, schedule: weekly, minUpvotes: 7, paused: true });
    expect(await store.get(channel.id)).toEqual(rescheduled);
  });

  it('marks a channel failing and paused with the reason; resuming clears it and records who resumed', async () => {
    const channel = await enrolled(freshKey(), 'UENROL');
    const failing = await store.markFailing(channel.id, 'channel_not_found');
    expect(failing).toEqual({ ...channel, health: 'failing', healthReason: 'channel_not_found', paused: true });
    expect(await store.resume(channel.id, 'URESUME')).toEqual({ ...channel, changedBy: 'URESUME' });
    await store.markFailing(channel.id, 'again');
    expect(await store.resume(channel.id)).toEqual({ ...channel, changedBy: 'URESUME' });
  });

  it('lists every channel oldest first, the active ones only when asked, and those of one workspace of a platform', async () => {
    const a = await enrolled(freshKey({ workspaceId: 'WLIST' }));
    const b = await enrolled(freshKey({ workspaceId: 'WLIST' }));
    const c = await enrolled(freshKey({ workspaceId: 'WLIST', platform: 'discord' }));
    await store.update(b.id, { paused: true });
    const all = await store.list();
    expect(all.map((x) => x.id)).toEqual([...all.map((x) => x.id)].sort((x, y) => x - y));
    expect(all.map((x) => x.id)).toEqual(expect.arrayContaining([a.id, b.id, c.id]));
    const active = (await store.list({ activeOnly: true })).map((x) => x.id);
    expect(active).toContain(a.id);
    expect(active).not.toContain(b.id);
    expect(active).toEqual(all.filter((x) => !x.paused).map((x) => x.id));
    expect((await store.inWorkspace('slack', 'WLIST')).map((x) => x.id)).toEqual([a.id, b.id]);
    expect(await store.inWorkspace('slack', 'WNONE')).toEqual([]);
  });

  it('adds a topic once, keeps topics in the order they were added and records who added one', async () => {
    const channel = await enrolled(freshKey(), 'UENROL');
    const first = await store.addTopic(channel.id, 'diffusion', 'UADDER');
    expect(first).toEqual({ created: true, subscription: { id: expect.any(Number), channelId: channel.id, query: 'diffusion', createdAt: expect.stringMatching(ISO_MS) } });
    expect((await store.get(channel.id))!.changedBy).toBe('UADDER');
    expect(await store.addTopic(channel.id, 'diffusion', 'USECOND')).toEqual({ created: false, subscription: first.subscription });
    expect((await store.get(channel.id))!.changedBy).toBe('UADDER');
    await store.addTopic(channel.id, 'agents');
    await store.addTopic(channel.id, 'author:"Ada Lovelace"');
    expect(await store.topics(channel.id)).toEqual([first.subscription, expect.objectContaining({ query: 'agents' }), expect.objectContaining({ query: 'author:"Ada Lovelace"' })]);
    expect(await store.topicQueries(channel.id)).toEqual(['diffusion', 'agents', 'author:"Ada Lovelace"']);
    expect(await store.topics(999_999)).toEqual([]);
  });

  it('refuses a topic past the limit with TopicLimitError, and still answers "already follows" for one the full channel has', async () => {
    const channel = await enrolled();
    for (let i = 0; i < MAX_TOPICS_PER_CHANNEL; i += 1) await store.addTopic(channel.id, `t${i}`);
    expect((await store.addTopic(channel.id, 't3')).created).toBe(false);
    await expect(store.addTopic(channel.id, 'one more', 'U1')).rejects.toBeInstanceOf(TopicLimitError);
    expect(await store.topicQueries(channel.id)).toHaveLength(MAX_TOPICS_PER_CHANNEL);
    expect((await store.get(channel.id))!.changedBy).toBeNull();
  });

  it("keys every channel's topic queries by channel id, oldest first", async () => {
    const a = await enrolled();
    const b = await enrolled();
    await store.addTopic(b.id, 'b1');
    await store.addTopic(a.id, 'a1');
    await store.addTopic(b.id, 'b2');
    const byChannel = await store.topicQueriesByChannel();
    expect(byChannel.get(a.id)).toEqual(['a1']);
    expect(byChannel.get(b.id)).toEqual(['b1', 'b2']);
    expect(byChannel.has((await enrolled()).id)).toBe(false);
  });

  it('reads what a digest starts from in one look-up: the channel, its topics oldest first, and none for a channel without topics; nothing for an unknown id', async () => {
    const a = await enrolled();
    const b = await enrolled();
    await store.addTopic(a.id, 'a2');
    await store.addTopic(b.id, 'b1');
    await store.addTopic(a.id, 'a1');
    expect(await store.forDigest(a.id)).toEqual({ channel: await store.get(a.id), topics: ['a2', 'a1'], reopenable: false });
    const bare = await enrolled();
    expect(await store.forDigest(bare.id)).toEqual({ channel: bare, topics: [], reopenable: false });
    expect(await store.forDigest(999_999)).toBeUndefined();
  });

  it('removes one topic or all of them, recording who did only when something was removed', async () => {
    const channel = await enrolled(freshKey(), 'UENROL');
    const { subscription } = await store.addTopic(channel.id, 'x');
    await store.addTopic(channel.id, 'y');
    await store.addTopic(channel.id, 'z');
    await store.removeTopic(subscription.id, 'UREMOVER');
    expect(await store.topicQueries(channel.id)).toEqual(['y', 'z']);
    expect((await store.get(channel.id))!.changedBy).toBe('UREMOVER');
    await store.removeTopic(subscription.id, 'UNOBODY');
    expect((await store.get(channel.id))!.changedBy).toBe('UREMOVER');
    expect(await store.removeAllTopics(channel.id, 'UALL')).toBe(2);
    expect(await store.topics(channel.id)).toEqual([]);
    expect((await store.get(channel.id))!.changedBy).toBe('UALL');
    expect(await store.removeAllTopics(channel.id, 'UNOBODY')).toBe(0);
    expect((await store.get(channel.id))!.changedBy).toBe('UALL');
  });

  it('removes a channel with its topics, deliveries, delivered papers and follow-ups', async () => {
    const channel = await enrolled();
    const kept = await enrolled();
    await store.addTopic(channel.id, 'gone');
    await store.addTopic(kept.id, 'kept');
    for (const c of [channel, kept]) {
      await rawSql(backend, "INSERT INTO deliveries (id, channel_id, feed_day, status) VALUES (?, ?, '2025-01-15', 'sent')", [`d-${c.id}`, c.id]);
      await rawSql(backend, "INSERT INTO delivered_papers (channel_id, paper_id, delivery_id) VALUES (?, '2501.00001', ?)", [c.id, `d-${c.id}`]);
      await rawSql(backend, "INSERT INTO follow_ups (channel_id, paper_id, event) VALUES (?, '2501.00001', 'code')", [c.id]);
    }
    await store.remove(channel.id);
    expect(await store.get(channel.id)).toBeUndefined();
    for (const table of ['subscriptions', 'deliveries', 'delivered_papers', 'follow_ups']) {
      expect(await count(backend, table, channel.id)).toBe(0);
      expect(await count(backend, table, kept.id)).toBe(1);
    }
    await store.remove(channel.id);
  });

  it('creates a channel once when many enrol it at the same time, and every one of them answers the same row', async () => {
    const key = freshKey();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.enrol(key, daily, `U${i}`)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => JSON.stringify(r.channel))).size).toBe(1);
  });

  it('adds a topic once when it is added to one channel many times at the same time', async () => {
    const channel = await enrolled();
    const results = await Promise.all(Array.from({ length: 6 }, () => store.addTopic(channel.id, 'same')));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
  });

  it('never passes the topic limit when adds to one channel run at the same time', async () => {
    const channel = await enrolled();
    for (let i = 0; i < MAX_TOPICS_PER_CHANNEL - 3; i += 1) await store.addTopic(channel.id, `t${i}`);
    const settled = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => store.addTopic(channel.id, `new${i}`)));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(3);
    expect(settled.filter((s) => s.status === 'rejected').every((s) => s.reason instanceof TopicLimitError)).toBe(true);
    expect(await store.topicQueries(channel.id)).toHaveLength(MAX_TOPICS_PER_CHANNEL);
  });
});

describe('the channels store on postgres, against another process', () => {
  let backend: Extract<Backend, { name: 'postgres' }>;
  let other: PgDb;
  let store: PgChannelsStore;
  let otherStore: PgChannelsStore;

  beforeAll(async () => {
    backend = (await openBackend('postgres', 'stores-channels-race')) as typeof backend;
    other = await openPg(backend.pg.url, { poolSize: 4 });
    store = new PgChannelsStore(backend.pg);
    otherStore = new PgChannelsStore(other);
  });
  afterAll(async () => {
    await other.close();
    await backend.close();
  });

  it('answers the row another connection was inserting when both enrol one channel: created once, the same row for both', async () => {
    const key = freshKey();
    const client = await other.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("INSERT INTO channels (platform, workspace_id, channel_id, enrolled_by, changed_by) VALUES ($1, $2, $3, 'UFIRST', 'UFIRST')", [key.platform, key.workspaceId, key.channelId]);
      // This enrolment finds nothing committed, so it inserts and waits on the uncommitted row's unique key.
      let settled = false;
      const second = store.enrol(key, weekly, 'USECOND').finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(settled).toBe(false);
      await client.query('COMMIT');
      const answer = await second;
      expect(answer.created).toBe(false);
      expect(answer.channel).toMatchObject({ enrolledBy: 'UFIRST', schedule: daily });
      expect(await otherStore.find(key)).toEqual(answer.channel);
    } finally {
      client.release();
    }
  });

  it('adds at most the limit when two processes add topics to a channel one short of it', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { channel } = await store.enrol(freshKey(), daily);
      for (let i = 0; i < MAX_TOPICS_PER_CHANNEL - 1; i += 1) await store.addTopic(channel.id, `t${i}`);
      const settled = await Promise.allSettled([store.addTopic(channel.id, 'mine'), otherStore.addTopic(channel.id, 'theirs')]);
      expect(settled.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(await otherStore.topicQueries(channel.id)).toHaveLength(MAX_TOPICS_PER_CHANNEL);
    }
  });
});
