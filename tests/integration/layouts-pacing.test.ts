import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { makePaper } from '../helpers/papers.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('layouts-pacing');
const { ctx, cleanup } = jobsContext('layouts-pacing', prefix);
let slack: FakeSlackApi;
let jobs: Jobs;

beforeAll(async () => {
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
  const commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const chat = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false }).chat;
  await jobs.startWorkers({ platforms: { slack: chat } });
});

afterAll(async () => {
  await jobs?.close();
  await slack?.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('pacing a channel whose digests are threads', () => {
  it('keeps every post of two thread digests to one Slack channel a second apart, the second waiting for the whole first thread', async () => {
    const today = feedDayAt(new Date());
    const days = [addDays(today, -1), today];
    const channel = ctx.channels.update(enrolChannel(ctx, 'slack').id, { layout: 'thread' });
    const ids: string[] = [];
    for (const day of days) {
      seedDay(ctx, day, [makePaper({ title: `First of ${day}` }), makePaper({ title: `Second of ${day}` })]);
      const plan = await ctx.planner.plan(channel, new Date(), { feedDay: day });
      ids.push(ctx.deliveries.createDigest({ channelId: channel.id, feedDay: day, picks: plan.picks.map((p) => ({ paperId: p.paper.id })), view: plan.view, status: 'pending' }).delivery.id);
    }
    for (const id of ids) await jobs.queues.enqueueDelivery('slack', id);

    await waitFor('both threads sent', () => ids.every((id) => ctx.deliveries.get(id)?.status === 'sent'), 20_000);
    const at = slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.channelId).map((c) => c.at!);
    expect(at).toHaveLength(6);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1_000);
  }, 30_000);
});
