import { createPapersWork } from '../../src/app/papers-work.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel, Platform } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, SCHEDULER_IDS, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('jobs-failures');
const { ctx, cleanup } = jobsContext('jobs-failures', prefix);
const discord = new FakeDiscordApi({ botToken: 'test-token' });
let slack: FakeSlackApi;
let jobs: Jobs;
let commands: PapersApp;
const today = feedDayAt(new Date());
const papers = seedDay(ctx, today, samplePapers());
const OWNER = { slack: 'U0OWNER', discord: '700000000000000077' };

let seq = 0;
/** Enrols a channel the way a person does, through /papers schedule, so the bot knows who to tell. */
async function enrolByCommand(platform: Platform): Promise<Channel> {
  seq += 1;
  const channelId = platform === 'slack' ? `CFAIL${seq}` : String(910_000_000_000_000_000n + BigInt(seq));
  const workspaceId = platform === 'slack' ? 'T0001' : '800000000000000001';
  const reply = await commands.command({ platform, workspaceId, channelId, userId: OWNER[platform as keyof typeof OWNER], name: 'schedule', text: '09:00 daily Europe/Berlin', canManage: true });
  expect(reply.kind).not.toBe('error');
  const channel = ctx.channels.find({ platform, workspaceId, channelId })!;
  await jobs.enqueueDigests([channel.id]);
  return channel;
}

const slackPosts = (channelId: string) => slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channelId);
const deliveries = (channel: Channel) => ctx.deliveries.forChannel(channel.id, 20);

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  jobs = await openJobs({
    work: createPapersWork(ctx),
    redisUrl: TEST_REDIS_URL,
    prefix,
    ingestCron: '0 0 1 1 *',
    tuning: FAST_TUNING,
    // Schedules that do not fire during the test: every digest here is run by hand, or by /papers resume.
    repeatFor: (channel) => ({ pattern: '0 0 1 1 *', tz: channel.schedule.timeZone }),
  });
  commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const slackAdapter = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false });
  await jobs.startWorkers({
    platforms: { slack: slackAdapter.chat, discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) },
  });
});

afterAll(async () => {
  await jobs?.close();
  await discord.stop();
  await slack.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('a delivery the platform refuses', () => {
  it('gives its papers back, tells the person who set the channel up by DM, and /papers resume posts them at once', async () => {
    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const channel = await enrolByCommand('slack');
    await waitFor('channel marked failing', () => ctx.channels.get(channel.id)!.health === 'failing');
    const [failed] = deliveries(channel);
    expect(failed).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    expect(ctx.deliveries.deliveredAmong(channel.id, papers.map((p) => p.id)).size).toBe(0);
    expect(ctx.channels.get(channel.id)!.lastDigestDay).toBeNull();

    // The notice goes to its owner directly, not to the channel that could not be reached.
    const dm = await slack.waitFor((calls) => calls.find((c) => c.method === 'conversations.open'));
    expect(dm.body.users).toBe(OWNER.slack);
    const [notice] = await waitFor('the DM', () => (slackPosts('D0OWNER').length > 0 ? slackPosts('D0OWNER') : undefined));
    expect(String(notice!.body.text)).toMatch(/paused.*\/papers resume/);
    expect(slackPosts(channel.channelId)).toHaveLength(1);

    const reply = await commands.command({ platform: 'slack', workspaceId: 'T0001', channelId: channel.channelId, userId: OWNER.slack, name: 'resume', text: '', canManage: true });
    expect(reply.kind === 'text' && reply.lines.join(' ')).toMatch(/being posted now/);
    const sent = await waitFor('the papers posted after resume', () => deliveries(channel).find((d) => d.status === 'sent'));
    expect(sent.id).not.toBe(failed!.id);
    expect(sent.feedDay).toBe(today);
    expect(sent.paperIds).toEqual(papers.map((p) => p.id));
    expect(slack.messagesIn(channel.channelId)).toHaveLength(1);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false, lastDigestDay: today });
  });

  it('DMs the Discord member who set the channel up when the bot lost access', async () => {
    const channelId = String(910_000_000_000_000_000n + BigInt(seq + 1));
    discord.errorNext('POST', new RegExp(`^/channels/${channelId}/messages$`), 403, 50001, 'Missing Access');
    const channel = await enrolByCommand('discord');
    expect(channel.channelId).toBe(channelId);
    await waitFor('channel marked failing', () => ctx.channels.get(channel.id)!.health === 'failing');
    const open = await discord.waitFor('POST', /^\/users\/@me\/channels$/);
    expect(open.body).toEqual({ recipient_id: OWNER.discord });
    const dmChannel = discord.dmChannels.get(OWNER.discord)!;
    const dm = await discord.waitFor('POST', new RegExp(`^/channels/${dmChannel}/messages$`));
    expect(dm.body.content).toMatch(/Missing Access|50001/);
    expect(ctx.deliveries.deliveredAmong(channel.id, papers.map((p) => p.id)).size).toBe(0);
  });
});

describe('a look-up after an ambiguous failure', () => {
  it('joins a public channel it posts to without being a member, finds the stored post and marks it sent', async () => {
    const channelId = `CFAIL${seq + 1}`;
    slack.notMemberOf(channelId);
    slack.failNext('chat.postMessage', { status: 500, afterStore: true });
    const channel = await enrolByCommand('slack');
    const sent = await waitFor('the found delivery', () => deliveries(channel).find((d) => d.status === 'sent'));
    expect(slack.callsTo('conversations.join').map((c) => c.body.channel)).toContain(channelId);
    expect(slack.messagesIn(channelId)).toHaveLength(1);
    expect(sent.platformMessageIds).toEqual([slack.messagesIn(channelId)[0]!.ts]);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  });

  it('never pauses the channel nor posts twice when the look-up stays impossible', async () => {
    const channelId = `CFAIL${seq + 1}`;
    slack.notMemberOf(channelId, { canJoin: false });
    slack.failNext('chat.postMessage', { status: 500, afterStore: true });
    const channel = await enrolByCommand('slack');
    const sent = await waitFor('the unconfirmed delivery', () => deliveries(channel).find((d) => d.status === 'sent'));
    expect(sent.lastError).toMatch(/may have posted/);
    expect(slack.messagesIn(channelId)).toHaveLength(1);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
    expect(await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))).toBeDefined();
  });

  it('treats a look-up refused because the channel is gone as a refusal: paused, papers back, never counted as sent', async () => {
    const channelId = `CFAIL${seq + 1}`;
    slack.failNext('chat.postMessage', { status: 500 });
    slack.failNext('conversations.history', { error: 'channel_not_found' });
    const dmsBefore = slackPosts('D0OWNER').length;
    const channel = await enrolByCommand('slack');
    await waitFor('channel marked failing', () => ctx.channels.get(channel.id)!.health === 'failing');
    expect(deliveries(channel)[0]).toMatchObject({ status: 'failed', lastError: 'channel_not_found' });
    expect(ctx.deliveries.deliveredAmong(channel.id, papers.map((p) => p.id)).size).toBe(0);
    expect(slack.messagesIn(channelId)).toHaveLength(0);
    // The owner hears of it too; waiting for that DM also keeps this test's posts out of the next test's scripted failures.
    await waitFor('the DM to the owner', () => slackPosts('D0OWNER').length > dmsBefore);
  });

  it('keeps the papers of a delivery that gave up after ambiguous failures, and the next digest looks, then posts it once', async () => {
    const channelId = `CFAIL${seq + 1}`;
    slack.failNext('chat.postMessage', { status: 500 });
    slack.failNext('conversations.history', { status: 500 }, FAST_TUNING.deliver!.attempts! - 1);
    const channel = await enrolByCommand('slack');
    await waitFor('the delivery to give up', () => deliveries(channel).find((d) => d.status === 'failed'));
    expect(ctx.deliveries.deliveredAmong(channel.id, papers.map((p) => p.id)).size).toBe(papers.length);
    await jobs.enqueueDigests([channel.id]);
    const sent = await waitFor('the delivery, again, from the next digest', () => deliveries(channel).find((d) => d.status === 'sent'), 15_000);
    expect(sent.lastError).toBeNull();
    expect(deliveries(channel)).toHaveLength(1);
    expect(sent.attempts).toBeGreaterThan(FAST_TUNING.deliver!.attempts!);
    expect(slack.messagesIn(channelId)).toHaveLength(1);
    expect(slack.callsTo('conversations.history').filter((c) => c.body.channel === channelId).length).toBeGreaterThanOrEqual(FAST_TUNING.deliver!.attempts!);
    expect(ctx.channels.get(channel.id)).toMatchObject({ health: 'ok', paused: false });
  });
});

describe('a Discord thread that gave up midway', () => {
  it('is finished by the next digest long after Discord forgot its nonces: one header, one thread, each paper once', async () => {
    seq += 1;
    const channelId = String(910_000_000_000_000_000n + BigInt(seq));
    const reply = await commands.command({ platform: 'discord', workspaceId: '800000000000000001', channelId, userId: OWNER.discord, name: 'schedule', text: '09:00 daily Europe/Berlin', canManage: true });
    expect(reply.kind).not.toBe('error');
    const channel = ctx.channels.update(ctx.channels.find({ platform: 'discord', workspaceId: '800000000000000001', channelId })!.id, { layout: 'thread' });
    // Posts in the header's thread: the first reply goes through, then every attempt fails ambiguously on the next one.
    const inThread = new RegExp(`^/channels/(?!${channelId}/)\\d+/messages$`);
    discord.errorNext('POST', inThread, 500, 0, 'Internal Server Error', 1);
    for (let i = 1; i < FAST_TUNING.deliver!.attempts!; i++) discord.errorNext('POST', inThread, 500, 0, 'Internal Server Error');
    await jobs.enqueueDigests([channel.id]);
    const failed = await waitFor('the delivery to give up', () => deliveries(channel).find((d) => d.status === 'failed'));
    expect(failed.platformMessageIds).toHaveLength(2);

    discord.forgetNonces();
    await jobs.enqueueDigests([channel.id]);
    const sent = await waitFor('the thread finished by the next digest', () => deliveries(channel).find((d) => d.status === 'sent'), 15_000);
    const [header, ...more] = discord.messagesIn(channelId);
    expect(more).toHaveLength(0);
    expect(discord.threadsOf(channelId).map((t) => t.id)).toEqual([String(header!.id)]);
    const replies = discord.messagesIn(String(header!.id));
    expect(replies).toHaveLength(papers.length);
    expect(sent.platformMessageIds).toEqual([String(header!.id), ...replies.map((r) => String(r.id))]);
    expect(deliveries(channel)).toHaveLength(1);
  });
});
