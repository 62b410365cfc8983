import { createPapersWork } from '../../src/app/papers-work.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandCore, type CommandCore } from '../../src/commands/index.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { createWebhookPlatform } from '../fakes/webhook-platform/webhook-platform.ts';
import { WebhookReceiver } from '../fakes/webhook-platform/webhook-receiver.ts';
import { makePaper } from '../helpers/papers.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { FAST_TUNING, jobsContext, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('third-platform');
const { ctx, cleanup } = jobsContext('third-platform', prefix);
const receiver = new WebhookReceiver('hook-secret');
let jobs: Jobs;
let commands: CommandCore;
const today = feedDayAt(new Date());
const papers = seedDay(ctx, today, Array.from({ length: 7 }, (_, i) => makePaper({ title: `Webhook paper ${i}`, upvotes: 70 - i })));

let seq = 0;
async function enrol(): Promise<Channel> {
  const channelId = `hook-${++seq}`;
  const reply = await commands.handle({ platform: 'webhook', workspaceId: 'w1', channelId, userId: 'u1', name: 'settings', text: 'top=10', canManage: true });
  expect(reply.kind).not.toBe('error');
  return ctx.channels.find({ platform: 'webhook', workspaceId: 'w1', channelId })!;
}
const sent = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');

beforeAll(async () => {
  await receiver.start();
  const webhook = createWebhookPlatform({ url: receiver.url, secret: 'hook-secret' });
  jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING, repeatFor: () => ({ pattern: '0 0 1 1 *' }) });
  commands = createCommandCore({ ctx, schedules: jobs.scheduleSync });
  await jobs.startWorkers({ platforms: { [webhook.name]: webhook.chat } });
});

afterAll(async () => {
  await jobs?.close();
  await receiver.stop();
  await dropPrefix(prefix);
  cleanup();
});

describe('a third platform, added as an adapter only', () => {
  it('is enrolled by the same commands and receives its digest end to end, every paper once, best first', async () => {
    const channel = await enrol();
    await jobs.enqueueDigests([channel.id]);
    const delivery = await waitFor('the webhook digest', sent(channel));
    const messages = receiver.messagesIn(channel.channelId);
    expect(messages.map((m) => m.part)).toEqual([1, 2, 3]);
    expect(messages.flatMap((m) => m.paperUrls)).toEqual(papers.map((p) => `https://huggingface.co/papers/${p.id}`));
    expect(delivery.platformMessageIds).toEqual(messages.map((m) => m.id));

    expect(await jobs.digestOutcomes(await jobs.enqueueDigests([channel.id]))).toEqual([expect.objectContaining({ outcome: 'exists' })]);
    expect(receiver.messagesIn(channel.channelId)).toHaveLength(3);
  });

  it('keeps exactly once through an ambiguous failure: the retry looks, then posts only what is missing', async () => {
    const channel = await enrol();
    receiver.failNextAfterStore();
    await jobs.enqueueDigests([channel.id]);
    await waitFor('the webhook digest after the 500', sent(channel));
    expect(receiver.messagesIn(channel.channelId).map((m) => m.part)).toEqual([1, 2, 3]);
  });
});
