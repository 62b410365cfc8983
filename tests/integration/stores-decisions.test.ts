import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DigestDecisions } from '../../src/core/decisions.ts';
import { DecisionsRepo } from '../../src/db/decisions-repo.ts';
import { PgDecisionsStore } from '../../src/db/pg/decisions-store.ts';
import { writeStoredDecisions } from '../../src/db/stored-decisions.ts';
import { promised, type Stores } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';
import { insertChannel } from '../helpers/store-races.ts';

const decided = (days: string[], paperIds: string[]): DigestDecisions => ({
  days,
  topics: ['diffusion'],
  topN: 5,
  minUpvotes: 0,
  qualified: paperIds.length,
  papers: paperIds.map((paperId, i) => ({ paperId, decision: 'posted', day: days[0]!, upvotes: 10 + i, rank: i + 1, topic: 'diffusion' })),
});

describe.each(BACKENDS)('the decisions store on %s', (name) => {
  let backend: Backend;
  let store: Stores['decisions'];
  let n = 0;
  let channelId: number;

  async function digestRow(channel: number, id: string, feedDay: string, fields: { status?: string; decisions?: string | null; lastError?: string | null; attempts?: number } = {}) {
    await rawSql(backend, 'INSERT INTO deliveries (id, channel_id, feed_day, status, decisions, last_error, attempts) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      id,
      channel,
      feedDay,
      fields.status ?? 'sent',
      fields.decisions ?? null,
      fields.lastError ?? null,
      fields.attempts ?? 1,
    ]);
  }

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-decisions');
    store = backend.name === 'sqlite' ? promised(new DecisionsRepo(backend.db)) : new PgDecisionsStore(backend.pg);
  });
  afterAll(() => backend.close());
  beforeEach(async () => {
    n += 1;
    channelId = await insertChannel(backend, `C${n}`);
  });

  it('finds the digests whose decisions name a paper, newest first, up to the limit, reporting unreadable ones', async () => {
    const other = await insertChannel(backend, `C${n}-other`);
    await digestRow(channelId, 'd1', '2025-05-01', { decisions: writeStoredDecisions(decided(['2025-05-01'], ['2505.00001', '2505.00002'])) });
    await digestRow(channelId, 'd2', '2025-05-02', { decisions: writeStoredDecisions(decided(['2025-05-02'], ['2505.00003'])) });
    await digestRow(channelId, 'd3', '2025-05-03', { status: 'failed', lastError: 'gone', decisions: writeStoredDecisions(decided(['2025-05-03'], ['2505.00001'])) });
    await digestRow(channelId, 'd4', '2025-05-04', { decisions: '{"v":1,"2505.00001":true}' });
    await digestRow(channelId, 'd5', '2025-05-05');
    await digestRow(other, 'd6', '2025-05-06', { decisions: writeStoredDecisions(decided(['2025-05-06'], ['2505.00001'])) });

    const found = await store.mentioning(channelId, '2505.00001');
    expect(found.map((d) => [d.deliveryId, d.feedDay, d.status, d.lastError])).toEqual([
      ['d4', '2025-05-04', 'sent', null],
      ['d3', '2025-05-03', 'failed', 'gone'],
      ['d1', '2025-05-01', 'sent', null],
    ]);
    expect(found[0]).toMatchObject({ decisions: null, error: expect.stringMatching(/invalid at/) });
    expect(found[2]!.decisions).toEqual(decided(['2025-05-01'], ['2505.00001', '2505.00002']));
    expect(found[2]).not.toHaveProperty('error');
    expect((await store.mentioning(channelId, '2505.00001', 1)).map((d) => d.deliveryId)).toEqual(['d4']);
    expect(await store.mentioning(channelId, '2505.99999')).toEqual([]);
  });

  it('says which digest holds a paper in the channel ledger', async () => {
    await digestRow(channelId, `l-${n}`, '2025-05-07', { status: 'failed', lastError: 'may have posted', attempts: 3 });
    await rawSql(backend, 'INSERT INTO delivered_papers (channel_id, paper_id, delivery_id) VALUES (?, ?, ?)', [channelId, '2505.00010', `l-${n}`]);
    expect(await store.ledger(channelId, '2505.00010')).toEqual({ deliveryId: `l-${n}`, feedDay: '2025-05-07', status: 'failed', lastError: 'may have posted', attempts: 3 });
    expect(await store.ledger(channelId, '2505.00011')).toBeUndefined();
  });

  it('lists the feed days that listed a paper, oldest first', async () => {
    const id = `${n}.listed`;
    await rawSql(backend, 'INSERT INTO papers (id, title) VALUES (?, ?)', [id, 'Listed']);
    for (const [day, rank] of [['2025-05-09', 2], ['2025-05-08', 1], ['2025-05-10', 4]] as const) {
      await rawSql(backend, 'INSERT INTO daily_listings (feed_day, paper_id, rank) VALUES (?, ?, ?)', [day, id, rank]);
    }
    expect(await store.listingDays(id)).toEqual(['2025-05-08', '2025-05-09', '2025-05-10']);
    expect(await store.listingDays('never')).toEqual([]);
  });

  it('counts the digests planned before decisions were recorded, from a day on', async () => {
    await digestRow(channelId, `u1-${n}`, '2025-05-01');
    await digestRow(channelId, `u2-${n}`, '2025-05-03');
    await digestRow(channelId, `u3-${n}`, '2025-05-04', { decisions: writeStoredDecisions(decided(['2025-05-04'], [])) });
    expect(await store.undecidedSince(channelId, '2025-05-02')).toBe(1);
    expect(await store.undecidedSince(channelId, '2025-01-01')).toBe(2);
    expect(await store.undecidedSince(channelId, '2025-06-01')).toBe(0);
  });

  it('covers the days of every digest: the earliest day decisions recorded, else the feed day, to the newest feed day', async () => {
    expect(await store.coverage(channelId)).toEqual({ digests: 0 });
    await digestRow(channelId, `c1-${n}`, '2025-05-05');
    expect(await store.coverage(channelId)).toEqual({ digests: 1, first: '2025-05-05', last: '2025-05-05' });
    await digestRow(channelId, `c2-${n}`, '2025-05-08', { decisions: writeStoredDecisions(decided(['2025-05-02', '2025-05-08'], [])) });
    await digestRow(channelId, `c3-${n}`, '2025-05-09', { decisions: writeStoredDecisions(decided([], [])) });
    expect(await store.coverage(channelId)).toEqual({ digests: 3, first: '2025-05-02', last: '2025-05-09' });
  });
});
