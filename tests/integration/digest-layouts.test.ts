import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel, DigestLayout } from '../../src/core/types.ts';
import { type Jobs } from '../../jobs/index.ts';
import type { FakeDiscordApi } from '../fakes/discord-api.ts';
import { CHANNEL_TYPE } from '../fakes/discord-api.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { startPlatformWorkers, type PlatformWorkers } from './platform-workers.ts';
import { enrolChannel, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('layouts');
const { ctx, cleanup } = jobsContext('layouts', prefix);
let discord: FakeDiscordApi;
let slack: FakeSlackApi;
let jobs: Jobs;
let workers: PlatformWorkers;
const today = feedDayAt(new Date());
const papers = seedDay(ctx, today, samplePapers());
const titles = papers.map((p) => p.title);

beforeAll(async () => {
  workers = await startPlatformWorkers(ctx, prefix);
  ({ slack, discord, jobs } = workers);
});

afterAll(async () => {
  await workers?.close();
  cleanup();
});

function withLayout(platform: 'slack' | 'discord', layout: DigestLayout, topics: string[] = []): Channel {
  const channel = enrolChannel(ctx, platform, { topics });
  return ctx.channels.update(channel.id, { layout });
}

async function deliver(channel: Channel) {
  await jobs.enqueueDigests([channel.id]);
  return waitFor(`the ${channel.layout} digest of ${channel.channelId}`, () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
}

const payload = (m: { metadata?: { event_payload: Record<string, unknown> } }) => m.metadata?.event_payload ?? {};
const embedTitle = (m: Record<string, unknown>) => ((m.embeds as { title?: string }[] | undefined) ?? []).map((e) => e.title ?? '').join('\n');

describe('Slack layouts', () => {
  it('posts a thread layout as one header in the channel and one reply per paper under it, a second apart', async () => {
    const channel = withLayout('slack', 'thread');
    const sent = await deliver(channel);
    expect(sent.view?.layout).toBe('thread');

    const [header, ...rest] = slack.messagesIn(channel.channelId);
    expect(rest).toHaveLength(0);
    expect(header!.text).toContain(`Trending papers · ${today}`);
    expect(header!.text).toContain('5 papers');
    expect(header!.text).toContain(titles[0]);
    expect(payload(header!)).toMatchObject({ delivery_id: sent.id, part: 1, parts: 6, layout: 'thread' });

    const replies = slack.repliesTo(channel.channelId, header!.ts);
    expect(replies.map((r) => r.text)).toEqual(titles);
    expect(replies.map((r) => payload(r))).toEqual(papers.map((p, i) => ({ delivery_id: sent.id, part: i + 2, parts: 6, layout: 'thread', paper_id: p.id })));
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.channelId);
    expect(posts.map((c) => c.body.thread_ts)).toEqual([undefined, ...papers.map(() => header!.ts)]);
    const gaps = posts.slice(1).map((c, i) => c.at! - posts[i]!.at!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);

    expect(sent.platformMessageIds).toEqual([header!.ts, ...replies.map((r) => r.ts)]);
    for (const [i, p] of papers.entries()) {
      expect(ctx.deliveries.paperMessage(channel.id, p.id)).toMatchObject({ messageId: replies[i]!.ts, threadId: header!.ts });
      expect(ctx.postedPapers.papersAt({ platform: 'slack', workspaceId: channel.workspaceId, channelId: channel.channelId }, replies[i]!.ts)).toEqual([p.id]);
    }
  }, 30_000);

  it('resumes a thread cut short by a 429 with only the missing replies, under the header the ledger recorded (nothing looked up)', async () => {
    const channel = withLayout('slack', 'thread');
    slack.failNext('chat.postMessage', { pass: true }, 2);
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const sent = await deliver(channel);
    const [header] = slack.messagesIn(channel.channelId);
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    const replies = slack.repliesTo(channel.channelId, header!.ts);
    expect(replies.map((r) => r.metadata?.event_payload.part)).toEqual([2, 3, 4, 5, 6]);
    expect(slack.callsTo('conversations.replies').filter((c) => c.body.channel === channel.channelId)).toHaveLength(0);
    expect(slack.callsTo('conversations.history').filter((c) => c.body.channel === channel.channelId)).toHaveLength(0);
    expect(sent.platformMessageIds).toEqual([header!.ts, ...replies.map((r) => r.ts)]);
  }, 30_000);

  it('posts a papers layout as one message per paper in the channel, each its own thread', async () => {
    const channel = withLayout('slack', 'papers', ['diffusion']);
    const sent = await deliver(channel);
    const messages = slack.messagesIn(channel.channelId);
    expect(messages.map((m) => m.text)).toEqual([titles[0], titles[2]]);
    expect(messages.map((m) => payload(m).paper_id)).toEqual([papers[0]!.id, papers[2]!.id]);
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.channelId).every((c) => c.body.thread_ts === undefined)).toBe(true);
    expect(ctx.deliveries.paperMessage(channel.id, papers[2]!.id)).toMatchObject({ deliveryId: sent.id, messageId: messages[1]!.ts, threadId: messages[1]!.ts });
  }, 30_000);

  it('records for a digest layout the message that shows each paper', async () => {
    const channel = withLayout('slack', 'digest');
    const sent = await deliver(channel);
    expect(sent.view?.layout).toBeUndefined();
    const [message] = slack.messagesIn(channel.channelId);
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    expect(payload(message!)).toEqual({ delivery_id: sent.id, part: 1, parts: 1 });
    expect(ctx.deliveries.paperMessage(channel.id, papers[4]!.id)).toMatchObject({ messageId: message!.ts, threadId: message!.ts });
  }, 30_000);
});

describe('Discord layouts', () => {
  it('posts a thread layout as a header whose thread holds one message per paper', async () => {
    const channel = withLayout('discord', 'thread');
    const sent = await deliver(channel);
    const [header, ...rest] = discord.messagesIn(channel.channelId);
    expect(rest).toHaveLength(0);
    expect(String(header!.content)).toContain(`Trending papers · ${today}`);
    const [thread] = discord.threadsOf(channel.channelId);
    expect(thread).toMatchObject({ id: header!.id, type: CHANNEL_TYPE.publicThread, name: `Trending papers · ${today}` });
    const replies = discord.messagesIn(thread!.id);
    expect(replies.map(embedTitle)).toEqual(titles.map((t, i) => `${i + 1}. ${t}`));
    expect(discord.callsTo('POST', new RegExp(`^/channels/${thread!.id}/messages$`)).map((c) => c.body.nonce)).toEqual(papers.map((_, i) => `${sent.id}.${i + 1}`));
    expect(sent.platformMessageIds).toEqual([header!.id, ...replies.map((r) => r.id)]);
    expect(ctx.deliveries.paperMessage(channel.id, papers[1]!.id)).toMatchObject({ messageId: replies[1]!.id, threadId: thread!.id });
  }, 30_000);

  it('posts a papers layout in a text channel as one message per paper, each opening its own thread', async () => {
    const channel = withLayout('discord', 'papers', ['diffusion']);
    await deliver(channel);
    const messages = discord.messagesIn(channel.channelId);
    expect(messages.map(embedTitle)).toEqual([`1. ${titles[0]}`, `2. ${titles[2]}`]);
    expect(discord.threadsOf(channel.channelId).map((t) => [t.id, t.name])).toEqual(messages.map((m, i) => [m.id, [titles[0], titles[2]][i]]));
    expect(ctx.deliveries.paperMessage(channel.id, papers[0]!.id)).toMatchObject({ messageId: messages[0]!.id, threadId: messages[0]!.id });
  }, 30_000);

  it('keeps a papers message Discord accepted when it refuses to start its thread (Missing Permissions): posted without a thread, the channel not paused', async () => {
    const channel = withLayout('discord', 'papers', ['diffusion']);
    discord.errorNext('POST', new RegExp(`^/channels/${channel.channelId}/messages/\\d+/threads$`), 403, 50013, 'Missing Permissions');
    const sent = await deliver(channel);
    const messages = discord.messagesIn(channel.channelId);
    expect(messages.map(embedTitle)).toEqual([`1. ${titles[0]}`, `2. ${titles[2]}`]);
    expect(discord.callsTo('POST', new RegExp(`^/channels/${channel.channelId}/messages$`))).toHaveLength(2);
    expect(discord.threadsOf(channel.channelId).map((t) => t.id)).toEqual([messages[1]!.id]);
    expect(sent.platformMessageIds).toEqual(messages.map((m) => m.id));
    expect(ctx.deliveries.paperMessage(channel.id, papers[0]!.id)).toMatchObject({ messageId: messages[0]!.id, threadId: null });
    expect(ctx.deliveries.paperMessage(channel.id, papers[2]!.id)).toMatchObject({ messageId: messages[1]!.id, threadId: messages[1]!.id });
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  }, 30_000);

  it('posts a thread layout\'s papers in the channel when Discord refuses to start the header\'s thread', async () => {
    const channel = withLayout('discord', 'thread', ['diffusion']);
    discord.errorNext('POST', new RegExp(`^/channels/${channel.channelId}/messages/\\d+/threads$`), 403, 50013, 'Missing Permissions');
    const sent = await deliver(channel);
    const [header, ...rest] = discord.messagesIn(channel.channelId);
    expect(String(header!.content)).toContain(`Trending papers · ${today}`);
    expect(rest.map(embedTitle)).toEqual([`1. ${titles[0]}`, `2. ${titles[2]}`]);
    expect(discord.threadsOf(channel.channelId)).toEqual([]);
    expect(sent.platformMessageIds).toEqual([header!.id, ...rest.map((m) => m.id)]);
    expect(ctx.deliveries.paperMessage(channel.id, papers[2]!.id)).toMatchObject({ messageId: rest[1]!.id, threadId: null });
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  }, 30_000);

  it('posts one forum post per paper in a forum channel, tagged with its matched topic (tags created once)', async () => {
    const channel = withLayout('discord', 'thread', ['diffusion', 'reinforcement learning from feedback']);
    discord.addForum(channel.channelId, channel.workspaceId);
    const sent = await deliver(channel);
    expect(discord.messagesIn(channel.channelId)).toHaveLength(0);
    const forum = discord.channels.get(channel.channelId)!;
    expect(forum.available_tags!.map((t) => t.name).sort()).toEqual(['diffusion', 'reinforcement…']);
    const tagOf = (name: string) => forum.available_tags!.find((t) => t.name === name)!.id;
    const posts = discord.threadsOf(channel.channelId);
    expect(posts.map((t) => t.name)).toEqual([titles[0], titles[1], titles[2]]);
    expect(posts.map((t) => t.applied_tags)).toEqual([[tagOf('diffusion')], [tagOf('reinforcement…')], [tagOf('diffusion')]]);
    expect(discord.messagesIn(posts[0]!.id).map(embedTitle)).toEqual([`1. ${titles[0]}`]);
    expect(sent.platformMessageIds).toEqual(posts.map((t) => t.id));
    expect(discord.callsTo('PATCH', new RegExp(`^/channels/${channel.channelId}$`))).toHaveLength(1);
    expect(ctx.deliveries.paperMessage(channel.id, papers[1]!.id)).toMatchObject({ messageId: posts[1]!.id, threadId: posts[1]!.id });
  }, 30_000);

  it('posts a digest-layout channel that is a forum as one post per paper (Discord takes no plain messages there)', async () => {
    const channel = withLayout('discord', 'digest', ['diffusion']);
    discord.addForum(channel.channelId, channel.workspaceId);
    const sent = await deliver(channel);
    expect(sent.view?.layout).toBeUndefined();
    expect(discord.callsTo('POST', new RegExp(`^/channels/${channel.channelId}/messages$`))).toHaveLength(0);
    const posts = discord.threadsOf(channel.channelId);
    expect(posts.map((t) => t.name)).toEqual([titles[0], titles[2]]);
    expect(discord.messagesIn(posts[1]!.id).map(embedTitle)).toEqual([`2. ${titles[2]}`]);
    expect(sent.platformMessageIds).toEqual(posts.map((t) => t.id));
    expect(ctx.deliveries.paperMessage(channel.id, papers[2]!.id)).toMatchObject({ messageId: posts[1]!.id, threadId: posts[1]!.id });
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  }, 30_000);

  it('posts an empty day\'s notice in a forum as one post named after the day', async () => {
    const channel = ctx.channels.update(enrolChannel(ctx, 'discord', { topics: ['no paper is about this'], emptyBehaviour: 'notice' }).id, { layout: 'papers' });
    discord.addForum(channel.channelId, channel.workspaceId);
    const sent = await deliver(channel);
    expect(sent.view?.papers).toEqual([]);
    const posts = discord.threadsOf(channel.channelId);
    expect(posts.map((t) => t.name)).toEqual([`Trending papers · ${today}`]);
    expect(String(discord.messagesIn(posts[0]!.id)[0]!.content)).toContain(sent.view!.notice!);
    expect(sent.platformMessageIds).toEqual([posts[0]!.id]);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  }, 30_000);

  it('creates forum tags only while the forum has room for them (20 at most), posting the rest untagged', async () => {
    const channel = withLayout('discord', 'papers', ['diffusion', 'reinforcement', 'attention']);
    discord.addForum(channel.channelId, channel.workspaceId);
    const forum = discord.channels.get(channel.channelId)!;
    forum.available_tags = Array.from({ length: 19 }, (_, i) => ({ id: String(7000 + i), name: `tag ${i}`, moderated: false, emoji_id: null, emoji_name: null }));
    await deliver(channel);
    expect(forum.available_tags.map((t) => t.name)).toEqual([...Array.from({ length: 19 }, (_, i) => `tag ${i}`), 'diffusion']);
    const diffusion = forum.available_tags.at(-1)!.id;
    expect(discord.threadsOf(channel.channelId).map((t) => [t.name, t.applied_tags])).toEqual([
      [titles[0], [diffusion]],
      [titles[1], []],
      [titles[2], [diffusion]],
      [titles[3], []],
    ]);
  }, 30_000);

  it('posts to a forum untagged when the bot may not edit its tags (Missing Permissions), without failing the channel', async () => {
    const channel = withLayout('discord', 'papers', ['diffusion']);
    discord.addForum(channel.channelId, channel.workspaceId);
    discord.errorNext('PATCH', new RegExp(`^/channels/${channel.channelId}$`), 403, 50013, 'Missing Permissions');
    await deliver(channel);
    expect(discord.threadsOf(channel.channelId).map((t) => t.applied_tags)).toEqual([[], []]);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  }, 30_000);
});
