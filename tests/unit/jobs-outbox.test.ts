import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { DeliveriesRepo, deliveryIdFor } from '../../src/db/deliveries-repo.ts';
import type { DigestView } from '../../src/core/views.ts';
import { createTestDb } from '../helpers/db.ts';

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
});
