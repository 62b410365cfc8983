import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext, openContext, type AppContext } from '../../src/context.ts';
import type { Channel } from '../../src/core/types.ts';
import type { DigestPlan } from '../../src/select/digest-planner.ts';
import { silentLogger } from '../../src/logger.ts';
import { searchWeek, WEEK_NOW } from '../fixtures/search-week.ts';
import { BACKENDS, type BackendName } from '../helpers/backends.ts';
import { createTestDb } from '../helpers/db.ts';
import { createEmptyTestPg } from '../helpers/pg-database.ts';

const SCHEDULE = { time: '09:00', cadence: 'daily' as const, weekday: null, timeZone: 'UTC' };
const DIFFUSION = { platform: 'slack', workspaceId: 'T1', channelId: 'CDIFF' } as const;
const MIXED = { platform: 'discord', workspaceId: 'G1', channelId: '900000000000000001' } as const;
const ANY = { platform: 'slack', workspaceId: 'T1', channelId: 'CANY' } as const;

interface Side {
  name: BackendName;
  ctx: AppContext;
  channels: Channel[];
  close(): Promise<void>;
}

/** The context every process opens, on a fresh database of one dialect, with the written week and three channels. */
async function open(name: BackendName): Promise<Side> {
  let ctx: AppContext;
  let drop = async () => {};
  if (name === 'sqlite') {
    const test = createTestDb('planner-dialects');
    ctx = createContext(loadConfig({ DATABASE_URL: `file:${test.path}`, LOG_LEVEL: 'silent' }), silentLogger(), { db: test.db });
    drop = async () => test.cleanup();
  } else {
    const empty = await createEmptyTestPg('planner-dialects');
    ctx = await openContext(loadConfig({ DATABASE_URL: empty.url, LOG_LEVEL: 'silent' }), silentLogger());
    drop = empty.drop;
  }
  const { papers, channels, votes } = ctx.stores;
  const week = searchWeek();
  await papers.upsertPage(week.papers, week.listings);
  const diffusion = (await channels.enrol(DIFFUSION, SCHEDULE)).channel;
  await channels.addTopic(diffusion.id, 'diffusion', 'U1');
  await channels.addTopic(diffusion.id, 'video generation', 'U1');
  const mixed = (await channels.enrol(MIXED, SCHEDULE)).channel;
  await channels.addTopic(mixed.id, 'decoding', 'U1');
  await channels.addTopic(mixed.id, 'contrastive has:code', 'U1');
  await channels.update(mixed.id, { topN: 2 });
  const any = (await channels.enrol(ANY, SCHEDULE)).channel;
  await channels.update(any.id, { minUpvotes: 30, topN: 4 });
  // Two people teach the diffusion channel: more of the long-context video paper, less of the baseline.
  await votes.cast(DIFFUSION, '2506.01001', 'U1', 1);
  await votes.cast(DIFFUSION, '2506.01001', 'U2', 1);
  await votes.cast(DIFFUSION, '2506.01002', 'U2', -1);
  // Each channel's last digest was of 2025-05-31: its next one catches up on the week.
  for (const c of [diffusion, mixed, any]) {
    await ctx.stores.deliveries.createDigest({ channelId: c.id, feedDay: '2025-05-31', picks: [], view: { feedDay: '2025-05-31', papers: [] }, status: 'skipped' });
  }
  return {
    name,
    ctx,
    channels: await Promise.all([diffusion.id, mixed.id, any.id].map(async (id) => (await channels.get(id))!)),
    close: async () => {
      await ctx.close();
      await drop();
    },
  };
}

/** What a plan decides, without the database ids that differ between two fresh databases. */
function decided(plan: DigestPlan) {
  return { days: plan.days, feedDay: plan.feedDay, picks: plan.picks.map((p) => [p.paper.id, p.topic ?? null]), overflow: plan.overflow, view: plan.view, decisions: plan.decisions };
}

describe('digest planning on SQLite and PostgreSQL', () => {
  const sides: Side[] = [];
  beforeAll(async () => {
    for (const name of BACKENDS) sides.push(await open(name));
  }, 60_000);
  afterAll(async () => {
    for (const side of sides) await side.close();
  });

  it('plans every channel the same on both, with its recorded decisions and why lines', async () => {
    const [sqlite, pg] = sides as [Side, Side];
    for (let i = 0; i < sqlite.channels.length; i++) {
      const a = await sqlite.ctx.planner.plan(sqlite.channels[i]!, WEEK_NOW, { record: true });
      const b = await pg.ctx.planner.plan(pg.channels[i]!, WEEK_NOW, { record: true });
      expect(a.picks.length).toBeGreaterThan(0);
      expect(decided(b)).toEqual(decided(a));
    }
  });

  it("lets the channel's votes re-rank its digest on both, saying why", async () => {
    for (const side of sides) {
      const plan = await side.ctx.planner.plan(side.channels[0]!, WEEK_NOW);
      expect(plan.picks[0]!.paper.id).toBe('2506.01001');
      expect(plan.view.papers.some((p) => p.why?.includes('liked'))).toBe(true);
    }
  });

  it('plans many channels at once exactly as one at a time', async () => {
    for (const side of sides) {
      const each = [];
      for (const c of side.channels) each.push(decided(await side.ctx.planner.plan(c, WEEK_NOW)));
      expect((await side.ctx.planner.planMany(side.channels, WEEK_NOW)).map(decided)).toEqual(each);
    }
  });

  it("previews a topic and reports a channel's taste the same on both", async () => {
    const [sqlite, pg] = sides as [Side, Side];
    const preview = async (side: Side) => {
      const { plan, recent, corrected } = await side.ctx.planner.previewTopic(side.channels[2]!, 'segmentaton', WEEK_NOW);
      return { picks: plan.picks.map((p) => p.paper.id), recent, corrected };
    };
    const shown = await preview(sqlite);
    expect(shown.recent).toBeGreaterThan(0);
    expect(shown.corrected).toBe('segmentation');
    expect(await preview(pg)).toEqual(shown);
    const taste = await sqlite.ctx.planner.tasteReport(DIFFUSION, WEEK_NOW);
    expect(taste).toMatchObject({ votes: 3, people: 2 });
    expect(await pg.ctx.planner.tasteReport(DIFFUSION, WEEK_NOW)).toEqual(taste);
  });

  it("re-ranks by each channel's votes when it plans many channels it has not seen one at a time, votes cast between them included", async () => {
    for (const side of sides) {
      const { channels, votes } = side.ctx.stores;
      const enrolTeaching = async (channelId: string) => {
        const key = { platform: 'slack', workspaceId: 'T1', channelId } as const;
        const channel = (await channels.enrol(key, SCHEDULE)).channel;
        await channels.addTopic(channel.id, 'diffusion', 'U1');
        await votes.cast(key, '2506.01001', 'U1', 1);
        await votes.cast(key, '2506.01001', 'U2', 1);
        await votes.cast(key, '2506.01002', 'U2', -1);
        await side.ctx.stores.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-05-31', picks: [], view: { feedDay: '2025-05-31', papers: [] }, status: 'skipped' });
        return (await channels.get(channel.id))!;
      };
      const plain = async (n: number, tag: string) => Promise.all(Array.from({ length: n }, async (_, i) => (await channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: `C${tag}${i}` }, SCHEDULE)).channel));
      const liked = (plan: DigestPlan) => plan.view.papers.some((p) => p.why?.includes('liked'));
      const early = await enrolTeaching('CEARLY');
      for (const c of await plain(40, 'A')) expect(liked(await side.ctx.planner.plan(c, WEEK_NOW))).toBe(false);
      expect(liked(await side.ctx.planner.plan(early, WEEK_NOW))).toBe(true);
      const late = await enrolTeaching('CLATE');
      for (const c of await plain(40, 'B')) expect(liked(await side.ctx.planner.plan(c, WEEK_NOW))).toBe(false);
      expect(liked(await side.ctx.planner.plan(late, WEEK_NOW))).toBe(true);
    }
  });

  it('never posts a paper twice: what a channel was sent is left out of its next plan on both', async () => {
    for (const side of sides) {
      const channel = side.channels[2]!;
      const first = await side.ctx.planner.plan(channel, WEEK_NOW);
      const { delivery } = await side.ctx.stores.deliveries.createDigest({
        channelId: channel.id,
        feedDay: first.feedDay,
        picks: first.picks.map((p) => ({ paperId: p.paper.id, topic: p.topic ?? null })),
        view: first.view,
        status: 'pending',
      });
      await side.ctx.stores.deliveries.markSent(delivery.id, []);
      const next = await side.ctx.planner.plan((await side.ctx.stores.channels.get(channel.id))!, WEEK_NOW);
      expect(next.picks.map((p) => p.paper.id).filter((id) => first.picks.some((p) => p.paper.id === id))).toEqual([]);
    }
  });
});
