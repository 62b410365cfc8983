import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { DISCORD_LIMITS } from '../../adapters/discord/discord-embeds.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { noScheduleSync, type ChannelTarget } from '../../src/core/ports.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { buttonInteraction, commandInteraction, IDS, publicKeyHex, signedHeaders } from '../fakes/discord-payloads.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const keys = generateKeyPairSync('ed25519');
const api = new FakeDiscordApi();
const target: ChannelTarget = { platform: 'discord', workspaceId: IDS.guild, channelId: IDS.channel };
const ALICE = '900000000000000101';
const BOB = '900000000000000102';
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let adapter: PlatformAdapter;
let server: HttpServer;

const papers = Array.from({ length: 10 }, (_, i) =>
  makePaper({ id: `2503.0000${i}`, title: `Graph diffusion study ${i}`, authors: [`Author${i} Family${i}`], publishedAt: '2025-03-10', categories: ['cs.LG'] }),
);

interface Component {
  type: number;
  label: string;
  custom_id?: string;
  url?: string;
}
interface Row {
  components: Component[];
}

async function signed(payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await fetch(`http://127.0.0.1:${server.port}/discord/interactions`, { method: 'POST', headers: signedHeaders(body, keys.privateKey), body });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

/** Clicks a button; resolves with the immediate (ephemeral) answer's text. */
async function click(customId: string, overrides: Parameters<typeof buttonInteraction>[1] = {}): Promise<string> {
  const answer = await signed(buttonInteraction(customId, { userId: ALICE, ...overrides }));
  expect(answer.status).toBe(200);
  expect(answer.json).toMatchObject({ type: 4, data: { flags: 64 } });
  return answer.json.data.content as string;
}

/** Runs a slash command; resolves with the edited original response. */
async function command(subcommand: string, options: Record<string, string> = {}, userId = ALICE) {
  const interaction = commandInteraction(subcommand, options, { userId });
  await signed(interaction);
  return (await api.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${interaction.token}/messages/@original$`))).body;
}

let posted: { embeds: unknown[]; components: Row[] }[];
/** Message id -> the papers it shows, as the deliverer records them. */
let shownAt: Map<string, string[]>;
/** The posted digest message that shows `paperId`, as the button's message. */
const on = (paperId: string) => ({ id: [...shownAt].find(([, ids]) => ids.includes(paperId))![0] });

beforeAll(async () => {
  await api.start();
  testDb = createTestDb('discord-votes');
  const config = loadConfig({ DISCORD_PUBLIC_KEY: publicKeyHex(keys.publicKey), DISCORD_APPLICATION_ID: IDS.app, DISCORD_TOKEN: 'bot-token', DISCORD_API_URL: api.apiUrl });
  ctx = createContext(config, silentLogger(), { db: testDb.db });
  ctx.papers.upsertPage(papers, []);
  adapter = createDiscordAdapter({ papers: createPapersApp({ ctx, schedules: noScheduleSync }), logger: silentLogger() }, config.discord!);
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger: silentLogger() });
  await adapter.start();

  const { channel } = ctx.channels.enrol(target, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
  const view = { feedDay: '2025-03-12', papers: papers.map((p) => toPaperView(p)), overflow: { count: 4, url: 'https://huggingface.co/papers/date/2025-03-12' } };
  const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-03-12', picks: papers.map((p) => ({ paperId: p.id })), view, status: 'pending' });
  // As the deliverer leaves a posted digest: sent, with the message that shows each paper.
  const result = await adapter.chat.postDigest(target, view, delivery.id);
  ctx.deliveries.markSent(delivery.id, result.messageIds);
  ctx.deliveries.recordPaperMessages(delivery.id, result.shown ?? []);
  shownAt = new Map(result.messageIds.map((id) => [id, (result.shown ?? []).filter((s) => s.messageId === id).map((s) => s.paperId)]));
  posted = api.callsTo('POST', new RegExp(`^/channels/${IDS.channel}/messages$`)).map((c) => c.body as (typeof posted)[number]);
});

afterAll(async () => {
  await adapter?.stop();
  await server?.close();
  await api.stop();
  ctx?.close();
  testDb?.cleanup();
});

const customIds = (rows: Row[]) => rows.flatMap((r) => r.components.map((c) => c.custom_id).filter((id): id is string => id !== undefined));

describe('Discord vote buttons on a posted digest', () => {
  it('posts a 10-paper digest as messages within 5 rows of 5 buttons, with 👍 👎 🔖 for every paper', () => {
    expect(posted.length).toBe(2);
    for (const message of posted) {
      expect(message.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.actionRows);
      expect(message.components.every((r) => r.components.length <= DISCORD_LIMITS.buttonsPerRow)).toBe(true);
      expect(customIds(message.components).every((id) => id.length <= DISCORD_LIMITS.customId)).toBe(true);
    }
    const ids = posted.flatMap((m) => customIds(m.components));
    for (const p of papers) expect(ids).toEqual(expect.arrayContaining([`papers:vote:up:p:${p.id}`, `papers:vote:down:p:${p.id}`, `papers:save:${p.id}`]));
    const labels = posted[1]!.components.flatMap((r) => r.components.map((c) => c.label));
    expect(labels).toEqual(expect.arrayContaining(['👍 #6', '👎 #10', '🔖 #8', 'See 4 more on Hugging Face']));
  });

  it('casts, changes and takes back votes over signed component interactions, answering only the clicker with the counts', async () => {
    const message = on('2503.00000');
    expect(await click('papers:vote:up:p:2503.00000', { message })).toBe('👍 Counted: more like "Graph diffusion study 0". This channel: 👍 1 · 👎 0. Click 👍 again to take it back.');
    expect(await click('papers:vote:up:p:2503.00000', { userId: BOB, message })).toContain('This channel: 👍 2 · 👎 0.');
    expect(await click('papers:vote:down:p:2503.00000', { message })).toContain('Changed your vote on "Graph diffusion study 0" to 👎. This channel: 👍 1 · 👎 1.');
    expect(await click('papers:vote:down:p:2503.00000', { message })).toContain('Took back your 👎 on "Graph diffusion study 0". This channel: 👍 1 · 👎 0.');
    expect(ctx.votes.forChannel(target).map((v) => [v.paperId, v.userId, v.value])).toEqual([['2503.00000', BOB, 1]]);
  });

  it('counts a vote clicked in a thread of the channel for the channel itself', async () => {
    const threadId = '900000000000000555';
    const interaction = buttonInteraction('papers:vote:up:p:2503.00003', { userId: ALICE, channelId: threadId, message: on('2503.00003') });
    interaction.channel = { ...(interaction.channel as object), type: 11, parent_id: IDS.channel };
    const answer = await signed(interaction);
    expect(answer.json.data.content).toContain('This channel: 👍 1 · 👎 0.');
    expect(ctx.votes.voteOf(target, '2503.00003', ALICE)).toBe(1);
    expect(ctx.votes.forChannel({ ...target, channelId: threadId })).toEqual([]);
  });

  it('counts a vote in a thread enrolled as a channel for that thread, where its digests are posted', async () => {
    const threadId = '900000000000000556';
    const thread: ChannelTarget = { ...target, channelId: threadId };
    const { channel } = ctx.channels.enrol(thread, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    const view = { feedDay: '2025-03-12', papers: [toPaperView(papers[8]!)] };
    const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-03-12', picks: [{ paperId: papers[8]!.id }], view, status: 'pending' });
    const sent = await adapter.chat.postDigest(thread, view, delivery.id);
    ctx.deliveries.markSent(delivery.id, sent.messageIds);
    ctx.deliveries.recordPaperMessages(delivery.id, sent.shown ?? []);
    const interaction = buttonInteraction('papers:vote:up:p:2503.00008', { userId: ALICE, channelId: threadId, message: { id: sent.messageIds[0]! } });
    interaction.channel = { ...(interaction.channel as object), type: 11, parent_id: IDS.channel };
    const answer = await signed(interaction);
    expect(answer.json.data.content).toContain('👍 Counted: more like "Graph diffusion study 8". This channel: 👍 1 · 👎 0.');
    expect(ctx.votes.voteOf(thread, '2503.00008', ALICE)).toBe(1);
    expect(ctx.votes.voteOf(target, '2503.00008', ALICE)).toBeUndefined();
  });

  it('refuses an unknown paper, malformed or oversized ids and a posted paper of another channel, changing nothing', async () => {
    const before = JSON.stringify(ctx.votes.forChannel(target));
    expect(await click('papers:vote:up:p:2599.99999')).toContain('Paper 2599.99999 is not among the papers stored here');
    for (const id of ['papers:vote:sideways:p:2503.00001', 'papers:vote:up:x:2503.00001', 'papers:save:', `papers:vote:up:p:${'1'.repeat(80)}`]) {
      expect(await click(id)).toContain('not one of ours');
    }
    expect(await click('papers:vote:up:p:not-an-id')).toContain('does not name a paper');
    expect((await signed(buttonInteraction(`papers:vote:up:p:${'1'.repeat(90)}`))).status).toBe(400);
    expect(await click('papers:vote:up:p:2503.00001', { channelId: '900000000000000999', message: on('2503.00001') })).toContain('was not posted in this channel, so this vote was not counted');
    // The button's own word is not taken for it: on a message in the channel, only the paper that message shows counts.
    expect(await click('papers:vote:up:l:2503.00001', { message: on('2503.00009') })).toContain('was not posted in this channel, so this vote was not counted');
    expect(JSON.stringify(ctx.votes.forChannel(target))).toBe(before);
    expect(ctx.votes.forChannel({ ...target, channelId: '900000000000000999' })).toEqual([]);
  });
});

describe('Discord search results and saved papers', () => {
  it('puts 👍 👎 🔖 on each search result beside Share, with More still in the last row', async () => {
    const page = await command('search', { query: 'graph diffusion' });
    expect(page.embeds).toHaveLength(5);
    const rows = page.components as Row[];
    expect(rows.length).toBeLessThanOrEqual(5);
    expect(rows[0]!.components[0]!.custom_id).toMatch(/^papers:share:/);
    expect(rows.at(-1)!.components[0]).toMatchObject({ label: 'More results' });
    expect(customIds(rows).filter((id) => id.startsWith('papers:vote:up:l:'))).toHaveLength(5);
    const upFirst = rows[1]!.components[0]!;
    expect(upFirst.label).toBe('👍 #1');
    expect(await click(upFirst.custom_id!, { userId: '900000000000000103' })).toContain('This channel: 👍');
  });

  it('saves with 🔖, lists the reading list with /papers saved, gives BibTeX in a code block, and 🔖 again removes', async () => {
    expect(await click('papers:save:2503.00002')).toContain('🔖 Saved "Graph diffusion study 2" to your reading list (1 saved)');
    const list = await command('saved');
    expect(list.content).toContain('Your reading list');
    expect(list.embeds.map((e: { title: string }) => e.title)).toEqual(['1. Graph diffusion study 2']);
    expect(customIds(list.components as Row[])).toContain('papers:save:2503.00002');
    const bibtex = await command('saved', { action: 'bibtex' });
    expect(bibtex.content).toContain('```\n@misc{family22025graph,');
    expect(bibtex.content).toContain('  eprint = {2503.00002},');
    expect((await command('saved', {}, BOB)).content).toContain('Your reading list is empty');
    expect(await click('papers:save:2503.00002')).toContain('Removed "Graph diffusion study 2" from your reading list (0 left)');
    expect((await command('saved', { action: 'remove', id: '2503.00002' })).content).toContain('is not on your reading list');
  });
});

describe('Discord votes and saves from direct messages and other servers', () => {
  it("counts a vote clicked in a personal alert DM for that person's alerts, on the digest posted there", async () => {
    const person = { platform: 'discord', workspaceId: '@me', channelId: ALICE };
    const { channel } = ctx.channels.enrol({ ...person, kind: 'person' }, { time: '08:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    const view = { feedDay: '2025-03-13', papers: [toPaperView(papers[5]!)] };
    const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-03-13', picks: [{ paperId: papers[5]!.id }], view, status: 'pending' });
    const sent = await adapter.chat.postDigest({ ...person, kind: 'person' }, view, delivery.id);
    ctx.deliveries.markSent(delivery.id, sent.messageIds);
    ctx.deliveries.recordPaperMessages(delivery.id, sent.shown ?? []);
    const dm = api.dmChannels.get(ALICE)!;
    const message = { id: sent.messageIds[0]! };
    expect(await click('papers:vote:up:p:2503.00005', { guildId: null, channelId: dm, message })).toContain('👍 1');
    expect(ctx.votes.voteOf(person, '2503.00005', ALICE)).toBe(1);
    // A paper the DM's digest does not show counts for nobody, in the DM or anywhere.
    expect(await click('papers:vote:up:p:2503.00006', { guildId: null, channelId: dm, message })).toContain('was not posted in this channel');
    expect(ctx.votes.voteOf(person, '2503.00006', ALICE)).toBeUndefined();
  });

  it('keeps one reading list per person across servers', async () => {
    expect(await click('papers:save:2503.00007')).toContain('Saved "Graph diffusion study 7"');
    const elsewhere = commandInteraction('saved', {}, { userId: ALICE, guildId: '900000000000000888' });
    await signed(elsewhere);
    const list = (await api.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${elsewhere.token}/messages/@original$`))).body;
    expect(list.embeds.map((e: { title: string }) => e.title)).toContain('1. Graph diffusion study 7');
  });
});
