import { createPapersWork } from '../../src/app/papers-work.ts';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, SCHEDULER_IDS, type Jobs, type RepeatRule } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { setLastDigestDay } from '../helpers/last-digest-day.ts';
import { makePaper } from '../helpers/papers.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, seedDay, sleep, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('jobs-catch-up');
const { ctx, cleanup } = jobsContext('jobs-catch-up', prefix);
const discord = new FakeDiscordApi({ botToken: 'test-token' });
const opened: Jobs[] = [];
// A daily digest due a few seconds after the schedulers start, in the channel's zone (a 6-field cron, to the
// second): if the missed run were dropped, the next one would be tomorrow. Set in the test itself, so that a
// slow start of the test file (a loaded machine) cannot push the due time into the past.
let fireAt = DateTime.now().setZone('Europe/Berlin').plus({ seconds: 3 });
const dueSoon: RepeatRule = (channel) => ({ pattern: `${fireAt.second} ${fireAt.minute} ${fireAt.hour} * * *`, tz: channel.schedule.timeZone });

async function open(): Promise<Jobs> {
  const jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING, repeatFor: dueSoon });
  opened.push(jobs);
  return jobs;
}

beforeAll(async () => {
  await discord.start();
});

afterAll(async () => {
  for (const jobs of opened) await jobs.close();
  await discord.stop();
  await dropPrefix(prefix);
  cleanup();
});

describe('a worker that was down when the schedule fired', () => {
  it('catches up once, with the missed days in one digest, when it comes back', async () => {
    const today = feedDayAt(new Date());
    const days = [addDays(today, -2), addDays(today, -1), today];
    for (const [i, day] of days.entries()) seedDay(ctx, day, [makePaper({ title: `Paper of ${day}`, upvotes: 10 + i })]);
    const channel = enrolChannel(ctx, 'discord');
    setLastDigestDay(ctx.db, channel.id, addDays(today, -3));

    // The bot schedules, then goes down before any worker ran, and stays down past the due time.
    fireAt = DateTime.now().setZone('Europe/Berlin').plus({ seconds: 3 });
    const before = await open();
    await before.startSchedulers();
    const scheduled = await before.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id));
    expect(scheduled?.next).toBe(fireAt.set({ millisecond: 0 }).toMillis());
    await before.close();
    await sleep(fireAt.toMillis() - Date.now() + 1_500);

    // It comes back: boot re-syncs the schedules (which must not drop the overdue job) and starts workers.
    const after = await open();
    await after.startSchedulers();
    await after.startWorkers({ platforms: { discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) } });

    const path = new RegExp(`^/channels/${channel.channelId}/messages$`);
    await discord.waitFor('POST', path);
    const sent = await waitFor('the catch-up delivery', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'));
    expect(sent.feedDay).toBe(today);
    expect(sent.paperIds).toHaveLength(3);
    expect(sent.view?.note).toBe(`Catching up on ${days[0]} to ${today}.`);

    // Running it again finds the day done: still one message.
    expect(await after.digestOutcomes(await after.enqueueDigests([channel.id]))).toEqual([expect.objectContaining({ outcome: 'exists' })]);
    expect(discord.callsTo('POST', path)).toHaveLength(1);
    expect(ctx.deliveries.forChannel(channel.id)).toHaveLength(1);
    expect((await after.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id)))?.next).toBeGreaterThan(Date.now() + 3_600_000);
  });
});
