import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FollowUpsRepo, type PostedPaper } from '../../src/db/follow-ups-repo.ts';
import { PgFollowUpsStore } from '../../src/db/pg/follow-ups-store.ts';
import { promised, type FollowUpsStore } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';
import { flag, insertChannel, race, secondProcess } from '../helpers/store-races.ts';

describe.each(BACKENDS)('the follow-ups store on %s', (name) => {
  let backend: Backend;
  let store: FollowUpsStore;
  let n = 0;
  let channelId: number;
  const storeOn = (b: Backend): FollowUpsStore => (b.name === 'sqlite' ? promised(new FollowUpsRepo(b.db)) : new PgFollowUpsStore(b.pg));

  async function paper(id: string, fields: { upvotes?: number; githubRepo?: string | null; githubStars?: number | null } = {}) {
    await rawSql(backend, 'INSERT INTO papers (id, title, upvotes, github_repo, github_stars) VALUES (?, ?, ?, ?, ?)', [
      id,
      `Paper ${id}`,
      fields.upvotes ?? 0,
      fields.githubRepo ?? null,
      fields.githubStars ?? null,
    ]);
  }

  /** A delivery of `channel` on `feedDay` with the papers shown at their messages (null: not recorded). */
  async function delivered(channel: number, feedDay: string, status: string, shown: [paperId: string, messageId: string | null][]) {
    const id = `d-${channel}-${feedDay}`;
    await rawSql(backend, 'INSERT INTO deliveries (id, channel_id, feed_day, status) VALUES (?, ?, ?, ?)', [id, channel, feedDay, status]);
    for (const [paperId, messageId] of shown) {
      await rawSql(backend, 'INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, message_id, thread_id) VALUES (?, ?, ?, ?, ?)', [
        channel,
        paperId,
        id,
        messageId,
        messageId ? `t-${messageId}` : null,
      ]);
    }
    return id;
  }

  const byPaper = (list: PostedPaper[]) => [...list].sort((a, b) => a.channelId - b.channelId || a.paperId.localeCompare(b.paperId));

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-follow-ups');
    store = storeOn(backend);
  });
  afterAll(() => backend.close());
  beforeEach(async () => {
    n += 1;
    channelId = await insertChannel(backend, `C${n}`);
  });

  it('lets one caller claim a follow-up, once per channel, paper and event', async () => {
    expect(await store.claim(channelId, '2501.00001', 'code', 'acme/x')).toBe(true);
    expect(await store.claim(channelId, '2501.00001', 'code', 'acme/x')).toBe(false);
    expect(await store.claim(channelId, '2501.00001', 'surge', '10->200')).toBe(true);
    await store.markSent(channelId, '2501.00001', 'code', '1700000000.000100');
    expect(await store.claim(channelId, '2501.00001', 'code', 'acme/x')).toBe(false);
    expect(await store.get(channelId, '2501.00001', 'code')).toEqual({
      channelId,
      paperId: '2501.00001',
      event: 'code',
      detail: 'acme/x',
      status: 'sent',
      messageId: '1700000000.000100',
      attempts: 1,
      lastError: null,
    });
    expect(await store.get(channelId, '2501.00001', 'surge')).toMatchObject({ status: 'sending', messageId: null, attempts: 1 });
    expect(await store.get(channelId, 'nope', 'code')).toBeUndefined();
  });

  it('hands a rate-limited follow-up to the next run with its new detail, keeps its message, and never a failed one', async () => {
    await store.claim(channelId, '2501.00002', 'code', 'acme/y');
    await store.markSent(channelId, '2501.00002', 'code', 'm1');
    await store.markPending(channelId, '2501.00002', 'code', 'edit rate limited');
    expect(await store.get(channelId, '2501.00002', 'code')).toMatchObject({ status: 'pending', messageId: 'm1', lastError: 'edit rate limited' });
    expect(await store.claim(channelId, '2501.00002', 'code', 'acme/y2')).toBe(true);
    expect(await store.get(channelId, '2501.00002', 'code')).toMatchObject({ status: 'sending', attempts: 2, detail: 'acme/y2', messageId: 'm1' });
    await store.markFailed(channelId, '2501.00002', 'code', 'x'.repeat(600));
    expect(await store.get(channelId, '2501.00002', 'code')).toMatchObject({ status: 'failed', lastError: 'x'.repeat(500) });
    expect(await store.claim(channelId, '2501.00002', 'code', 'acme/y')).toBe(false);
  });

  it('gives up a follow-up a stopped process left mid-post, unconfirmed, without offering it again', async () => {
    await rawSql(backend, "UPDATE follow_ups SET status = 'sent' WHERE status = 'sending'");
    await store.claim(channelId, '2501.00003', 'code', 'acme/z');
    await store.claim(channelId, '2501.00004', 'surge', '1->99');
    expect(await store.expireSending(60_000)).toBe(0);
    expect(await store.expireSending(60_000, Date.now() + 120_000)).toBe(2);
    expect(await store.get(channelId, '2501.00003', 'code')).toMatchObject({ status: 'failed', lastError: expect.stringContaining('unconfirmed') });
    expect(await store.claim(channelId, '2501.00003', 'code', 'acme/z')).toBe(false);
    expect(await store.expireSending(60_000, Date.now() + 120_000)).toBe(0);
  });

  it('offers the papers of sent digests with code or a surge not yet said, in channels that are on and healthy', async () => {
    const paused = await insertChannel(backend, `C${n}-paused`);
    const failing = await insertChannel(backend, `C${n}-failing`);
    await rawSql(backend, 'UPDATE channels SET paused = ? WHERE id = ?', [flag(backend, true), paused]);
    await rawSql(backend, "UPDATE channels SET health = 'failing' WHERE id = ?", [failing]);
    const p = (s: string) => `${n}.${s}`;
    await paper(p('code'), { githubRepo: 'acme/code', githubStars: 12, upvotes: 3 });
    await paper(p('surge'), { upvotes: 80 });
    await paper(p('both'), { githubRepo: 'acme/both', upvotes: 90 });
    await paper(p('said'), { githubRepo: 'acme/said', upvotes: 1 });
    await paper(p('quiet'), { upvotes: 2 });
    await paper(p('unshown'), { githubRepo: 'acme/unshown' });
    await paper(p('old'), { githubRepo: 'acme/old' });
    await paper(p('pending'), { githubRepo: 'acme/pending' });
    const sent = await delivered(channelId, '2025-05-10', 'sent', [
      [p('code'), 'm1'],
      [p('surge'), 'm1'],
      [p('both'), 'm2'],
      [p('said'), 'm2'],
      [p('quiet'), 'm3'],
      [p('unshown'), null],
      [p('pending'), 'm3'],
    ]);
    await delivered(channelId, '2025-05-01', 'sent', [[p('old'), 'm0']]);
    await delivered(channelId, '2025-05-11', 'sending', []);
    await delivered(paused, '2025-05-10', 'sent', [[p('code'), 'x1']]);
    await delivered(failing, '2025-05-10', 'sent', [[p('code'), 'y1']]);
    await store.claim(channelId, p('said'), 'code', 'acme/said');
    await store.claim(channelId, p('both'), 'code', 'acme/both');
    await store.markSent(channelId, p('both'), 'code', 'r1');
    await store.claim(channelId, p('pending'), 'code', 'acme/pending');
    await store.markPending(channelId, p('pending'), 'code', 'rate limited');

    const posted = byPaper((await store.postedPapers('2025-05-05', 50)).filter((c) => c.paperId.startsWith(`${n}.`)));
    const target = { platform: 'slack', workspaceId: 'T1', channelId: `C${n}`, kind: 'channel' } as const;
    expect(posted).toEqual(
      byPaper([
        { channelId, paperId: p('both'), deliveryId: sent, messageId: 'm2', threadId: 't-m2', target, layout: 'digest', githubRepo: 'acme/both', githubStars: null, upvotes: 90, done: new Set(['code']) },
        { channelId, paperId: p('code'), deliveryId: sent, messageId: 'm1', threadId: 't-m1', target, layout: 'digest', githubRepo: 'acme/code', githubStars: 12, upvotes: 3, done: new Set() },
        { channelId, paperId: p('pending'), deliveryId: sent, messageId: 'm3', threadId: 't-m3', target, layout: 'digest', githubRepo: 'acme/pending', githubStars: null, upvotes: 0, done: new Set() },
        { channelId, paperId: p('surge'), deliveryId: sent, messageId: 'm1', threadId: 't-m1', target, layout: 'digest', githubRepo: null, githubStars: null, upvotes: 80, done: new Set() },
      ]),
    );
    expect((await store.postedPapers('2025-04-01', 50)).map((c) => c.paperId)).toContain(p('old'));
  });

  it('reads papers as stored now, and the papers a delivery shows at one message', async () => {
    await paper(`${n}.a`, { githubRepo: 'acme/a', githubStars: 5, upvotes: 7 });
    await paper(`${n}.b`, { upvotes: 1 });
    const id = await delivered(channelId, '2025-05-12', 'sent', [[`${n}.a`, 'm1'], [`${n}.b`, 'm1'], [`${n}.c`, 'm2']]);
    expect(await store.papersNow([`${n}.a`, `${n}.b`, 'missing'])).toEqual(
      new Map([
        [`${n}.a`, { githubRepo: 'acme/a', githubStars: 5, upvotes: 7 }],
        [`${n}.b`, { githubRepo: null, githubStars: null, upvotes: 1 }],
      ]),
    );
    expect(await store.papersNow([])).toEqual(new Map());
    expect((await store.papersAtMessage(id, 'm1')).sort()).toEqual([`${n}.a`, `${n}.b`]);
    expect(await store.papersAtMessage(id, 'none')).toEqual([]);
  });

  describe('with two processes at once', () => {
    let other: Awaited<ReturnType<typeof secondProcess>>;
    let otherStore: FollowUpsStore;
    beforeAll(async () => {
      other = await secondProcess(backend);
      otherStore = other.pg ? new PgFollowUpsStore(other.pg) : storeOn(backend);
    });
    afterAll(() => other.close());

    it('lets exactly one of two processes claim a new follow-up', async () => {
      const won = await race(backend, { sql: 'LOCK TABLE follow_ups IN SHARE MODE' }, [
        () => store.claim(channelId, 'race.1', 'code', 'acme/a'),
        () => otherStore.claim(channelId, 'race.1', 'code', 'acme/b'),
      ]);
      expect(won.sort()).toEqual([false, true]);
      expect(await store.get(channelId, 'race.1', 'code')).toMatchObject({ status: 'sending', attempts: 1 });
    });

    it('lets exactly one of two processes take back a pending follow-up, counting one attempt', async () => {
      await store.claim(channelId, 'race.2', 'surge', '1->50');
      await store.markPending(channelId, 'race.2', 'surge', 'rate limited');
      const row = { sql: "SELECT 1 FROM follow_ups WHERE channel_id = $1 AND paper_id = 'race.2' FOR UPDATE", params: [channelId] };
      const won = await race(backend, row, [
        () => store.claim(channelId, 'race.2', 'surge', '1->60'),
        () => otherStore.claim(channelId, 'race.2', 'surge', '1->70'),
      ]);
      expect(won.sort()).toEqual([false, true]);
      expect(await store.get(channelId, 'race.2', 'surge')).toMatchObject({ status: 'sending', attempts: 2 });
    });

    it('expires each stale row once when two processes sweep at once', async () => {
      await rawSql(backend, "UPDATE follow_ups SET status = 'sent' WHERE status = 'sending'");
      for (const paperId of ['race.3', 'race.4', 'race.5']) await store.claim(channelId, paperId, 'code', null);
      const later = Date.now() + 120_000;
      const counts = await race(backend, { sql: 'LOCK TABLE follow_ups IN SHARE MODE' }, [
        () => store.expireSending(60_000, later),
        () => otherStore.expireSending(60_000, later),
      ]);
      expect(counts[0]! + counts[1]!).toBe(3);
    });
  });
});
