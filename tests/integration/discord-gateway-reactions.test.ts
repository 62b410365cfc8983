import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { noScheduleSync, type ChannelTarget } from '../../src/core/ports.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeDiscordGateway } from '../fakes/discord-gateway.ts';
import { buttonInteraction, IDS } from '../fakes/discord-payloads.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const BOT = '900000000000000099';
const THREAD = '900000000000000300';
/** A thread enrolled as a channel of its own (enrolled from inside it): its digests are posted in it. */
const ENROLLED_THREAD = '900000000000000301';
const api = new FakeDiscordApi({ botToken: 'gateway-bot-token' });
const gateway = new FakeDiscordGateway({ applicationId: IDS.app, userId: BOT });
const target: ChannelTarget = { platform: 'discord', workspaceId: IDS.guild, channelId: IDS.channel };
const SINGLE = '900000000000000401';
const IN_THREAD = '900000000000000402';
const DIGEST = '900000000000000403';
const IN_ENROLLED_THREAD = '900000000000000404';
const PENDING = '900000000000000405';
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let adapter: PlatformAdapter;

const papers = [makePaper({ id: '2503.00001', title: 'One' }), makePaper({ id: '2503.00002', title: 'Two' }), makePaper({ id: '2503.00003', title: 'Three' }), makePaper({ id: '2503.00004', title: 'Four' }), makePaper({ id: '2503.00005', title: 'Five' }), makePaper({ id: '2503.00006', title: 'Six' })];
const member = (id: string) => ({ user: { id, username: `u${id.slice(-3)}`, discriminator: '0', global_name: null, avatar: null }, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 });

async function until<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function react(t: 'MESSAGE_REACTION_ADD' | 'MESSAGE_REACTION_REMOVE', user: string, messageId: string, emoji: string, channelId = IDS.channel): void {
  gateway.dispatch(t, {
    user_id: user,
    channel_id: channelId,
    message_id: messageId,
    guild_id: IDS.guild,
    emoji: { id: null, name: emoji },
    burst: false,
    type: 0,
    ...(t === 'MESSAGE_REACTION_ADD' ? { member: member(user), message_author_id: BOT } : {}),
  });
}

beforeAll(async () => {
  await api.start();
  await gateway.start();
  api.gatewayUrl = gateway.url;
  testDb = createTestDb('discord-gateway-reactions');
  const config = loadConfig({ DISCORD_TOKEN: 'gateway-bot-token', DISCORD_APPLICATION_ID: IDS.app, DISCORD_API_URL: api.apiUrl });
  ctx = createContext(config, silentLogger(), { db: testDb.db });
  ctx.papers.upsertPage(papers, []);
  const schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' } as const;
  const { channel } = ctx.channels.enrol(target, schedule);
  const { channel: threadChannel } = ctx.channels.enrol({ ...target, channelId: ENROLLED_THREAD }, schedule);
  // As the deliverer leaves a posted digest: sent, with the message that shows each paper (unless still pending).
  const deliver = (channelId: number, feedDay: string, shown: typeof papers, messageOf: (i: number) => string, sent = true) => {
    const view = { feedDay, papers: shown.map((p) => toPaperView(p)) };
    const { delivery } = ctx.deliveries.createDigest({ channelId, feedDay, picks: shown.map((p) => ({ paperId: p.id })), view, status: 'pending' });
    if (sent) ctx.deliveries.markSent(delivery.id, shown.map((_, i) => messageOf(i)));
    ctx.deliveries.recordPaperMessages(delivery.id, shown.map((p, i) => ({ paperId: p.id, messageId: messageOf(i), threadId: null })));
  };
  deliver(channel.id, '2025-03-12', papers.slice(0, 2), (i) => (i === 0 ? SINGLE : IN_THREAD));
  deliver(channel.id, '2025-03-13', papers.slice(2, 4), () => DIGEST);
  deliver(channel.id, '2025-03-14', papers.slice(5, 6), () => PENDING, false);
  deliver(threadChannel.id, '2025-03-12', papers.slice(4, 5), () => IN_ENROLLED_THREAD);
  adapter = createDiscordAdapter({ papers: createPapersApp({ ctx, schedules: noScheduleSync }), logger: silentLogger() }, config.discord!);
  await adapter.start();
  await gateway.whenIdentified();
  gateway.dispatch('GUILD_CREATE', {
    id: IDS.guild,
    name: 'Papers',
    unavailable: false,
    roles: [],
    emojis: [],
    stickers: [],
    features: [],
    members: [],
    presences: [],
    voice_states: [],
    channels: [{ id: IDS.channel, type: 0, name: 'papers', guild_id: IDS.guild, position: 0, permission_overwrites: [] }],
    threads: [THREAD, ENROLLED_THREAD].map((id) => ({ id, type: 11, name: 'Two', guild_id: IDS.guild, parent_id: IDS.channel, thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2025-03-12T09:00:00.000Z', locked: false } })),
  });
});

afterAll(async () => {
  await adapter?.stop();
  await gateway.stop();
  await api.stop();
  ctx?.close();
  testDb?.cleanup();
});

describe('Discord reactions (gateway mode)', () => {
  it('asks for the GuildMessageReactions intent besides Guilds', () => {
    expect(gateway.identifies[0]!.intents).toBe(1 | (1 << 10));
  });

  it('counts 👍 on a message that shows one paper, and removing it takes the vote back', async () => {
    react('MESSAGE_REACTION_ADD', '900000000000000501', SINGLE, '👍');
    await until(() => ctx.votes.voteOf(target, '2503.00001', '900000000000000501'));
    expect(ctx.votes.forChannel(target)[0]).toMatchObject({ paperId: '2503.00001', value: 1, source: 'reaction' });
    react('MESSAGE_REACTION_REMOVE', '900000000000000501', SINGLE, '👍');
    await until(() => (ctx.votes.voteOf(target, '2503.00001', '900000000000000501') === undefined ? true : undefined));
  });

  it('counts 👎 in a thread for its parent channel, saves with 🔖, and ignores a digest message of several papers', async () => {
    react('MESSAGE_REACTION_ADD', '900000000000000502', IN_THREAD, '👎🏽', THREAD);
    await until(() => ctx.votes.voteOf(target, '2503.00002', '900000000000000502'));
    expect(ctx.votes.voteOf(target, '2503.00002', '900000000000000502')).toBe(-1);
    react('MESSAGE_REACTION_ADD', '900000000000000503', DIGEST, '👍');
    react('MESSAGE_REACTION_ADD', '900000000000000503', SINGLE, '🔖');
    // 🔖 saves to the person's one reading list (the one /papers saved and the 🔖 button use), not a per-server one.
    await until(() => (ctx.saved.has({ platform: 'discord', workspaceId: '@me', userId: '900000000000000503' }, '2503.00001') ? true : undefined));
    expect(ctx.saved.has({ platform: 'discord', workspaceId: IDS.guild, userId: '900000000000000503' }, '2503.00001')).toBe(false);
    expect(ctx.votes.forChannel(target).filter((v) => v.userId === '900000000000000503')).toEqual([]);
  });

  it('counts 👍 in a thread enrolled as a channel for that thread, and ignores a digest that was never sent', async () => {
    react('MESSAGE_REACTION_ADD', '900000000000000504', PENDING, '👍');
    react('MESSAGE_REACTION_ADD', '900000000000000504', IN_ENROLLED_THREAD, '👍', ENROLLED_THREAD);
    const thread = { ...target, channelId: ENROLLED_THREAD };
    await until(() => ctx.votes.voteOf(thread, '2503.00005', '900000000000000504'));
    expect(ctx.votes.voteOf(target, '2503.00005', '900000000000000504')).toBeUndefined();
    expect(ctx.votes.voteOf(target, '2503.00006', '900000000000000504')).toBeUndefined();
  });

  it('counts a 👍 button clicked over the gateway in an enrolled thread for that thread, at the message it is on', async () => {
    const voter = '900000000000000505';
    const interaction = buttonInteraction('papers:vote:up:p:2503.00005', { userId: voter, channelId: ENROLLED_THREAD, message: { id: IN_ENROLLED_THREAD } });
    interaction.channel = { ...(interaction.channel as object), type: 11, parent_id: IDS.channel };
    gateway.dispatch('INTERACTION_CREATE', interaction);
    const answer = await api.waitFor('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback`));
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64, content: expect.stringContaining('👍 Counted: more like "Five".') } });
    expect(ctx.votes.voteOf({ ...target, channelId: ENROLLED_THREAD }, '2503.00005', voter)).toBe(1);
  });
});
