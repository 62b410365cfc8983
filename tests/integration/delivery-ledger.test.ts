import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import type { Deliverer } from '../../src/app/deliverer.ts';
import type { ChatPlatform } from '../../src/core/ports.ts';
import type { Channel, DigestLayout, Platform } from '../../src/core/types.ts';
import type { DigestView } from '../../src/core/views.ts';
import { RateLimitError, TransientPlatformError } from '../../src/errors.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { jobsContext, samplePapers, seedDay } from './jobs-harness.ts';

const { ctx, cleanup } = jobsContext('delivery-ledger', uniquePrefix('delivery-ledger'));
const discord = new FakeDiscordApi({ botToken: 'test-token' });
let slack: FakeSlackApi;
let discordChat: ChatPlatform;
let slackChat: ChatPlatform;
let deliverer: Deliverer;
const FEED_DAY = '2025-03-12';
const papers = seedDay(ctx, FEED_DAY, samplePapers()).slice(0, 3);
const GUILD = '800000000000000001';

let seq = 0;
function enrol(platform: Platform, layout: DigestLayout = 'digest', kind: 'channel' | 'person' = 'channel'): Channel {
  seq += 1;
  const channelId = kind === 'person' ? `ULEDGER${seq}` : platform === 'discord' ? String(930_000_000_000_000_000n + BigInt(seq)) : `CLEDGER${seq}`;
  const { channel } = ctx.channels.enrol(
    { platform, workspaceId: platform === 'discord' ? GUILD : 'T0001', channelId, kind },
    { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'Europe/Berlin' },
    platform === 'discord' ? '700000000000000077' : 'U0OWNER',
  );
  return ctx.channels.update(channel.id, { layout });
}

/** The channel's digest of the three papers, in its layout, written to the outbox. */
function digestFor(channel: Channel): string {
  const view: DigestView = { feedDay: FEED_DAY, papers: papers.map((p) => toPaperView(p)), layout: channel.layout };
  return ctx.deliveries.createDigest({ channelId: channel.id, feedDay: FEED_DAY, picks: papers.map((p) => ({ paperId: p.id })), view, status: 'pending' }).delivery.id;
}

/** One attempt of the deliver job at `deliveryId`, as the queue makes it (not its last one). */
async function attempt(chat: ChatPlatform, deliveryId: string) {
  const opened = await deliverer.open(deliveryId);
  if ('done' in opened) return opened.done;
  return deliverer.attempt(chat, opened.delivery, opened.target, { isLastAttempt: false, attempts: 4 });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const idOf = (m: Record<string, unknown>) => String(m.id);

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  discordChat = createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() });
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  slackChat = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false }).chat;
  const work = createPapersWork(ctx);
  deliverer = work.deliverer(work.channelService({ channelChanged: async () => {} }));
});

afterAll(async () => {
  await discord.stop();
  await slack?.close();
  cleanup();
});

describe('a retry long after Discord forgot its nonces', () => {
  it('posts a thread layout header and every reply exactly once: the ledger kept each accepted part', async () => {
    const channel = enrol('discord', 'thread');
    const id = digestFor(channel);
    // Header and first reply accepted; the second reply fails ambiguously.
    discord.errorNext('POST', /^\/channels\/\d+\/messages$/, 500, 0, 'Internal Server Error', 2);
    expect(await rejection(attempt(discordChat, id))).toBeInstanceOf(TransientPlatformError);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sending', platformMessageIds: [idOf(discord.messagesIn(channel.channelId)[0]!), expect.any(String)] });

    discord.forgetNonces();
    expect(await attempt(discordChat, id)).toMatchObject({ outcome: 'sent' });

    const [header, ...more] = discord.messagesIn(channel.channelId);
    expect(more).toHaveLength(0);
    expect(discord.threadsOf(channel.channelId).map((t) => t.id)).toEqual([idOf(header!)]);
    const replies = discord.messagesIn(idOf(header!));
    expect(replies.map((r) => (r.embeds as { url: string }[])[0]!.url)).toEqual(papers.map((p) => toPaperView(p).url));
    const sent = ctx.deliveries.get(id)!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(sent.platformMessageIds).toEqual([idOf(header!), ...replies.map(idOf)]);
    expect(ctx.deliveries.paperMessage(channel.id, papers[2]!.id)).toMatchObject({ messageId: idOf(replies[2]!), threadId: idOf(header!) });
  });

  it('posts each paper of a papers layout once when a 429 stopped it midway and the retry comes after the nonces expired', async () => {
    const channel = enrol('discord', 'papers');
    const id = digestFor(channel);
    discord.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 0.01, false, 1);
    expect(await rejection(attempt(discordChat, id))).toBeInstanceOf(RateLimitError);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'pending', platformMessageIds: [idOf(discord.messagesIn(channel.channelId)[0]!)] });

    discord.forgetNonces();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await attempt(discordChat, id)).toMatchObject({ outcome: 'sent' });
    const posts = discord.messagesIn(channel.channelId);
    expect(posts.map((m) => (m.embeds as { url: string }[])[0]!.url)).toEqual(papers.map((p) => toPaperView(p).url));
    expect(discord.threadsOf(channel.channelId).map((t) => t.id)).toEqual(posts.map(idOf));
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sent', attempts: 2, platformMessageIds: posts.map(idOf) });
  });
});

describe('a Discord message accepted before its thread could be started', () => {
  it('is recorded at once, so a retry after a 429 on the thread start posts it no second time', async () => {
    const channel = enrol('discord', 'papers');
    const id = digestFor(channel);
    discord.rateLimitNext('POST', /^\/channels\/\d+\/messages\/\d+\/threads$/, 0.01);
    expect(await rejection(attempt(discordChat, id))).toBeInstanceOf(RateLimitError);
    const [first] = discord.messagesIn(channel.channelId);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'pending', platformMessageIds: [idOf(first!)] });

    discord.forgetNonces();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await attempt(discordChat, id)).toMatchObject({ outcome: 'sent' });
    const posts = discord.messagesIn(channel.channelId);
    expect(posts).toHaveLength(papers.length);
    expect(discord.threadsOf(channel.channelId).map((t) => t.id)).toEqual(posts.map(idOf));
    expect(ctx.deliveries.paperMessage(channel.id, papers[0]!.id)).toMatchObject({ messageId: idOf(first!), threadId: idOf(first!) });
  });
});

describe('looking up only after an ambiguous ending', () => {
  it('posts a personal alert whose first post met a 429 without reading the DM back, so an install without im:history still gets it', async () => {
    slack.reset();
    const person = enrol('slack', 'digest', 'person');
    const dm = `D${person.channelId.replace(/^U/, '')}`;
    const id = digestFor(person);
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    slack.failNext('conversations.history', { error: 'missing_scope' });
    expect(await rejection(attempt(slackChat, id))).toBeInstanceOf(RateLimitError);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'pending', attempts: 1 });

    expect(await attempt(slackChat, id)).toMatchObject({ outcome: 'sent' });
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sent', lastError: null, platformMessageIds: slack.messagesIn(dm).map((m) => m.ts) });
    expect(slack.messagesIn(dm)).toHaveLength(1);
    expect(slack.callsTo('conversations.history')).toHaveLength(0);
    slack.reset();
  });

  it('looks again after a look-up that met a 429, and finds the post an ambiguous attempt made instead of posting it twice', async () => {
    slack.reset();
    const channel = enrol('slack');
    const id = digestFor(channel);
    slack.failNext('chat.postMessage', { status: 500, afterStore: true });
    expect(await rejection(attempt(slackChat, id))).toBeInstanceOf(TransientPlatformError);
    slack.failNext('conversations.history', { status: 429, retryAfter: 1 });
    expect(await rejection(attempt(slackChat, id))).toBeInstanceOf(RateLimitError);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sending', attempts: 2 });

    expect(await attempt(slackChat, id)).toMatchObject({ outcome: 'found' });
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sent', lastError: null, platformMessageIds: [slack.messagesIn(channel.channelId)[0]!.ts] });
    slack.reset();
  });
});

describe('the last part of a Slack digest', () => {
  it('is written with the sent mark; when that write fails, it is recorded after all and the retry finds the post instead of posting it twice', async () => {
    slack.reset();
    const channel = enrol('slack');
    const id = digestFor(channel);
    ctx.db.sqlite.exec("CREATE TEMP TRIGGER failing_sent BEFORE UPDATE ON deliveries WHEN NEW.status = 'sent' BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    try {
      expect(String(await rejection(attempt(slackChat, id)))).toMatch(/disk full/);
    } finally {
      ctx.db.sqlite.exec('DROP TRIGGER failing_sent');
    }
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sending', platformMessageIds: [slack.messagesIn(channel.channelId)[0]!.ts] });

    expect(await attempt(slackChat, id)).toMatchObject({ outcome: 'found' });
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    expect(ctx.deliveries.get(id)).toMatchObject({ status: 'sent', platformMessageIds: [slack.messagesIn(channel.channelId)[0]!.ts] });
    slack.reset();
  });
});

describe('a Discord thread layout in a channel that is itself a thread', () => {
  it('posts the header once and the papers after it in the channel, since no thread can be started there', async () => {
    const parent = String(940_000_000_000_000_001n);
    const channel = enrol('discord', 'thread');
    discord.addThread(channel.channelId, parent);
    const id = digestFor(channel);
    expect(await attempt(discordChat, id)).toMatchObject({ outcome: 'sent' });
    expect(discord.messagesIn(channel.channelId)).toHaveLength(1 + papers.length);
    expect(ctx.deliveries.get(id)!.status).toBe('sent');
    expect(ctx.channels.get(channel.id)!.health).toBe('ok');
    expect(await attempt(discordChat, id)).toMatchObject({ outcome: 'already' });
    expect(discord.messagesIn(channel.channelId)).toHaveLength(1 + papers.length);
  });
});
