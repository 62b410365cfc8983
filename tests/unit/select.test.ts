import { afterAll, describe, expect, it } from 'vitest';
import { createContext } from '../../src/context.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { selectPapers, type Candidate } from '../../src/select/select-papers.ts';
import { DigestPlanner } from '../../src/select/digest-planner.ts';
import { CatalogueFreshness } from '../../src/app/catalogue-freshness.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const candidate = (id: string, upvotes: number, feedDay = '2025-03-17', rank = 0): Candidate => ({ paper: makePaper({ id, upvotes }), feedDay, rank });

describe('selecting a digest', () => {
  const candidates = [candidate('a', 5, '2025-03-17', 2), candidate('b', 50), candidate('c', 20, '2025-03-17', 1), candidate('d', 20, '2025-03-16', 0)];

  it("takes each covered day's best first (newer day first), then each day's next, and counts the overflow", () => {
    const s = selectPapers({ candidates, topics: [], topicMatches: new Map(), delivered: new Set(), minUpvotes: 0, topN: 3 });
    expect(s.picks.map((p) => p.paper.id)).toEqual(['b', 'd', 'c']);
    expect(s.overflow).toBe(1);
  });

  it('ranks one day by upvotes, then feed rank', () => {
    const oneDay = candidates.filter((c) => c.feedDay === '2025-03-17');
    const s = selectPapers({ candidates: oneDay, topics: [], topicMatches: new Map(), delivered: new Set(), minUpvotes: 0, topN: 2 });
    expect(s.picks.map((p) => p.paper.id)).toEqual(['b', 'c']);
    expect(s.overflow).toBe(1);
  });

  it('keeps only papers a topic matched, naming the first topic that did', () => {
    const topicMatches = new Map([
      ['diffusion', new Set(['a', 'c'])],
      ['agents', new Set(['c', 'd'])],
    ]);
    const s = selectPapers({ candidates, topics: ['diffusion', 'agents'], topicMatches, delivered: new Set(), minUpvotes: 0, topN: 10 });
    expect(s.picks.map((p) => [p.paper.id, p.topic])).toEqual([
      ['d', 'agents'],
      ['c', 'diffusion'],
      ['a', 'diffusion'],
    ]);
  });

  it('never selects a delivered paper or one under the minimum upvotes, and lists a paper once', () => {
    const s = selectPapers({ candidates: [...candidates, candidate('b', 50, '2025-03-16')], topics: [], topicMatches: new Map(), delivered: new Set(['c']), minUpvotes: 10, topN: 10 });
    expect(s.picks.map((p) => p.paper.id)).toEqual(['b', 'd']);
    expect(s.overflow).toBe(0);
  });
});

describe('planning a channel digest', () => {
  const { db, cleanup } = createTestDb('planner');
  const ctx = createContext(loadConfig({}), silentLogger(), { db });
  afterAll(cleanup);

  const list = (day: string, ids: [string, number][]) =>
    ctx.papers.upsertPage(
      ids.map(([id, upvotes]) => makePaper({ id, upvotes, title: `Paper about ${id.includes('9') ? 'diffusion' : 'agents'} ${id}` })),
      ids.map(([id, upvotes], rank) => ({ paperId: id, feedDay: day, rank, upvotes })),
    );
  list('2025-03-10', [['2503.00001', 9]]);
  list('2025-03-14', [['2503.00091', 30], ['2503.00002', 10]]);
  list('2025-03-17', [['2503.00093', 40], ['2503.00004', 50]]);
  const { channel } = ctx.channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
  const now = new Date('2025-03-17T15:00:00Z');

  it('gives a new channel the latest day with papers', async () => {
    expect(await ctx.planner.daysFor(channel, now)).toEqual(['2025-03-17']);
    expect(await ctx.planner.daysFor(channel, new Date('2025-03-16T15:00:00Z'))).toEqual(['2025-03-14']);
  });

  it('catches up after downtime, back to the catch-up limit, including the last digest day for late additions', async () => {
    const daily = channel.schedule;
    expect(await ctx.planner.daysFor({ lastDigestDay: '2025-03-14', schedule: daily }, now)).toEqual(['2025-03-14', '2025-03-17']);
    expect(await ctx.planner.daysFor({ lastDigestDay: '2025-03-01', schedule: daily }, now)).toEqual(['2025-03-10', '2025-03-14', '2025-03-17']);
  });

  it('filters by topic, says which topic matched, and notes when it covers an earlier day', async () => {
    ctx.channels.addTopic(channel.id, 'diffusion');
    const plan = await ctx.planner.plan(channel, new Date('2025-03-16T15:00:00Z'));
    expect(plan.feedDay).toBe('2025-03-14');
    expect(plan.picks.map((p) => [p.paper.id, p.topic])).toEqual([['2503.00091', 'diffusion']]);
    expect(plan.view.papers[0]!.matchedTopic).toBe('diffusion');
    expect(plan.view.note).toMatch(/No papers are listed for 2025-03-16 yet; these are from 2025-03-14/);
  });

  it('plans many channels exactly as it plans each one', async () => {
    const other = ctx.channels.enrol({ platform: 'discord', workspaceId: 'G1', channelId: 'D1' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }).channel;
    const channels = [ctx.channels.get(channel.id)!, other];
    const each = [];
    for (const c of channels) each.push(await ctx.planner.plan(c, now));
    expect(await ctx.planner.planMany(channels, now)).toEqual(each);
    expect((await ctx.planner.planMany(channels, now))[1]!.picks.map((p) => p.paper.id)).toEqual(['2503.00004', '2503.00093']);
  });

  it('sees a day another process ingested once its caches reach their maximum age, without being told', async () => {
    const planner = new DigestPlanner({ papers: ctx.stores.papers, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, search: ctx.search });
    const freshness = new CatalogueFreshness([planner], silentLogger(), { maxAgeMs: 40 });
    const later = new Date('2025-03-18T15:00:00Z');
    expect(await planner.daysFor(channel, later)).toEqual(['2025-03-17']);
    list('2025-03-18', [['2503.00095', 12]]);
    await freshness.ensureFresh();
    expect(await planner.daysFor(channel, later)).toEqual(['2025-03-17']);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await freshness.ensureFresh();
    expect(await planner.daysFor(channel, later)).toEqual(['2025-03-18']);
    expect((await planner.plan(ctx.channels.get(channel.id)!, later)).picks.map((p) => p.paper.id)).toEqual(['2503.00095']);
  });
});
