import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, SCHEDULER_IDS, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('jobs-delivery');
const { ctx, cleanup } = jobsContext('jobs-delivery', prefix);
const discord = new FakeDiscordApi();
let jobs: Jobs;
const today = feedDayAt(new Date());
const papers = seedDay(ctx, today, samplePapers());

const posts = (channel: Channel) => discord.callsTo('POST', new RegExp(`^/channels/${channel.channelId}/messages$`));
const embedTitles = (body: { embeds?: { title?: string }[] }) => (body.embeds ?? []).map((e) => e.title ?? '').join('\n');
const sentDelivery = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');

beforeAll(async () => {
  await discord.start();
  jobs = await openJobs({
    ctx,
    redisUrl: TEST_REDIS_URL,
    prefix,
    ingestCron: '0 0 1 1 *',
    tuning: FAST_TUNING,
    // Every second, in the channel's zone: the real cron path, without waiting for 09:00.
    repeatFor: (channel) => ({ pattern: '* * * * * *', tz: channel.schedule.timeZone }),
  });
  await jobs.startWorkers({ platforms: { discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) } });
});

afterAll(async () => {
  await jobs?.close();
  await discord.stop();
  await dropPrefix(prefix);
  cleanup();
});

describe('scheduled digests', () => {
  let all: Channel;
  let diffusion: Channel;

  it('fires the schedules and posts each channel its digest, topics filtering', async () => {
    all = enrolChannel(ctx, 'discord');
    diffusion = enrolChannel(ctx, 'discord', { topics: ['diffusion'] });
    await jobs.startSchedulers();
    expect((await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(all.id)))?.tz).toBe('Europe/Berlin');

    const sentAll = await waitFor('digest of the topic-less channel', sentDelivery(all));
    const sentDiffusion = await waitFor('digest of the diffusion channel', sentDelivery(diffusion));

    expect(sentAll.paperIds).toEqual(papers.map((p) => p.id));
    expect(sentDiffusion.paperIds).toEqual([papers[0]!.id, papers[2]!.id]);
    expect(posts(all)).toHaveLength(1);
    expect(posts(diffusion)).toHaveLength(1);
    const diffusionText = embedTitles(posts(diffusion)[0]!.body);
    expect(diffusionText).toContain('Diffusion transformers at scale');
    expect(diffusionText).toContain('Latent diffusion for audio');
    expect(diffusionText).not.toContain('Sparse attention kernels');
    expect(posts(diffusion)[0]!.body).toMatchObject({ nonce: sentDiffusion.id, enforce_nonce: true });
    expect(sentDiffusion.platformMessageIds).toHaveLength(1);
  });

  it('posts nothing new when the digest runs again, by hand or by schedule', async () => {
    const outcomes = await jobs.digestOutcomes(await jobs.enqueueDigestsNow([all.id, diffusion.id]));
    expect(outcomes).toEqual([
      expect.objectContaining({ outcome: 'exists', status: 'sent' }),
      expect.objectContaining({ outcome: 'exists', status: 'sent' }),
    ]);
    // Let the every-second schedule fire again too.
    const completedBefore = await jobs.queues.digest.getCompletedCount();
    await waitFor('another scheduled run', async () => (await jobs.queues.digest.getCompletedCount()) >= completedBefore + 2);
    expect(posts(all)).toHaveLength(1);
    expect(posts(diffusion)).toHaveLength(1);
    expect(ctx.deliveries.countByStatus(all.id)).toMatchObject({ sent: 1, pending: 0, sending: 0 });
  });
});

describe('platform trouble', () => {
  it('waits out a 429 retry-after and then delivers once, without spending an attempt', async () => {
    const channel = enrolChannel(ctx, 'discord');
    const path = new RegExp(`^/channels/${channel.channelId}/messages$`);
    discord.rateLimitNext('POST', path, 0.4);
    const [jobId] = await jobs.enqueueDigestsNow([channel.id]);
    await jobs.digestOutcomes([jobId!]);
    await discord.waitFor('POST', path);
    const limitedAt = Date.now();
    const sent = await waitFor('delivery after the 429', sentDelivery(channel));
    expect(Date.now() - limitedAt).toBeGreaterThanOrEqual(350);
    expect(posts(channel)).toHaveLength(2);
    expect(posts(channel)[1]!.body.nonce).toBe(sent.id);
    const job = await jobs.queues.deliver.discord.getJob(sent.id);
    // Started twice, but only the successful run counts as an attempt: the 429 spent none.
    expect(job?.attemptsStarted).toBe(2);
    expect(job?.attemptsMade).toBe(1);
    expect(sent.platformMessageIds).toHaveLength(1);
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
});
