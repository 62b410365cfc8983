import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDigest as discordDigest } from '../../adapters/discord/discord-embeds.ts';
import { renderDigest as slackDigest } from '../../adapters/slack/slack-blocks.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import type { ChatPlatform } from '../../src/core/ports.ts';
import { feedDayAt } from '../../src/core/time.ts';
import { paperLinks, type Channel, type Paper, type Platform } from '../../src/core/types.ts';
import type { DigestView } from '../../src/core/views.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { type Jobs } from '../../jobs/index.ts';
import type { FakeDiscordApi } from '../fakes/discord-api.ts';
import type { FakeSlackApi } from '../fakes/slack-api.ts';
import { makePaper } from '../helpers/papers.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { startPlatformWorkers, type PlatformWorkers } from './platform-workers.ts';
import { enrolChannel, jobsContext, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('follow-up-edits');
const { ctx, cleanup } = jobsContext('follow-up-edits', prefix);
let discord: FakeDiscordApi;
let slack: FakeSlackApi;
let jobs: Jobs;
let workers: PlatformWorkers;
let platforms: Partial<Record<Platform, ChatPlatform>>;
const today = feedDayAt(new Date());
/** The repository whose Code link tips a digest near its split point over it. */
const REPO = 'acme/diffusion';

beforeAll(async () => {
  workers = await startPlatformWorkers(ctx, prefix);
  ({ slack, discord, jobs, platforms } = workers);
});

afterAll(async () => {
  await workers?.close();
  cleanup();
});

const words = (n: number) => 'lorem ipsum dolor sit amet '.repeat(Math.ceil(n / 27) + 1).slice(0, n);

/**
 * Nine papers (upvotes from `top` down) sized by `shape(n)` (title and author name lengths), `n` lowered one
 * at a time until `split` (paper numbers per message) changes once paper `coded` (0-based) gets its Code link.
 */
function nearSplit(top: number, coded: number, shape: (n: number) => { title: number; author: number }, split: (view: DigestView) => number[][]): Paper[] {
  const view = (list: Paper[]): DigestView => ({ feedDay: today, papers: list.map((p) => toPaperView(p)) });
  for (let n = 300; n > 0; n--) {
    const { title, author } = shape(n);
    const papers = Array.from({ length: 9 }, (_, i) => {
      const head = `Near the split ${top} paper ${i + 1}: `;
      return makePaper({ title: head + words(title - head.length), upvotes: top - i, authors: [1, 2, 3].map((k) => `${k} ${words(author)}`), aiSummary: words(300) });
    });
    const before = split(view(papers));
    const after = split(view(papers.map((p, i) => (i === coded ? { ...p, githubRepo: REPO } : p))));
    if (after.length > before.length) return papers;
  }
  throw new Error('no size puts the digest at its split point');
}

const slackSplit = (view: DigestView) => slackDigest(view).map((m) => view.papers.map((p, i) => (JSON.stringify(m.blocks).includes(`<${p.url}|`) ? i + 1 : 0)).filter(Boolean));
const discordSplit = (view: DigestView) => discordDigest(view).map((m) => view.papers.map((p, i) => ((m.embeds ?? []).some((e) => e.url === p.url) ? i + 1 : 0)).filter(Boolean));

async function deliver(platform: Platform, papers: Paper[]): Promise<Channel> {
  const channel = ctx.channels.update(enrolChannel(ctx, platform).id, { topN: 9, layout: 'digest' });
  await jobs.enqueueDigests([channel.id]);
  const sent = await waitFor('the digest', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
  expect(sent.view!.papers.map((p) => p.id)).toEqual(papers.map((p) => p.id));
  return channel;
}

function releaseCode(paper: Paper): void {
  ctx.papers.upsertPage([{ ...paper, githubRepo: REPO, githubStars: 3 }], [{ paperId: paper.id, feedDay: today, rank: 0, upvotes: paper.upvotes }]);
}

describe('a follow-up edit of a digest near its split point', () => {
  it('keeps on Slack exactly the nine papers the one message showed, with the Code link added', async () => {
    const papers = seedDay(ctx, today, nearSplit(500, 8, (n) => ({ title: 300 + n, author: 100 }), slackSplit));
    const channel = await deliver('slack', papers);
    const [message, ...more] = slack.messagesIn(channel.channelId);
    expect(more).toHaveLength(0);
    const shows = () => papers.filter((p) => JSON.stringify(message!.blocks).includes(`<${paperLinks.hf(p.id)}|`)).map((p) => p.id);
    expect(shows()).toEqual(papers.map((p) => p.id));

    releaseCode(papers[8]!);
    const report = await createPapersWork(ctx).followUps(platforms);
    expect(report.posted).toEqual([{ channelId: channel.id, paperId: papers[8]!.id, event: 'code', how: 'edit' }]);
    expect(message!.edited).toBe(true);
    expect(shows()).toEqual(papers.map((p) => p.id));
    expect(JSON.stringify(message!.blocks)).toContain(paperLinks.github(REPO));
    expect(message!.metadata?.event_payload).toMatchObject({ part: 1, parts: 1 });
  }, 30_000);

  it('keeps on Discord exactly the five papers of the first message, in their ranks, with the Code link added', async () => {
    const papers = seedDay(ctx, today, nearSplit(1000, 4, (n) => ({ title: 250, author: n }), discordSplit));
    const channel = await deliver('discord', papers);
    const posted = discord.messagesIn(channel.channelId);
    expect(posted).toHaveLength(2);
    const titles = (m: Record<string, unknown>) => ((m.embeds as { title?: string }[]) ?? []).map((e) => e.title);
    const firstFive = papers.slice(0, 5).map((p, i) => `${i + 1}. ${p.title}`);
    expect(titles(posted[0]!)).toEqual(firstFive);

    releaseCode(papers[4]!);
    const report = await createPapersWork(ctx).followUps(platforms);
    expect(report.posted).toEqual([{ channelId: channel.id, paperId: papers[4]!.id, event: 'code', how: 'edit' }]);
    const edited = discord.messagesIn(channel.channelId)[0]!;
    expect(edited.edited_timestamp).toBeTruthy();
    expect(titles(edited)).toEqual(firstFive);
    expect(JSON.stringify(edited.embeds)).toContain(`[Code](${paperLinks.github(REPO)})`);
    expect(String(edited.content)).toContain(`Trending papers for ${today}`);
    const chars = (edited.embeds as { title?: string; description?: string; fields?: { name: string; value: string }[] }[]).reduce(
      (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((k, f) => k + f.name.length + f.value.length, 0),
      0,
    );
    expect(chars).toBeLessThanOrEqual(6000);
  }, 30_000);
});

describe('follow-ups in direct messages', () => {
  it('edits the personal alert a follower got on Slack, in their direct messages, when its code is released', async () => {
    const [paper] = seedDay(ctx, today, [makePaper({ title: 'Direct diffusion for followers', upvotes: 5 })]);
    const { channel: person } = ctx.channels.enrol(
      { platform: 'slack', workspaceId: 'T0001', channelId: 'U0DM7', kind: 'person' },
      { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'Europe/Berlin' },
    );
    ctx.channels.addTopic(person.id, 'direct diffusion');
    await jobs.enqueueDigests([person.id]);
    const sent = await waitFor('the alert', () => ctx.deliveries.forChannel(person.id).find((d) => d.status === 'sent'), 20_000);
    expect(sent.view!.papers.map((p) => p.id)).toEqual([paper!.id]);
    const [alert] = slack.messagesIn('D0DM7');
    expect(alert).toBeDefined();

    releaseCode(paper!);
    const report = await createPapersWork(ctx).followUps(platforms);
    expect(report.posted).toContainEqual({ channelId: person.id, paperId: paper!.id, event: 'code', how: 'edit' });
    expect(ctx.followUps.get(person.id, paper!.id, 'code')).toMatchObject({ status: 'sent', messageId: alert!.ts });
    expect(alert!.edited).toBe(true);
    expect(JSON.stringify(alert!.blocks)).toContain(paperLinks.github(REPO));
    expect(slack.messagesIn('U0DM7')).toEqual([]);
  }, 30_000);
});

describe('follow-ups in a Discord forum', () => {
  it('edits the paper\'s own post of a digest-layout forum to add its Code link', async () => {
    const [paper] = seedDay(ctx, today, [makePaper({ title: 'Forum posted diffusion', upvotes: 4 })]);
    const channel = enrolChannel(ctx, 'discord', { topics: ['forum posted diffusion'] });
    discord.addForum(channel.channelId, channel.workspaceId);
    await jobs.enqueueDigests([channel.id]);
    await waitFor('the forum digest', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
    const [post] = discord.threadsOf(channel.channelId);
    expect(post!.name).toBe(paper!.title);

    releaseCode(paper!);
    const report = await createPapersWork(ctx).followUps(platforms);
    expect(report.posted).toContainEqual({ channelId: channel.id, paperId: paper!.id, event: 'code', how: 'edit' });
    const [starter] = discord.messagesIn(post!.id);
    expect(starter!.edited_timestamp).toBeTruthy();
    expect(JSON.stringify(starter!.embeds)).toContain(`[Code](${paperLinks.github(REPO)})`);
    expect(String(starter!.content)).toContain(`Trending papers · ${today} · 1 of 1`);
  }, 30_000);
});

describe('follow-ups after a failure a retry may fix', () => {
  async function postedTo(platform: Platform, layout: 'papers' | 'digest', title: string): Promise<{ channel: Channel; paper: Paper }> {
    const [paper] = seedDay(ctx, today, [makePaper({ title, upvotes: 3 })]);
    const channel = ctx.channels.update(enrolChannel(ctx, platform, { topics: [title.toLowerCase()] }).id, { layout });
    await jobs.enqueueDigests([channel.id]);
    await waitFor('the digest', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
    return { channel, paper: paper! };
  }
  const run = () => createPapersWork(ctx).followUps(platforms);

  it('does not reply twice on Slack when the reply was posted but its answer lost: the next run finds it in the thread', async () => {
    const { channel, paper } = await postedTo('slack', 'papers', 'Lost answer reply paper');
    const [message] = slack.messagesIn(channel.channelId);
    releaseCode(paper);
    slack.failNext('chat.postMessage', { status: 500, afterStore: true });
    const first = await run();
    expect(first.failed).toBe(1);
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(slack.repliesTo(channel.channelId, message!.ts)).toHaveLength(1);

    const second = await run();
    const replies = slack.repliesTo(channel.channelId, message!.ts);
    expect(replies.map((r) => r.text)).toEqual([`Code released: ${REPO} (${paperLinks.github(REPO)})`]);
    expect(second.posted).toContainEqual({ channelId: channel.id, paperId: paper.id, event: 'code', how: 'reply' });
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'sent', attempts: 2, messageId: replies[0]!.ts });
    expect(await run()).toMatchObject({ posted: [], failed: 0 });
  }, 30_000);

  it('replies on Discord at the next run when a 500 posted nothing, after looking in the thread', async () => {
    const { channel, paper } = await postedTo('discord', 'papers', 'Server error reply paper');
    const [message] = discord.messagesIn(channel.channelId);
    const thread = String(message!.id);
    releaseCode(paper);
    discord.errorNext('POST', new RegExp(`^/channels/${thread}/messages$`), 500, 0, 'Internal Server Error');
    expect((await run()).failed).toBe(1);
    expect(discord.messagesIn(thread)).toEqual([]);
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'pending' });

    const lookups = discord.callsTo('GET', new RegExp(`^/channels/${thread}/messages$`)).length;
    await run();
    expect(discord.callsTo('GET', new RegExp(`^/channels/${thread}/messages$`))).toHaveLength(lookups + 1);
    expect(discord.messagesIn(thread).map((m) => m.content)).toEqual([`Code released: ${REPO} (${paperLinks.github(REPO)})`]);
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'sent', attempts: 2 });
  }, 30_000);

  it('edits a Slack digest at the next run when the edit failed with a 500, and gives up after five tries', async () => {
    const { channel, paper } = await postedTo('slack', 'digest', 'Edit retried paper');
    const [message] = slack.messagesIn(channel.channelId);
    releaseCode(paper);
    slack.failNext('chat.update', { status: 500 });
    await run();
    expect(message!.edited).toBeFalsy();
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'pending' });
    await run();
    expect(message!.edited).toBe(true);
    expect(ctx.followUps.get(channel.id, paper.id, 'code')).toMatchObject({ status: 'sent', attempts: 2 });

    const other = await postedTo('slack', 'digest', 'Edit never works paper');
    releaseCode(other.paper);
    slack.failNext('chat.update', { status: 500 }, 5);
    for (let i = 0; i < 6; i++) await run();
    expect(ctx.followUps.get(other.channel.id, other.paper.id, 'code')).toMatchObject({ status: 'failed', attempts: 5 });
  }, 30_000);
});

describe('a surge follow-up tried again', () => {
  it('says at the retry the words of its first attempt, though the upvotes rose since', async () => {
    const [paper] = seedDay(ctx, today, [makePaper({ title: 'Surge retried paper', upvotes: 2 })]);
    const channel = ctx.channels.update(enrolChannel(ctx, 'discord', { topics: ['surge retried paper'] }).id, { layout: 'papers' });
    await jobs.enqueueDigests([channel.id]);
    await waitFor('the digest', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
    const thread = String(discord.messagesIn(channel.channelId)[0]!.id);
    const upvotes = (n: number) => ctx.papers.upsertPage([{ ...paper!, upvotes: n }], [{ paperId: paper!.id, feedDay: today, rank: 0, upvotes: n }]);
    upvotes(120);
    discord.errorNext('POST', new RegExp(`^/channels/${thread}/messages$`), 502, 0, 'Bad Gateway');
    await createPapersWork(ctx).followUps(platforms);
    expect(ctx.followUps.get(channel.id, paper!.id, 'surge')).toMatchObject({ status: 'pending', detail: '2->120' });
    upvotes(300);
    await createPapersWork(ctx).followUps(platforms);
    expect(discord.messagesIn(thread).map((m) => m.content)).toEqual(['Upvotes surging: "Surge retried paper" went from ▲ 2 when posted to ▲ 120.']);
    expect(ctx.followUps.get(channel.id, paper!.id, 'surge')).toMatchObject({ status: 'sent', detail: '2->120' });
  }, 30_000);
});
