import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DigestView } from '../../src/core/views.ts';
import { DeliveriesRepo, deliveryIdFor, type DigestOutboxEntry } from '../../src/db/deliveries-repo.ts';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { PgChannelsStore } from '../../src/db/pg/channels-store.ts';
import { PgDeliveriesStore } from '../../src/db/pg/deliveries-store.ts';
import { promised, type DeliveriesStore } from '../../src/db/stores.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';
import { makePaper } from '../helpers/papers.ts';
import { failingWrite, insertChannel, race, secondProcess } from '../helpers/store-races.ts';

const view = (feedDay: string): DigestView => ({ feedDay, papers: [], overflow: { count: 2, url: `https://huggingface.co/papers/date/${feedDay}` } });
const digest = (channelId: number, feedDay: string, paperIds: string[], extra: Partial<DigestOutboxEntry> = {}): DigestOutboxEntry => ({
  channelId,
  feedDay,
  picks: paperIds.map((paperId) => ({ paperId })),
  view: view(feedDay),
  status: 'pending',
  ...extra,
});

describe.each(BACKENDS)('the outbox store on %s', (name) => {
  let backend: Backend;
  let store: DeliveriesStore;
  let n = 0;
  let channelId: number;
  const storeOn = (b: Backend): DeliveriesStore => (b.name === 'sqlite' ? promised(new DeliveriesRepo(b.db)) : new PgDeliveriesStore(b.pg));
  const lastDay = async (id: number) => (await rawSql(backend, 'SELECT last_digest_day AS d FROM channels WHERE id = ?', [id]))[0]!.d;
  const ledger = async (id: number) => rawSql(backend, 'SELECT paper_id, delivery_id, topic FROM delivered_papers WHERE channel_id = ? ORDER BY paper_id', [id]);

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-deliveries');
    store = storeOn(backend);
  });
  afterAll(() => backend.close());
  beforeEach(async () => {
    n += 1;
    channelId = await insertChannel(backend, `C${n}`);
  });

  it('writes the delivery, its papers and the last digest day together', async () => {
    const entry = digest(channelId, '2025-03-17', [], { picks: [{ paperId: '2503.00001', topic: 'diffusion' }, { paperId: '2503.00002' }] });
    const { delivery, created } = await store.createDigest(entry);
    expect(created).toBe(true);
    expect(delivery).toMatchObject({ id: deliveryIdFor(channelId, '2025-03-17'), channelId, feedDay: '2025-03-17', status: 'pending', attempts: 0, lastError: null });
    expect(delivery).toMatchObject({ paperIds: ['2503.00001', '2503.00002'], platformMessageIds: [], view: view('2025-03-17') });
    expect(delivery.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await store.get(delivery.id)).toEqual(delivery);
    expect(await store.deliveredAmong(channelId, ['2503.00001', '2503.00002', '2503.00003'])).toEqual(new Set(['2503.00001', '2503.00002']));
    expect(await store.deliveredAmong(channelId, [])).toEqual(new Set());
    expect(await lastDay(channelId)).toBe('2025-03-17');
    expect(await ledger(channelId)).toEqual([
      { paper_id: '2503.00001', delivery_id: delivery.id, topic: 'diffusion' },
      { paper_id: '2503.00002', delivery_id: delivery.id, topic: null },
    ]);
  });

  it('returns the existing row for a second digest of the same channel and day and inserts nothing', async () => {
    const first = await store.createDigest(digest(channelId, '2025-03-18', ['a1']));
    const second = await store.createDigest(digest(channelId, '2025-03-18', ['b2'], { status: 'skipped' }));
    expect(second).toEqual({ created: false, delivery: first.delivery });
    expect(await store.deliveredAmong(channelId, ['a1', 'b2'])).toEqual(new Set(['a1']));
  });

  it('keeps a paper picked twice once, with the topic of its first pick, and never takes a paper another digest holds', async () => {
    await store.createDigest(digest(channelId, '2025-03-18', ['held']));
    const { delivery } = await store.createDigest(
      digest(channelId, '2025-03-19', [], { picks: [{ paperId: 'z9', topic: 'first' }, { paperId: 'held' }, { paperId: 'z9', topic: 'second' }] }),
    );
    expect(delivery.paperIds).toEqual(['z9', 'held', 'z9']);
    expect((await ledger(channelId)).map((r) => [r.paper_id, r.delivery_id, r.topic])).toEqual([
      ['held', deliveryIdFor(channelId, '2025-03-18'), null],
      ['z9', delivery.id, 'first'],
    ]);
  });

  it('never moves the last digest day backwards', async () => {
    await store.createDigest(digest(channelId, '2025-03-20', [], { status: 'skipped' }));
    await store.createDigest(digest(channelId, '2025-03-19', [], { status: 'skipped' }));
    expect(await lastDay(channelId)).toBe('2025-03-20');
  });

  it('rolls the whole digest back when one write fails', async () => {
    const failing = { table: 'delivered_papers', op: 'INSERT' as const, column: 'paper_id', value: 'boom', message: 'boom' };
    await expect(failingWrite(backend, failing, () => store.createDigest(digest(channelId, '2025-03-24', ['ok1', 'boom'])))).rejects.toThrow(/boom/);
    expect(await store.get(deliveryIdFor(channelId, '2025-03-24'))).toBeUndefined();
    expect(await store.deliveredAmong(channelId, ['ok1'])).toEqual(new Set());
    expect(await lastDay(channelId)).toBeNull();
  });

  it('moves pending -> sending -> sent and reports the state before each attempt', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-21', []));
    expect(await store.beginAttempt(delivery.id)).toEqual({ status: 'pending', attempts: 0, lastError: null });
    await store.recordError(delivery.id, 'socket hang up');
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sending', attempts: 1, lastError: 'socket hang up' });
    expect(await store.beginAttempt(delivery.id)).toEqual({ status: 'sending', attempts: 1, lastError: 'socket hang up' });
    await store.markSent(delivery.id, ['1700000000.000100']);
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sent', attempts: 2, platformMessageIds: ['1700000000.000100'], lastError: null });
    expect(await store.beginAttempt('d-missing')).toBeUndefined();
  });

  it('records failures (cut to 500 characters), returns a rate-limited row to pending, and lists unfinished rows for the sweep', async () => {
    const a = (await store.createDigest(digest(channelId, '2025-03-22', []))).delivery;
    const b = (await store.createDigest(digest(channelId, '2025-03-23', []))).delivery;
    await store.beginAttempt(a.id);
    await store.markPending(a.id, 'rate limited');
    await store.markFailed(b.id, 'x'.repeat(600));
    expect(await store.get(a.id)).toMatchObject({ status: 'pending', lastError: 'rate limited' });
    expect((await store.get(b.id))!.lastError).toBe('x'.repeat(500));
    const unfinished = (await store.unfinished()).map((d) => d.id);
    expect(unfinished).toContain(a.id);
    expect(unfinished).not.toContain(b.id);
    expect((await store.unfinished({ idleMs: 60_000 })).map((d) => d.id)).not.toContain(a.id);
    expect((await store.latestByChannel()).get(channelId)!.id).toBe(b.id);
    expect(await store.countByStatus(channelId)).toEqual({ pending: 1, sending: 0, sent: 0, failed: 1, skipped: 0 });
  });

  it('lists unfinished rows oldest first, up to the limit', async () => {
    await rawSql(backend, "UPDATE deliveries SET status = 'sent'");
    const ids: string[] = [];
    for (const [i, day] of ['2025-05-01', '2025-05-02', '2025-05-03'].entries()) {
      const { delivery } = await store.createDigest(digest(channelId, day, []));
      await rawSql(backend, 'UPDATE deliveries SET created_at = ? WHERE id = ?', [`2025-05-0${3 - i}T00:00:00.000Z`, delivery.id]);
      ids.unshift(delivery.id);
    }
    expect((await store.unfinished()).map((d) => d.id)).toEqual(ids);
    expect((await store.unfinished({ limit: 2 })).map((d) => d.id)).toEqual(ids.slice(0, 2));
  });

  it('counts every channel by status, and keys the newest delivery of each channel', async () => {
    const other = await insertChannel(backend, `C${n}-other`);
    await store.createDigest(digest(channelId, '2025-06-01', []));
    await store.createDigest(digest(other, '2025-06-02', [], { status: 'skipped' }));
    const expected: Record<string, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const r of await rawSql(backend, 'SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')) expected[r.status as string] = Number(r.n);
    expect(await store.countByStatus()).toEqual(expected);
    expect(await store.countByStatus(channelId)).toEqual({ pending: 1, sending: 0, sent: 0, failed: 0, skipped: 0 });
    const latest = await store.latestByChannel();
    expect(latest.get(other)).toMatchObject({ feedDay: '2025-06-02', status: 'skipped' });
    expect(latest.get(channelId)).toMatchObject({ feedDay: '2025-06-01' });
  });

  it('records each accepted part as it arrives, reads the parts known so far back by part, and keeps them through a rate limit', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-24', []));
    expect(await store.postedParts(delivery.id)).toEqual(new Map());
    await store.beginAttempt(delivery.id);
    await store.recordPosted(delivery.id, 1, 'm1');
    await store.recordPosted(delivery.id, 3, 'm3');
    await store.recordPosted(delivery.id, 0, 'm0');
    await store.recordPosted(delivery.id, 2, '');
    await store.recordPosted('d-missing', 1, 'm1');
    expect(await store.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [3, 'm3']]));
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sending', platformMessageIds: ['m1', 'm3'] });
    await store.markPending(delivery.id, 'rate limited');
    await store.recordPosted(delivery.id, 2, 'm2');
    expect(await store.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [2, 'm2'], [3, 'm3']]));
    await store.markSent(delivery.id, ['m1', 'm2', 'm3']);
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sent', platformMessageIds: ['m1', 'm2', 'm3'] });
    expect(await store.postedParts('d-missing')).toEqual(new Map());
  });

  it('records a first part after later ones without losing them, and a part it knows already without a change', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-27', []));
    await store.beginAttempt(delivery.id);
    await store.recordPosted(delivery.id, 2, 'm2');
    await store.recordPosted(delivery.id, 1, 'm1');
    await store.recordPosted(delivery.id, 1, 'm1');
    expect(await store.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [2, 'm2']]));
  });

  it('counts a digest that cannot be checked as sent, with why, keeping its accepted parts', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-26', ['u1']));
    await store.beginAttempt(delivery.id);
    await store.recordPosted(delivery.id, 1, 'm1');
    await store.markSentUnconfirmed(delivery.id, 'unconfirmed: lookup failed');
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sent', lastError: 'unconfirmed: lookup failed', platformMessageIds: ['m1'] });
  });

  it('marks a delivery sent together with the message of each paper, or not at all', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-25', ['p1', 'p2']));
    await store.beginAttempt(delivery.id);
    const failing = { table: 'delivered_papers', op: 'UPDATE' as const, column: 'paper_id', value: 'p2', message: 'disk full' };
    await expect(
      failingWrite(backend, failing, () => store.markSent(delivery.id, ['m1'], [{ paperId: 'p1', messageId: 'm1' }, { paperId: 'p2', messageId: 'm1' }])),
    ).rejects.toThrow(/disk full/);
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sending', platformMessageIds: [] });
    expect(await store.paperMessage(channelId, 'p1')).toEqual({ deliveryId: delivery.id, messageId: null, threadId: null });
    await store.markSent(delivery.id, ['m1'], [{ paperId: 'p1', messageId: 'm1' }, { paperId: 'p2', messageId: 'm1', threadId: 't1' }]);
    expect(await store.get(delivery.id)).toMatchObject({ status: 'sent', platformMessageIds: ['m1'] });
    expect(await store.paperMessage(channelId, 'p2')).toEqual({ deliveryId: delivery.id, messageId: 'm1', threadId: 't1' });
    expect(await store.paperMessage(channelId, 'p1')).toEqual({ deliveryId: delivery.id, messageId: 'm1', threadId: null });
    expect(await store.paperMessage(channelId, 'nope')).toBeUndefined();
  });

  it('records which message shows each paper, the last word for a paper named twice, and only papers of that delivery', async () => {
    const { delivery } = await store.createDigest(digest(channelId, '2025-03-27', ['q1', 'q2']));
    await store.recordPaperMessages(delivery.id, []);
    await store.recordPaperMessages(delivery.id, [
      { paperId: 'q1', messageId: 'm1' },
      { paperId: 'q1', messageId: 'm2', threadId: 't2' },
      { paperId: 'elsewhere', messageId: 'm3' },
    ]);
    expect(await store.paperMessage(channelId, 'q1')).toEqual({ deliveryId: delivery.id, messageId: 'm2', threadId: 't2' });
    expect(await store.paperMessage(channelId, 'q2')).toEqual({ deliveryId: delivery.id, messageId: null, threadId: null });
  });

  it('releases the papers of a failure that showed nothing, restores the last digest day, and opens a new round for that day', async () => {
    await store.createDigest(digest(channelId, '2025-04-01', ['r0']));
    const failed = (await store.createDigest(digest(channelId, '2025-04-02', ['r1', 'r2']))).delivery;
    expect(await lastDay(channelId)).toBe('2025-04-02');
    await store.markFailed(failed.id, 'channel_not_found', { release: true });
    expect(await store.get(failed.id)).toMatchObject({ status: 'failed', lastError: 'channel_not_found', paperIds: ['r1', 'r2'] });
    expect(await store.deliveredAmong(channelId, ['r0', 'r1', 'r2'])).toEqual(new Set(['r0']));
    expect(await lastDay(channelId)).toBe('2025-04-01');
    const again = await store.createDigest(digest(channelId, '2025-04-02', ['r1']));
    expect(again).toMatchObject({ created: true, delivery: { id: deliveryIdFor(channelId, '2025-04-02', 1), status: 'pending' } });
    await store.markFailed(again.delivery.id, 'gone', { release: true });
    const third = await store.createDigest(digest(channelId, '2025-04-02', ['r2']));
    expect(third.delivery.id).toBe(deliveryIdFor(channelId, '2025-04-02', 2));
    expect((await store.forChannel(channelId)).map((d) => d.id)).toEqual([
      deliveryIdFor(channelId, '2025-04-02', 2),
      deliveryIdFor(channelId, '2025-04-02', 1),
      deliveryIdFor(channelId, '2025-04-02'),
      deliveryIdFor(channelId, '2025-04-01'),
    ]);
    expect((await store.forChannel(channelId, 2)).map((d) => d.id)).toEqual([third.delivery.id, again.delivery.id]);
    expect((await store.latestByChannel()).get(channelId)!.id).toBe(third.delivery.id);
    await store.markFailed('d-missing', 'nothing', { release: true });
  });

  it('sorts rounds of one day past ten by number, newest first', async () => {
    for (let round = 0; round < 11; round++) {
      const { delivery } = await store.createDigest(digest(channelId, '2025-04-10', [`s${round}`]));
      expect(delivery.id).toBe(deliveryIdFor(channelId, '2025-04-10', round));
      if (round < 10) await store.markFailed(delivery.id, 'gone', { release: true });
    }
    const ids = (await store.forChannel(channelId, 3)).map((d) => d.id);
    expect(ids).toEqual([10, 9, 8].map((round) => deliveryIdFor(channelId, '2025-04-10', round)));
    expect((await store.latestByChannel()).get(channelId)!.id).toBe(deliveryIdFor(channelId, '2025-04-10', 10));
  });

  it('hands failed digests that kept their papers back to delivery, oldest first, once, and skips a day with an open round', async () => {
    const kept = (await store.createDigest(digest(channelId, '2025-04-03', ['k1']))).delivery;
    const released = (await store.createDigest(digest(channelId, '2025-04-04', ['k2']))).delivery;
    const superseded = (await store.createDigest(digest(channelId, '2025-04-05', ['k3']))).delivery;
    const older = (await store.createDigest(digest(channelId, '2025-04-01', ['k0']))).delivery;
    await store.markFailed(kept.id, 'may have posted');
    await store.markFailed(released.id, 'showed nothing', { release: true });
    await store.markFailed(superseded.id, 'may have posted');
    await store.markFailed(older.id, 'may have posted');
    await rawSql(backend, "INSERT INTO deliveries (id, channel_id, feed_day, status) VALUES (?, ?, '2025-04-05', 'pending')", [`${superseded.id}-1`, channelId]);
    const channels = backend.name === 'sqlite' ? promised(new ChannelsRepo(backend.db)) : new PgChannelsStore(backend.pg);
    expect((await channels.forDigest(channelId))!.reopenable).toBe(true);
    const reopened = await store.reopenFailed(channelId);
    expect(reopened.map((d) => [d.id, d.status, d.lastError])).toEqual([
      [older.id, 'sending', 'may have posted'],
      [kept.id, 'sending', 'may have posted'],
    ]);
    expect(reopened[0]).toEqual(await store.get(older.id));
    expect(await store.get(superseded.id)).toMatchObject({ status: 'failed' });
    expect(await store.reopenFailed(channelId)).toEqual([]);
    expect((await channels.forDigest(channelId))!.reopenable).toBe(false);
  });

  // SQLite's repo throws here (both rounds pass its one check, the second update breaks the open-day index) and reopens nothing.
  it('reopens the older of two failed rounds of one day that both kept papers, and leaves the newer failed', async () => {
    const first = (await store.createDigest(digest(channelId, '2025-04-06', ['t1']))).delivery;
    await store.markFailed(first.id, 'may have posted');
    const second = (await store.createDigest(digest(channelId, '2025-04-06', ['t2']))).delivery;
    await store.markFailed(second.id, 'may have posted');
    expect((await store.reopenFailed(channelId)).map((d) => d.id)).toEqual([first.id]);
    expect(await store.get(second.id)).toMatchObject({ status: 'failed' });
  });

  it('reads the stored view back exactly, with its version, and reports an unreadable one without changing the row', async () => {
    const full: DigestView = {
      feedDay: '2025-04-20',
      papers: [toPaperView(makePaper({ id: '2503.00042' }), { matchedTopic: 'diffusion' })],
      overflow: { count: 3, url: 'https://huggingface.co/papers', from: '2025-03-01' },
      missed: { from: '2025-02-01', to: '2025-02-20', days: 20, limit: 7, url: 'https://huggingface.co/papers' },
      note: 'Nothing new on that day.',
    };
    const { delivery } = await store.createDigest(digest(channelId, '2025-04-20', ['2503.00042'], { view: full }));
    const raw = (await rawSql(backend, 'SELECT view FROM deliveries WHERE id = ?', [delivery.id]))[0]!.view as string;
    expect(JSON.parse(raw)).toMatchObject({ v: 1, feedDay: '2025-04-20' });
    expect((await store.get(delivery.id))!.view).toEqual(full);
    expect(await store.getWithTarget(delivery.id)).toMatchObject({
      status: 'pending',
      view: full,
      target: { platform: 'slack', workspaceId: 'T1', channelId: `C${n}`, kind: 'channel' },
    });
    await rawSql(backend, 'UPDATE deliveries SET view = ? WHERE id = ?', [JSON.stringify({ v: 9, feedDay: '2025-04-20', papers: [] }), delivery.id]);
    expect(await store.getWithTarget(delivery.id)).toMatchObject({ status: 'pending', view: null, viewError: expect.stringMatching(/unknown version 9/) });
    await rawSql(backend, 'UPDATE deliveries SET view = NULL WHERE id = ?', [delivery.id]);
    const old = (await store.get(delivery.id))!;
    expect(old.view).toBeNull();
    expect(old).not.toHaveProperty('viewError');
    expect(await store.getWithTarget('d-missing')).toBeUndefined();
  });

  describe('with two processes at once', () => {
    let other: Awaited<ReturnType<typeof secondProcess>>;
    let otherStore: DeliveriesStore;
    beforeAll(async () => {
      other = await secondProcess(backend);
      otherStore = other.pg ? new PgDeliveriesStore(other.pg) : storeOn(backend);
    });
    afterAll(() => other.close());
    const tableLock = { sql: 'LOCK TABLE deliveries IN SHARE MODE' };

    it('creates one digest for a channel and day; the other process gets the existing row', async () => {
      const [a, b] = await race(backend, tableLock, [
        () => store.createDigest(digest(channelId, '2025-07-01', ['x1', 'x2'])),
        () => otherStore.createDigest(digest(channelId, '2025-07-01', ['y1'])),
      ]);
      expect([a!.created, b!.created].sort()).toEqual([false, true]);
      expect(a!.delivery).toEqual(b!.delivery);
      expect((await ledger(channelId)).map((r) => r.paper_id)).toEqual(a!.created ? ['x1', 'x2'] : ['y1']);
      expect(await store.countByStatus(channelId)).toMatchObject({ pending: 1 });
    });

    it('writes two days of one channel at once without a deadlock, each paper held by one of them', async () => {
      const papers = Array.from({ length: 3_000 }, (_, i) => `w${String(i).padStart(4, '0')}`);
      const [a, b] = await race(backend, tableLock, [
        () => store.createDigest(digest(channelId, '2025-07-02', papers)),
        () => otherStore.createDigest(digest(channelId, '2025-07-03', [...papers].reverse())),
      ]);
      expect([a!.created, b!.created]).toEqual([true, true]);
      const held = await ledger(channelId);
      expect(held.map((r) => r.paper_id)).toEqual(papers);
      expect(new Set(held.map((r) => r.delivery_id)).size).toBe(1);
      expect(await lastDay(channelId)).toBe('2025-07-03');
    });

    it('counts two attempts begun at once, each seeing the one before', async () => {
      const { delivery } = await store.createDigest(digest(channelId, '2025-07-04', []));
      const befores = await race(backend, { sql: 'SELECT 1 FROM deliveries WHERE id = $1 FOR UPDATE', params: [delivery.id] }, [
        () => store.beginAttempt(delivery.id),
        () => otherStore.beginAttempt(delivery.id),
      ]);
      expect(befores.map((s) => s!.attempts).sort()).toEqual([0, 1]);
      expect(befores.find((s) => s!.attempts === 1)!.status).toBe('sending');
      expect(await store.get(delivery.id)).toMatchObject({ status: 'sending', attempts: 2 });
    });

    it('keeps both parts two processes record at once', async () => {
      const { delivery } = await store.createDigest(digest(channelId, '2025-07-05', []));
      await race(backend, { sql: 'SELECT 1 FROM deliveries WHERE id = $1 FOR UPDATE', params: [delivery.id] }, [
        () => store.recordPosted(delivery.id, 1, 'm1'),
        () => otherStore.recordPosted(delivery.id, 2, 'm2'),
      ]);
      expect(await store.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [2, 'm2']]));
    });

    it('reopens each failed digest once when two processes reopen the channel at once', async () => {
      const ids: string[] = [];
      for (const day of ['2025-07-06', '2025-07-07', '2025-07-08']) {
        const { delivery } = await store.createDigest(digest(channelId, day, [`f-${day}`]));
        await store.markFailed(delivery.id, 'may have posted');
        ids.push(delivery.id);
      }
      const [a, b] = await race(backend, tableLock, [() => store.reopenFailed(channelId), () => otherStore.reopenFailed(channelId)]);
      const reopened = [...a!, ...b!].map((d) => d.id).sort();
      expect(reopened).toEqual(ids);
      expect(await store.countByStatus(channelId)).toMatchObject({ sending: 3, failed: 0 });
    });

    it('keeps one open round of a day when a new round is written while its failed round is reopened', async () => {
      const { delivery } = await store.createDigest(digest(channelId, '2025-07-09', ['g1']));
      await store.markFailed(delivery.id, 'may have posted');
      const [reopened, created] = await race<unknown>(backend, tableLock, [
        () => store.reopenFailed(channelId),
        () => otherStore.createDigest(digest(channelId, '2025-07-09', ['g2'])),
      ]);
      const open = await rawSql(backend, "SELECT id FROM deliveries WHERE channel_id = ? AND feed_day = '2025-07-09' AND status <> 'failed'", [channelId]);
      expect(open).toHaveLength(1);
      expect((reopened as unknown[]).length === 1).toBe(!(created as { created: boolean }).created);
    });

    it('keeps the last digest day of a channel whose digest is written while another fails', async () => {
      await store.createDigest(digest(channelId, '2025-07-10', ['h0']));
      const failing = (await store.createDigest(digest(channelId, '2025-07-11', ['h1']))).delivery;
      await race<unknown>(backend, { sql: 'SELECT 1 FROM channels WHERE id = $1 FOR NO KEY UPDATE', params: [channelId], inTurn: true }, [
        () => otherStore.createDigest(digest(channelId, '2025-07-12', ['h2'])),
        () => store.markFailed(failing.id, 'showed nothing', { release: true }),
      ]);
      expect(await lastDay(channelId)).toBe('2025-07-12');
    });
  });
});
