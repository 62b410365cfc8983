import { createPapersWork } from '../../src/app/papers-work.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, SCHEDULER_IDS, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { sweepOutbox } from '../../jobs/maintenance.ts';

const prefix = uniquePrefix('jobs-delivery');
const { ctx, cleanup } = jobsContext('jobs-delivery', prefix);
const discord = new FakeDiscordApi({ botToken: 'test-token' });
let slack: FakeSlackApi;
let jobs: Jobs;
const today = feedDayAt(new Date());
const papers = seedDay(ctx, today, samplePapers());

const slackPosts = (channel: Channel) => slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.channelId);
/** Messages as Slack holds them (conversations.history over the wire). */
async function slackHistory(channel: Channel): Promise<{ ts: string; metadata?: { event_payload: { delivery_id: string } } }[]> {
  const res = await fetch(`${slack.apiUrl}conversations.history`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${slack.botToken}` },
    body: new URLSearchParams({ channel: channel.channelId, include_all_metadata: 'true' }),
  });
  return ((await res.json()) as { messages: never[] }).messages;
}
const posts = (channel: Channel) => discord.callsTo('POST', new RegExp(`^/channels/${channel.channelId}/messages$`));
const embedTitles = (body: { embeds?: { title?: string }[] }) => (body.embeds ?? []).map((e) => e.title ?? '').join('\n');
const sentDelivery = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  jobs = await openJobs({
    work: createPapersWork(ctx),
    redisUrl: TEST_REDIS_URL,
    prefix,
    ingestCron: '0 0 1 1 *',
    tuning: FAST_TUNING,
    // Every second, in the channel's zone: the real cron path, without waiting for 09:00.
    repeatFor: (channel) => ({ pattern: '* * * * * *', tz: channel.schedule.timeZone }),
  });
  const commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const slackAdapter = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false });
  await jobs.startWorkers({
    platforms: {
      slack: slackAdapter.chat,
      discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }),
    },
  });
});

afterAll(async () => {
  await jobs?.close();
  await discord.stop();
  await slack.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('scheduled digests', () => {
  let onSlack: Channel;
  let onDiscord: Channel;

  it('fires the schedules and posts each channel on each platform its digest, topics filtering', async () => {
    onSlack = enrolChannel(ctx, 'slack');
    onDiscord = enrolChannel(ctx, 'discord', { topics: ['diffusion'] });
    await jobs.startSchedulers();
    expect((await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(onSlack.id)))?.tz).toBe('Europe/Berlin');

    const sentSlack = await waitFor('digest of the Slack channel', sentDelivery(onSlack));
    const sentDiscord = await waitFor('digest of the Discord channel', sentDelivery(onDiscord));

    expect(sentSlack.paperIds).toEqual(papers.map((p) => p.id));
    expect(sentDiscord.paperIds).toEqual([papers[0]!.id, papers[2]!.id]);
    expect(slackPosts(onSlack)).toHaveLength(1);
    expect(slackPosts(onSlack)[0]!.body.metadata).toMatchObject({ event_payload: { delivery_id: sentSlack.id } });
    expect(sentSlack.platformMessageIds).toEqual([(await slackHistory(onSlack))[0]!.ts]);
    expect(posts(onDiscord)).toHaveLength(1);
    const discordText = embedTitles(posts(onDiscord)[0]!.body);
    expect(discordText).toContain('Diffusion transformers at scale');
    expect(discordText).toContain('Latent diffusion for audio');
    expect(discordText).not.toContain('Sparse attention kernels');
    expect(posts(onDiscord)[0]!.body).toMatchObject({ nonce: sentDiscord.id, enforce_nonce: true });
    expect(sentDiscord.platformMessageIds).toHaveLength(1);
  });

  it('posts nothing new when the digest runs again, by hand or by schedule', async () => {
    const outcomes = await jobs.digestOutcomes(await jobs.enqueueDigests([onSlack.id, onDiscord.id]));
    expect(outcomes).toEqual([
      expect.objectContaining({ outcome: 'exists', status: 'sent' }),
      expect.objectContaining({ outcome: 'exists', status: 'sent' }),
    ]);
    // Let the every-second schedule fire again too.
    const completedBefore = await jobs.queues.digest.getCompletedCount();
    await waitFor('another scheduled run', async () => (await jobs.queues.digest.getCompletedCount()) >= completedBefore + 2);
    expect(await slackHistory(onSlack)).toHaveLength(1);
    expect(posts(onDiscord)).toHaveLength(1);
    expect(ctx.deliveries.countByStatus(onSlack.id)).toMatchObject({ sent: 1, pending: 0, sending: 0 });
  });
});

describe('empty digests', () => {
  it('records a skipped day without posting when the channel asked to skip empty digests', async () => {
    const channel = enrolChannel(ctx, 'slack', { topics: ['holography'], emptyBehaviour: 'skip' });
    const [outcome] = await jobs.digestOutcomes(await jobs.enqueueDigests([channel.id]));
    expect(outcome).toMatchObject({ outcome: 'created', status: 'skipped', papers: 0 });
    expect(ctx.deliveries.forChannel(channel.id)[0]).toMatchObject({ status: 'skipped', feedDay: today, paperIds: [] });
    expect(ctx.channels.get(channel.id)!.lastDigestDay).toBe(today);
    expect(slackPosts(channel)).toHaveLength(0);
  });

  it('posts a short notice when the channel asked to hear about empty days', async () => {
    const channel = enrolChannel(ctx, 'slack', { topics: ['holography'], emptyBehaviour: 'notice' });
    await jobs.enqueueDigests([channel.id]);
    const sent = await waitFor('the notice delivery', sentDelivery(channel));
    expect(sent.paperIds).toEqual([]);
    expect(sent.view?.notice).toMatch(/No new papers matched/);
    expect(slackPosts(channel)).toHaveLength(1);
    expect(JSON.stringify(slackPosts(channel)[0]!.body)).toContain('No new papers matched');
  });
});

describe('platform trouble', () => {
  it('retries after an ambiguous failure, looking for the earlier post before posting once', async () => {
    const channel = enrolChannel(ctx, 'slack');
    slack.failNext('chat.postMessage', { status: 500 });
    await jobs.enqueueDigests([channel.id]);
    const sent = await waitFor('delivery after the 500', sentDelivery(channel));
    expect(sent.attempts).toBe(2);
    expect(slack.callsTo('conversations.history').filter((c) => c.body.channel === channel.channelId)).toHaveLength(1);
    expect((await slackHistory(channel)).map((m) => m.ts)).toEqual(sent.platformMessageIds);
  });


  it('waits out a 429 retry-after and then delivers once, without spending an attempt', async () => {
    const channel = enrolChannel(ctx, 'discord');
    const path = new RegExp(`^/channels/${channel.channelId}/messages$`);
    discord.rateLimitNext('POST', path, 0.4);
    const [jobId] = await jobs.enqueueDigests([channel.id]);
    await jobs.digestOutcomes([jobId!]);
    await discord.waitFor('POST', path);
    const limitedAt = Date.now();
    const sent = await waitFor('delivery after the 429', sentDelivery(channel));
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(350);
    expect(posts(channel)).toHaveLength(2);
    expect(posts(channel)[1]!.body.nonce).toBe(sent.id);
    const job = await jobs.queues.deliver('discord').getJob(sent.id);
    // Started twice, but only the successful run counts as an attempt: the 429 spent none.
    expect(job?.attemptsStarted).toBe(2);
    expect(job?.attemptsMade).toBe(1);
    expect(sent.platformMessageIds).toHaveLength(1);
  });

  it('waits out a Slack 429 retry-after and then posts exactly one message', async () => {
    const channel = enrolChannel(ctx, 'slack');
    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await jobs.digestOutcomes(await jobs.enqueueDigests([channel.id]));
    await slack.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.body.channel === channel.channelId));
    const limitedAt = Date.now();
    const sent = await waitFor('delivery after the 429', sentDelivery(channel));
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(900);
    expect(slackPosts(channel)).toHaveLength(2);
    expect((await slackHistory(channel)).map((m) => m.ts)).toEqual(sent.platformMessageIds);
  });

  it('pauses a Slack channel the bot was removed from', async () => {
    const channel = enrolChannel(ctx, 'slack');
    slack.failNext('chat.postMessage', { error: 'not_in_channel' });
    await jobs.digestOutcomes(await jobs.enqueueDigests([channel.id]));
    await waitFor('channel marked failing', () => ctx.channels.get(channel.id)!.health === 'failing');
    expect(ctx.channels.get(channel.id)).toMatchObject({ paused: true, healthReason: 'not_in_channel' });
    expect(ctx.deliveries.forChannel(channel.id)[0]).toMatchObject({ status: 'failed', lastError: 'not_in_channel' });
  });

  it('marks a channel failing, unschedules it and tells it, when the platform refuses for good', async () => {
    const channel = enrolChannel(ctx, 'discord');
    const path = new RegExp(`^/channels/${channel.channelId}/messages$`);
    discord.errorNext('POST', path, 403, 50013, 'Missing Permissions');
    await jobs.scheduleSync.channelChanged(channel);
    expect(await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))).toBeDefined();

    await waitFor('channel marked failing', () => ctx.channels.get(channel.id)!.health === 'failing');
    const stored = ctx.channels.get(channel.id)!;
    expect(stored).toMatchObject({ paused: true, health: 'failing', healthReason: '50013' });
    expect(ctx.deliveries.forChannel(channel.id)[0]).toMatchObject({ status: 'failed', lastError: '50013' });
    await waitFor('scheduler removed', async () => (await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))) === undefined);
    const notice = await waitFor('notice attempt', () => posts(channel)[1]);
    expect(notice.body.content).toMatch(/paused.*\/papers resume/);

    ctx.channels.resume(channel.id);
    await jobs.scheduleSync.channelChanged(ctx.channels.get(channel.id)!);
    expect(await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))).toBeDefined();
  });

  it('delivers an outbox row whose digest job died before enqueueing it, once, through the sweep', async () => {
    const channel = enrolChannel(ctx, 'discord');
    const plan = await ctx.planner.plan(channel, new Date());
    expect(plan.picks.length).toBeGreaterThan(0);
    const { delivery } = ctx.deliveries.createDigest({
      channelId: channel.id,
      feedDay: plan.feedDay,
      picks: plan.picks.map((p) => ({ paperId: p.paper.id })),
      view: plan.view,
      status: 'pending',
    });
    const swept = await sweepOutbox({ work: createPapersWork(ctx), queues: jobs.queues }, 0);
    expect(swept).toBeGreaterThanOrEqual(1);
    await sweepOutbox({ work: createPapersWork(ctx), queues: jobs.queues }, 0);
    await waitFor('the swept delivery', () => ctx.deliveries.get(delivery.id)?.status === 'sent');
    await waitFor('the deliver queue to drain', async () => {
      const counts = await jobs.queues.deliver('discord').getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).every((n) => n === 0);
    });
    expect(posts(channel)).toHaveLength(1);
  });
});
