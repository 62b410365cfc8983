import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { addDays } from '../../src/core/time.ts';
import type { Schedule } from '../../src/core/types.ts';
import { renderDigest as renderDiscord } from '../../adapters/discord/discord-embeds.ts';
import { renderDigest as renderSlack } from '../../adapters/slack/slack-blocks.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { setLastDigestDay } from '../helpers/last-digest-day.ts';
import { makePaper } from '../helpers/papers.ts';

const WEEKLY: Schedule = { time: '09:00', cadence: 'weekly', weekday: 5, timeZone: 'UTC' };
const DAILY: Schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' };
const TODAY = '2025-03-21';
const now = new Date(`${TODAY}T15:00:00Z`);

describe('which feed days a digest covers', () => {
  const { db, cleanup } = createTestDb('digest-coverage');
  const ctx = createContext(loadConfig({ DIGEST_MAX_CATCHUP_DAYS: '3' }), silentLogger(), { db });
  afterAll(cleanup);
  // Twelve weekdays of listings, three papers a day; older days' papers have more upvotes (more time to collect them).
  const days = Array.from({ length: 19 }, (_, i) => addDays(TODAY, -i)).filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
  for (const [age, day] of days.entries()) {
    const papers = [0, 1, 2].map((i) => makePaper({ title: `Paper ${i} of ${day}`, upvotes: 100 + age * 20 - i * 10 }));
    ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })));
  }
  let seq = 0;
  const channel = (schedule: Schedule, lastDigestDay: string, topN = 10) => {
    const { channel: c } = ctx.channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: `C${++seq}` }, schedule);
    setLastDigestDay(db, c.id, lastDigestDay);
    ctx.channels.update(c.id, { topN });
    return ctx.channels.get(c.id)!;
  };

  it('covers every feed day of its week in a weekly digest, even with a shorter catch-up limit', async () => {
    const plan = await ctx.planner.plan(channel(WEEKLY, '2025-03-14'), now);
    expect(plan.days).toEqual(['2025-03-14', '2025-03-17', '2025-03-18', '2025-03-19', '2025-03-20', '2025-03-21']);
    expect(plan.missed).toBeUndefined();
    expect(plan.view.note).toBe("The week's papers, 2025-03-14 to 2025-03-21.");
  });

  it('catches up on missed days up to the limit and names the days beyond it in the digest', async () => {
    const plan = await ctx.planner.plan(channel(DAILY, '2025-03-12'), now);
    expect(plan.days).toEqual(['2025-03-18', '2025-03-19', '2025-03-20', '2025-03-21']);
    expect(plan.missed).toEqual({ from: '2025-03-13', to: '2025-03-17', days: 3 });
    expect(plan.view.missed).toMatchObject({ from: '2025-03-13', to: '2025-03-17', days: 3, limit: 3 });
    const line = 'Not covered: 3 earlier feed days (2025-03-13 to 2025-03-17), beyond the 3-day catch-up limit';
    expect(JSON.stringify(renderSlack(plan.view))).toContain(line);
    expect(renderDiscord(plan.view)[0]!.content).toContain(line);
  });

  it("ranks each day's best first, so newer days are not buried by older papers' upvotes", async () => {
    const plan = await ctx.planner.plan(channel(WEEKLY, '2025-03-14', 5), now);
    expect(plan.picks.map((p) => p.paper.title)).toEqual([
      'Paper 0 of 2025-03-21',
      'Paper 0 of 2025-03-20',
      'Paper 0 of 2025-03-19',
      'Paper 0 of 2025-03-18',
      'Paper 0 of 2025-03-17',
    ]);
  });

  it('counts every covered day in the "+K more" line and links to a page that lists them', async () => {
    const plan = await ctx.planner.plan(channel(WEEKLY, '2025-03-14', 5), now);
    expect(plan.overflow).toBe(6 * 3 - 5);
    expect(plan.view.overflow).toEqual({ count: 13, from: '2025-03-14', url: 'https://huggingface.co/papers/month/2025-03' });
    const thisWeek = await ctx.planner.plan(channel(WEEKLY, '2025-03-17', 5), now);
    expect(thisWeek.view.overflow?.url).toBe('https://huggingface.co/papers/week/2025-W12');
  });
});
