import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandCore } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import type { Listing, Paper } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { mapDailyItem } from '../../src/sources/hf-schema.ts';
import { createTestDb } from '../helpers/db.ts';

const DAY = '2025-03-17';
const now = new Date(`${DAY}T15:00:00Z`);
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

describe('the subscribe preview on a recorded day', () => {
  const { db, cleanup } = createTestDb('topic-preview');
  const ctx = createContext(loadConfig({}), silentLogger(), { db });
  afterAll(() => {
    ctx.planner.invalidate();
    cleanup();
  });
  const papers: Paper[] = [];
  const listings: Listing[] = [];
  fixture.forEach((raw, rank) => {
    const item = mapDailyItem(raw, DAY, rank, 'https://huggingface.co');
    if (!item.ok) return;
    papers.push(item.paper);
    listings.push(item.listing);
  });
  ctx.papers.upsertPage(papers, listings);
  ctx.search.refresh();
  ctx.planner.invalidate();
  const commands = createCommandCore({ ctx, schedules: { channelChanged: async () => {} } });
  let seq = 0;
  const run = (channelId: string, name: string, text = ''): Promise<CommandReply> =>
    commands.handle({ platform: 'slack', workspaceId: 'T1', channelId, userId: 'U1', name, text, canManage: true } satisfies CommandRequest);
  const ids = (reply: CommandReply) => (reply.kind === 'papers' ? reply.papers.map((p) => p.id) : reply.kind === 'digest' ? reply.digest.papers.map((p) => p.id) : []);

  for (const topic of ['diffusion', 'difusion', 'video generation', 'reinforcment lerning']) {
    it(`shows for "${topic}" exactly the papers the next digest and /papers today post, in their order`, async () => {
      const channelId = `CPREVIEW${++seq}`;
      const preview = await run(channelId, 'subscribe', topic);
      const shown = ids(preview);
      expect(shown.length).toBeGreaterThan(0);
      const channel = ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId })!;
      const digest = await ctx.planner.plan(channel, now);
      expect(shown).toEqual(digest.picks.slice(0, shown.length).map((p) => p.paper.id));
      expect(ids(await run(channelId, 'today')).slice(0, shown.length)).toEqual(shown);
    });
  }

  it('says when a misspelt topic is matched as the corpus spells it', async () => {
    const reply = await run('CPREVIEW-typo', 'subscribe', 'difusion');
    expect(reply.kind === 'papers' && reply.note).toMatch(/matches as "diffusion"/);
  });
});
