import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_WORDING } from '../../adapters/discord/discord-wording.ts';
import { moreCustomId, renderReply as renderDiscord } from '../../adapters/discord/discord-embeds.ts';
import { renderReply as renderSlack, SLACK_ACTIONS } from '../../adapters/slack/slack-blocks.ts';
import { createWiderSearch } from '../../src/app/ingest-pipeline.ts';
import { BEYOND_CURSOR } from '../../src/commands/search-command.ts';
import { createCommandCore } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { seedDay } from './jobs-harness.ts';
import { makePaper } from '../helpers/papers.ts';

const DAY = '2025-03-17';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];
const elsewhere = hfItem({ id: '2402.00007', title: 'Spiking neural networks on neuromorphic chips', summary: 'Spiking networks, trained.', upvotes: 12, submittedOnDailyAt: '2024-02-02T01:00:00.000Z' });

const hf = new FakeHfApi().setSearchable([...fixture, elsewhere]);
const test = createTestDb('search-beyond-chat');
let ctx: ReturnType<typeof createContext>;
let core: ReturnType<typeof createCommandCore>;
const request = (text: string, cursor?: string): CommandRequest => ({
  platform: 'discord',
  workspaceId: 'G1',
  channelId: 'C1',
  userId: 'U1',
  name: 'search',
  text: '',
  options: { query: text },
  canManage: false,
  wording: DISCORD_WORDING,
  ...(cursor !== undefined ? { cursor } : {}),
});
const papersOf = (reply: CommandReply) => (reply.kind === 'papers' ? reply : undefined);

beforeAll(async () => {
  await hf.start();
  ctx = createContext(loadConfig({ HF_API_URL: hf.url, HF_SEARCH_TIMEOUT_MS: '400', LOG_LEVEL: 'silent' }), silentLogger(), { db: test.db });
  seedDay(ctx, DAY, [makePaper({ id: '2503.10001', title: 'Low-rank adapters for vision transformers' }), makePaper({ id: '2503.10002', title: 'Adapters everywhere: a survey of low-rank methods' }), makePaper({ id: '2503.10003', title: 'Low-rank gradients for fast training' })]);
  core = createCommandCore({ ctx, schedules: { channelChanged: async () => {} }, wider: createWiderSearch(ctx) });
});
afterAll(async () => {
  await hf.stop();
  test.cleanup();
});

describe("/papers search beyond the stored papers, in chat", () => {
  it('asks Hugging Face on its own when few stored papers match, marks what is new here, and stores it', async () => {
    const reply = papersOf(await core.handle(request('spiking neural networks')))!;
    expect(reply.papers.map((p) => [p.id, p.badge])).toEqual([['2402.00007', "New here: found by Hugging Face's search"]]);
    expect(reply.note).toContain("1 more from Hugging Face's search (1 new here, stored now so topics can match them)");
    expect(reply.beyond).toBeUndefined();
    expect(ctx.papers.get('2402.00007')?.title).toBe('Spiking neural networks on neuromorphic chips');
    // Both renderers show where it came from.
    expect(JSON.stringify(renderSlack(reply))).toContain("New here: found by Hugging Face");
    expect(JSON.stringify(renderDiscord(reply))).toContain("New here: found by Hugging Face");
  });

  it('offers a "Search all of Hugging Face" button when enough stored papers match, and the button asks it', async () => {
    const before = hf.searches().length;
    const first = papersOf(await core.handle(request('low-rank')))!;
    expect(hf.searches().length).toBe(before);
    expect(first.papers.every((p) => p.badge === undefined)).toBe(true);
    expect(first.beyond).toEqual({ command: 'search', text: 'low-rank', cursor: BEYOND_CURSOR });
    const slack = JSON.stringify(renderSlack(first));
    expect(slack).toContain(SLACK_ACTIONS.beyond);
    expect(slack).toContain('Search all of Hugging Face');
    expect(JSON.stringify(renderDiscord(first))).toContain(moreCustomId(first.beyond!)!);

    const pressed = papersOf(await core.handle(request('low-rank', BEYOND_CURSOR)))!;
    expect(hf.searches().slice(before)).toEqual(['low rank']);
    expect(pressed.papers.slice(0, 3).map((p) => p.badge)).toEqual([undefined, undefined, undefined]);
    expect(pressed.papers.slice(3).length).toBeGreaterThan(0);
    expect(pressed.papers.slice(3).every((p) => p.badge?.includes("Hugging Face's search"))).toBe(true);
    expect(pressed.beyond).toBeUndefined();
  });

  it('answers with the stored papers and a note when Hugging Face is down', async () => {
    hf.failSearch({ status: 502 });
    const reply = papersOf(await core.handle(request('low-rank', BEYOND_CURSOR)))!;
    expect(reply.papers.length).toBeGreaterThanOrEqual(3);
    expect(reply.papers.every((p) => p.badge === undefined)).toBe(true);
    expect(reply.note).toContain("Hugging Face's search could not be reached just now");
  });

  it('says that nothing is ingested yet on an empty database', async () => {
    const empty = createTestDb('search-beyond-chat-empty');
    const emptyCtx = createContext(loadConfig({ HF_API_URL: hf.url, LOG_LEVEL: 'silent' }), silentLogger(), { db: empty.db });
    try {
      const local = createCommandCore({ ctx: emptyCtx, schedules: { channelChanged: async () => {} } });
      const reply = await local.handle(request('anything'));
      expect(reply.kind === 'text' && reply.lines[0]).toContain('Nothing ingested yet: run `npx papers ingest --today`');
    } finally {
      empty.cleanup();
    }
  });
});
