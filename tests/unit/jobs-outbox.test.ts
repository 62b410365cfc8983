import { Writable } from 'node:stream';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { DeliveriesRepo, deliveryIdFor } from '../../src/db/deliveries-repo.ts';
import { ChannelService } from '../../src/app/channel-service.ts';
import { promised } from '../../src/db/stores.ts';
import { createDeliverer } from '../../src/app/deliverer.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import type { DigestView } from '../../src/core/views.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const { db, cleanup } = createTestDb('jobs-outbox');
const channels = new ChannelsRepo(db);
const deliveries = new DeliveriesRepo(db);
afterAll(cleanup);

const schedule = { time: '09:00', cadence: 'daily' as const, weekday: null, timeZone: 'UTC' };
let n = 0;
function newChannel() {
  n += 1;
  return channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: `C${n}` }, schedule).channel;
}
const view = (feedDay: string): DigestView => ({ feedDay, papers: [], overflow: { count: 2, url: `https://huggingface.co/papers/date/${feedDay}` } });

describe('deliveryIdFor', () => {
  it('is deterministic, has no colon and is never an integer', () => {
    const id = deliveryIdFor(42, '2025-03-17');
    expect(id).toBe(deliveryIdFor(42, '2025-03-17'));
    expect(id).not.toContain(':');
    expect(Number.isInteger(Number(id))).toBe(false);
    expect(deliveryIdFor(9_999_999_999, '2025-03-17').length).toBeLessThanOrEqual(25);
  });
});

describe('DeliveriesRepo outbox', () => {
  let channelId: number;
  beforeEach(() => {
    channelId = newChannel().id;
  });

  it('writes the delivery, its papers and the last digest day together', () => {
    const { delivery, created } = deliveries.createDigest({
      channelId,
      feedDay: '2025-03-17',
      picks: [{ paperId: '2503.00001', topic: 'diffusion' }, { paperId: '2503.00002' }],
      view: view('2025-03-17'),
      status: 'pending',
    });
    expect(created).toBe(true);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 0, paperIds: ['2503.00001', '2503.00002'], view: view('2025-03-17') });
    expect(deliveries.deliveredAmong(channelId, ['2503.00001', '2503.00002', '2503.00003'])).toEqual(new Set(['2503.00001', '2503.00002']));
    expect(channels.get(channelId)!.lastDigestDay).toBe('2025-03-17');
    const topics = db.sqlite.prepare('SELECT paper_id, topic FROM delivered_papers WHERE channel_id = ? ORDER BY paper_id').all(channelId);
    expect(topics).toEqual([
      { paper_id: '2503.00001', topic: 'diffusion' },
      { paper_id: '2503.00002', topic: null },
    ]);
  });

  it('returns the existing row for a second digest of the same channel and day and inserts nothing', () => {
    const first = deliveries.createDigest({ channelId, feedDay: '2025-03-18', picks: [{ paperId: 'a1' }], view: view('2025-03-18'), status: 'pending' });
    const second = deliveries.createDigest({ channelId, feedDay: '2025-03-18', picks: [{ paperId: 'b2' }], view: view('2025-03-18'), status: 'pending' });
    expect(second.created).toBe(false);
    expect(second.delivery.id).toBe(first.delivery.id);
    expect(second.delivery.paperIds).toEqual(['a1']);
    expect(deliveries.deliveredAmong(channelId, ['b2']).size).toBe(0);
  });

  it('never moves the last digest day backwards', () => {
    deliveries.createDigest({ channelId, feedDay: '2025-03-20', picks: [], view: view('2025-03-20'), status: 'skipped' });
    deliveries.createDigest({ channelId, feedDay: '2025-03-19', picks: [], view: view('2025-03-19'), status: 'skipped' });
    expect(channels.get(channelId)!.lastDigestDay).toBe('2025-03-20');
  });

  it('rolls the whole digest back when one write fails', () => {
    db.sqlite.exec("CREATE TEMP TRIGGER boom BEFORE INSERT ON delivered_papers WHEN new.paper_id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END");
    try {
      expect(() =>
        deliveries.createDigest({ channelId, feedDay: '2025-03-24', picks: [{ paperId: 'ok1' }, { paperId: 'boom' }], view: view('2025-03-24'), status: 'pending' }),
      ).toThrow(/boom/);
    } finally {
      db.sqlite.exec('DROP TRIGGER boom');
    }
    expect(deliveries.get(deliveryIdFor(channelId, '2025-03-24'))).toBeUndefined();
    expect(deliveries.deliveredAmong(channelId, ['ok1']).size).toBe(0);
    expect(channels.get(channelId)!.lastDigestDay).toBeNull();
  });

  it('moves pending -> sending -> sent and reports the state before each attempt', () => {
    const { delivery } = deliveries.createDigest({ channelId, feedDay: '2025-03-21', picks: [], view: view('2025-03-21'), status: 'pending' });
    const before1 = deliveries.beginAttempt(delivery.id)!;
    expect(before1).toMatchObject({ status: 'pending', attempts: 0 });
    deliveries.recordError(delivery.id, 'socket hang up');
    const before2 = deliveries.beginAttempt(delivery.id)!;
    expect(before2).toMatchObject({ status: 'sending', attempts: 1, lastError: 'socket hang up' });
    deliveries.markSent(delivery.id, ['1700000000.000100']);
    expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', attempts: 2, platformMessageIds: ['1700000000.000100'], lastError: null });
  });

  it('records failures, rate-limit returns to pending, and lists unfinished rows for the sweep', () => {
    const a = deliveries.createDigest({ channelId, feedDay: '2025-03-22', picks: [], view: view('2025-03-22'), status: 'pending' }).delivery;
    const b = deliveries.createDigest({ channelId, feedDay: '2025-03-23', picks: [], view: view('2025-03-23'), status: 'pending' }).delivery;
    deliveries.beginAttempt(a.id);
    deliveries.markPending(a.id, 'rate limited');
    deliveries.markFailed(b.id, 'channel_not_found');
    expect(deliveries.get(a.id)).toMatchObject({ status: 'pending', lastError: 'rate limited' });
    expect(deliveries.get(b.id)).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    const unfinished = deliveries.unfinished().map((d) => d.id);
    expect(unfinished).toContain(a.id);
    expect(unfinished).not.toContain(b.id);
    expect(deliveries.unfinished({ idleMs: 60_000 }).map((d) => d.id)).not.toContain(a.id);
    expect(deliveries.latestByChannel().get(channelId)!.id).toBe(b.id);
    expect(deliveries.countByStatus(channelId)).toMatchObject({ pending: 1, failed: 1 });
  });

  it('records each accepted part as it arrives, reads the parts known so far back by part, and keeps them through a rate limit', () => {
    const { delivery } = deliveries.createDigest({ channelId, feedDay: '2025-03-24', picks: [], view: view('2025-03-24'), status: 'pending' });
    expect(deliveries.postedParts(delivery.id)).toEqual(new Map());
    deliveries.beginAttempt(delivery.id);
    deliveries.recordPosted(delivery.id, 1, 'm1');
    deliveries.recordPosted(delivery.id, 3, 'm3');
    expect(deliveries.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [3, 'm3']]));
    expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sending', platformMessageIds: ['m1', 'm3'] });
    deliveries.markPending(delivery.id, 'rate limited');
    deliveries.recordPosted(delivery.id, 2, 'm2');
    expect(deliveries.postedParts(delivery.id)).toEqual(new Map([[1, 'm1'], [2, 'm2'], [3, 'm3']]));
    deliveries.markSent(delivery.id, ['m1', 'm2', 'm3']);
    expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', platformMessageIds: ['m1', 'm2', 'm3'] });
  });

  it('marks a delivery sent together with the message of each paper, or not at all', () => {
    const { delivery } = deliveries.createDigest({ channelId, feedDay: '2025-03-25', picks: [{ paperId: 'p1' }, { paperId: 'p2' }], view: view('2025-03-25'), status: 'pending' });
    deliveries.beginAttempt(delivery.id);
    db.sqlite.exec(`CREATE TEMP TRIGGER fail_paper_message BEFORE UPDATE OF message_id ON delivered_papers WHEN NEW.paper_id = 'p2' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    try {
      expect(() => deliveries.markSent(delivery.id, ['m1'], [{ paperId: 'p1', messageId: 'm1' }, { paperId: 'p2', messageId: 'm1' }])).toThrow(/disk full/);
    } finally {
      db.sqlite.exec('DROP TRIGGER fail_paper_message');
    }
    expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sending', platformMessageIds: [] });
    expect(deliveries.paperMessage(channelId, 'p1')).toMatchObject({ messageId: null });
    deliveries.markSent(delivery.id, ['m1'], [{ paperId: 'p1', messageId: 'm1' }, { paperId: 'p2', messageId: 'm1', threadId: 't1' }]);
    expect(deliveries.get(delivery.id)).toMatchObject({ status: 'sent', platformMessageIds: ['m1'] });
    expect(deliveries.paperMessage(channelId, 'p2')).toEqual({ deliveryId: delivery.id, messageId: 'm1', threadId: 't1' });
  });
});

describe('the stored digest view', () => {
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logged = deliveries;
  const deliverer = createDeliverer({ deliveries: promised(deliveries), channels: promised(channels), channelService: new ChannelService(promised(channels), noScheduleSync), logger: createLogger({ destination: sink }) });
  const rawView = (id: string) => (db.sqlite.prepare('SELECT view FROM deliveries WHERE id = ?').pluck().get(id) as string);
  const storeRaw = (id: string, json: string) => db.sqlite.prepare('UPDATE deliveries SET view = ? WHERE id = ?').run(json, id);
  const lastDay = (id: number) => db.sqlite.prepare('SELECT last_digest_day FROM channels WHERE id = ?').pluck().get(id);
  const full = (feedDay: string): DigestView => ({
    feedDay,
    papers: [toPaperView(makePaper({ id: '2503.00042' }), { matchedTopic: 'diffusion' })],
    overflow: { count: 3, url: 'https://huggingface.co/papers', from: '2025-03-01' },
    missed: { from: '2025-02-01', to: '2025-02-20', days: 20, limit: 7, url: 'https://huggingface.co/papers' },
    note: 'Nothing new on that day.',
  });

  it('is written with its version and read back exactly', () => {
    const channelId = newChannel().id;
    const written = full('2025-04-01');
    const { delivery } = logged.createDigest({ channelId, feedDay: '2025-04-01', picks: [{ paperId: '2503.00042' }], view: written, status: 'pending' });
    expect(JSON.parse(rawView(delivery.id))).toMatchObject({ v: 1, feedDay: '2025-04-01' });
    expect(logged.get(delivery.id)!.view).toEqual(written);
    expect(logged.getWithTarget(delivery.id)).toMatchObject({ status: 'pending', view: written });
  });

  it('reads an old unversioned row, which lacks the newer optional fields', () => {
    const channelId = newChannel().id;
    const { delivery } = logged.createDigest({ channelId, feedDay: '2025-04-02', picks: [{ paperId: '2503.00042' }], view: full('2025-04-02'), status: 'pending' });
    const { missed: _missed, note: _note, ...old } = full('2025-04-02');
    storeRaw(delivery.id, JSON.stringify({ ...old, overflow: { count: 3, url: 'https://huggingface.co/papers' } }));
    expect(logged.get(delivery.id)).toMatchObject({ status: 'pending', view: { ...old, overflow: { count: 3, url: 'https://huggingface.co/papers' } } });
    expect(logged.get(delivery.id)!.view).not.toHaveProperty('missed');
  });

  it('never casts a corrupted view: reading reports it, and delivering fails the due row with the reason, logged, its papers back in the pool', async () => {
    const cases: [string, RegExp][] = [
      ['{not json', /not JSON/],
      [JSON.stringify({ v: 1, feedDay: '2025-04-03', papers: [{ id: '2503.00042' }] }), /invalid at papers\.0\.title/],
      [JSON.stringify({ v: 9, feedDay: '2025-04-03', papers: [] }), /unknown version 9/],
      ['[1, 2]', /not an object/],
    ];
    for (const [json, reason] of cases) {
      const channelId = newChannel().id;
      const { delivery } = logged.createDigest({ channelId, feedDay: '2025-04-03', picks: [{ paperId: '2503.00042' }], view: full('2025-04-03'), status: 'pending' });
      storeRaw(delivery.id, json);
      logLines.length = 0;
      expect(logged.getWithTarget(delivery.id)).toMatchObject({ status: 'pending', view: null, viewError: expect.stringMatching(reason) });
      expect(await deliverer.open(delivery.id)).toEqual({ done: { outcome: 'unreadable', reason: expect.stringMatching(reason) } });
      const read = logged.get(delivery.id)!;
      expect(read).toMatchObject({ status: 'failed', view: null });
      expect(read.lastError).toMatch(reason);
      expect(logged.get(delivery.id)).toMatchObject({ status: 'failed', view: null, lastError: read.lastError });
      expect(logged.deliveredAmong(channelId, ['2503.00042']).size).toBe(0);
      expect(lastDay(channelId)).toBeNull();
      expect(logLines.some((l) => l.includes('stored digest view unreadable') && reason.test(l))).toBe(true);
    }
  });

  it('keeps a finished row finished when its view is unreadable, and a possibly posted one keeps its papers', async () => {
    const channelId = newChannel().id;
    const sent = logged.createDigest({ channelId, feedDay: '2025-04-04', picks: [{ paperId: 'p1' }], view: full('2025-04-04'), status: 'pending' }).delivery;
    logged.markSent(sent.id, ['m1']);
    storeRaw(sent.id, '{not json');
    expect(logged.get(sent.id)).toMatchObject({ status: 'sent', view: null, platformMessageIds: ['m1'] });
    const sending = logged.createDigest({ channelId, feedDay: '2025-04-05', picks: [{ paperId: 'p2' }], view: full('2025-04-05'), status: 'pending' }).delivery;
    logged.beginAttempt(sending.id);
    storeRaw(sending.id, '{not json');
    expect(await deliverer.open(sending.id)).toMatchObject({ done: { outcome: 'unreadable' } });
    expect(logged.get(sending.id)).toMatchObject({ status: 'failed', view: null });
    expect(logged.deliveredAmong(channelId, ['p1', 'p2'])).toEqual(new Set(['p1', 'p2']));
  });
});
