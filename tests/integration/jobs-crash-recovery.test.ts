import { createPapersWork } from '../../src/app/papers-work.ts';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayAt } from '../../src/core/time.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { makePaper } from '../helpers/papers.ts';
import { HoldingProxy, spawnWorker } from '../helpers/holding-proxy.ts';

const prefix = uniquePrefix('jobs-crash');
const { ctx, dbPath, cleanup } = jobsContext('jobs-crash', prefix);
const discord = new FakeDiscordApi({ botToken: 'discord-test-token' });
let slack: FakeSlackApi;
let slackProxy: HoldingProxy;
let discordProxy: HoldingProxy;
let producer: Jobs;
const children: ChildProcess[] = [];

function startWorkerProcess(): Promise<ChildProcess> {
  return spawnWorker({ dbPath, prefix, slackApiUrl: `${slackProxy.url}/api/`, discordApiUrl: `${discordProxy.url}/api`, children });
}

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  slackProxy = await new HoldingProxy(slack.url, (m, p) => m === 'POST' && p === '/api/chat.postMessage').start();
  discordProxy = await new HoldingProxy(`http://127.0.0.1:${discord.port}`, (m, p) => m === 'POST' && /\/channels\/\d+\/messages$/.test(p)).start();
  producer = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *' });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await producer?.close();
  await Promise.all([slackProxy?.stop(), discordProxy?.stop(), discord.stop(), slack?.close()]);
  await dropPrefix(prefix);
  cleanup();
});

describe('a worker killed between the platform accepting and our "sent" mark', () => {
  it('leaves exactly one message per channel once a worker runs again', async () => {
    seedDay(ctx, feedDayAt(new Date()), samplePapers());
    const onSlack = enrolChannel(ctx, 'slack');
    const onDiscord = enrolChannel(ctx, 'discord');

    const first = await startWorkerProcess();
    await producer.enqueueDigests([onSlack.id, onDiscord.id]);
    await waitFor('both platforms to accept a post', () => slackProxy.held.length === 1 && discordProxy.held.length === 1, 15_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const slackDelivery = ctx.deliveries.forChannel(onSlack.id)[0]!;
    const discordDelivery = ctx.deliveries.forChannel(onDiscord.id)[0]!;
    expect(slackDelivery).toMatchObject({ status: 'sending', attempts: 1 });
    expect(discordDelivery).toMatchObject({ status: 'sending', attempts: 1 });
    const heldSlackTs = (JSON.parse(slackProxy.held[0]!.body) as { ts: string }).ts;
    const heldDiscordId = (JSON.parse(discordProxy.held[0]!.body) as { id: string }).id;

    slackProxy.holding = false;
    discordProxy.holding = false;
    const second = await startWorkerProcess();
    const sent = (id: number) => () => ctx.deliveries.forChannel(id).find((d) => d.status === 'sent');
    const slackSent = await waitFor('the Slack delivery to be reconciled', sent(onSlack.id), 20_000);
    const discordSent = await waitFor('the Discord delivery to be reconciled', sent(onDiscord.id), 20_000);

    // Slack: the retry found the first post by its metadata and did not post again.
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === onSlack.channelId)).toHaveLength(1);
    expect(slack.callsTo('conversations.history').filter((c) => c.body.channel === onSlack.channelId).length).toBeGreaterThanOrEqual(1);
    expect(slackSent.platformMessageIds).toEqual([heldSlackTs]);
    // Discord: the retry re-sent with the same nonce and got the first message back.
    const discordPosts = discord.callsTo('POST', new RegExp(`^/channels/${onDiscord.channelId}/messages$`));
    expect(discordPosts).toHaveLength(2);
    expect(new Set(discordPosts.map((c) => c.body.nonce))).toEqual(new Set([discordSent.id]));
    expect(discordSent.platformMessageIds).toEqual([heldDiscordId]);
    expect(slackSent.attempts).toBe(2);
    expect(discordSent.attempts).toBe(2);
    // The next test starts its own workers: this one must not take its jobs.
    if (second.exitCode === null && second.signalCode === null) {
      const exited = new Promise((resolve) => second.once('exit', resolve));
      second.kill('SIGKILL');
      await exited;
    }
  });

  it('resumes a digest split over several messages with only the parts that are missing', async () => {
    const long = Array.from({ length: 10 }, (_, i) =>
      makePaper({
        title: `Long paper ${i} ${'title words '.repeat(60)}`,
        authors: Array.from({ length: 8 }, (_, j) => `Author${j} ${'Longname'.repeat(12)}`),
        aiSummary: 'summary words '.repeat(120),
        upvotes: 500 - i,
      }),
    );
    seedDay(ctx, feedDayAt(new Date()), long);
    const channel = enrolChannel(ctx, 'slack');
    ctx.channels.update(channel.id, { topN: 10 });
    const partsOf = () => slack.messagesIn(channel.channelId).map((m) => Number(m.metadata?.event_payload.part));

    slackProxy.holding = true;
    slackProxy.passFirst = 0;
    slackProxy.held.length = 0;
    const worker = await startWorkerProcess();
    await producer.enqueueDigests([channel.id]);
    await waitFor('part 1 accepted and its answer held', () => slackProxy.held.length === 1, 15_000);
    worker.kill('SIGKILL');
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(partsOf()).toEqual([1]);
    const parts = Number(slack.messagesIn(channel.channelId)[0]!.metadata?.event_payload.parts);
    expect(parts).toBeGreaterThanOrEqual(2);

    slackProxy.holding = false;
    await startWorkerProcess();
    const sent = await waitFor('the split digest to be completed', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 20_000);
    expect(partsOf()).toEqual(Array.from({ length: parts }, (_, i) => i + 1));
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel.channelId)).toHaveLength(parts);
    expect(sent.platformMessageIds).toEqual(slack.messagesIn(channel.channelId).map((m) => m.ts));
    // Two worker starts, a lock to expire and every part paced a second apart in one channel: ~20 s when idle.
  }, 60_000);
});
