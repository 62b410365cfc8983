import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { silentLogger } from '../../src/logger.ts';
import { unenrolledChannel } from '../../src/app/unenrolled-channel.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const DAY = '2025-03-17';
const { db, cleanup } = createTestDb('select-topic-filters');
const ctx = createContext(loadConfig({}), silentLogger(), { db });
afterAll(cleanup);

const papers = [
  makePaper({ id: '2503.20001', title: 'Diffusion with code and many stars', githubRepo: 'https://github.com/a/b', githubStars: 900, upvotes: 50 }),
  makePaper({ id: '2503.20002', title: 'Diffusion with code and few stars', githubRepo: 'https://github.com/a/c', githubStars: 3, upvotes: 40 }),
  makePaper({ id: '2503.20003', title: 'Diffusion without code', githubRepo: null, githubStars: null, upvotes: 30 }),
  makePaper({ id: '2503.20004', title: 'Diffusion with code, stars unknown', githubRepo: 'https://github.com/a/d', githubStars: null, upvotes: 20 }),
];
ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: DAY, rank, upvotes: p.upvotes })));
ctx.planner.invalidate();

const place = unenrolledChannel({ platform: 'test', workspaceId: 'w', channelId: 'c' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }, new Date(`${DAY}T12:00:00Z`), { topN: 10, minUpvotes: 0, emptyBehaviour: 'notice' });
const digest = async (topic: string) => (await ctx.planner.plan(place, new Date(`${DAY}T12:00:00Z`), { feedDay: DAY, topics: [topic] })).picks.map((p) => p.paper.id).sort();
const searched = async (topic: string) => (await ctx.search.search(topic, { limit: 50 })).hits.map((h) => h.paper.id).sort();

describe("a digest topic's filters beyond words", () => {
  it.each(['diffusion has:code', 'diffusion stars:>=100', 'diffusion stars:<10', 'diffusion has:code upvotes:>=30', 'diffusion'])('picks exactly what search finds for %s', async (topic) => {
    expect(await digest(topic)).toEqual(await searched(topic));
  });

  it('leaves out papers without a repository for has:code, and unknown stars for any stars: comparison', async () => {
    expect(await digest('diffusion has:code')).toEqual(['2503.20001', '2503.20002', '2503.20004']);
    expect(await digest('diffusion stars:<10')).toEqual(['2503.20002']);
  });
});
