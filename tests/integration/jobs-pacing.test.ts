import { createPapersWork } from '../../src/app/papers-work.ts';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { ChannelPacer } from '../../jobs/channel-pacer.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { makePaper } from '../helpers/papers.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, seedDay, waitFor } from './jobs-harness.ts';
import { closeServer, listenLocal } from '../helpers/net.ts';

/** Forwards to the fake Slack API and notes when each chat.postMessage arrived, per channel. */
class ArrivalRecorder {
  readonly arrivals = new Map<string, number[]>();
  private server: Server | undefined;
  constructor(private readonly target: string) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (req.url === '/api/chat.postMessage') {
          const channel = new URLSearchParams(body.toString()).get('channel') ?? '';
          this.arrivals.set(channel, [...(this.arrivals.get(channel) ?? []), Date.now()]);
        }
        const target = new URL(req.url ?? '/', this.target);
        const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer: IncomingMessage) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        });
        out.end(body);
      });
    });
    await listenLocal(this.server!);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

const prefix = uniquePrefix('jobs-pacing');
const { ctx, cleanup } = jobsContext('jobs-pacing', prefix);
let slack: FakeSlackApi;
let recorder: ArrivalRecorder;
let jobs: Jobs;
let redis: Redis;

beforeAll(async () => {
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  recorder = await new ArrivalRecorder(slack.url).start();
  redis = new Redis(TEST_REDIS_URL);
  jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
  const commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const chat = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: recorder.apiUrl, adminsOnly: false }).chat;
  await jobs.startWorkers({ platforms: { slack: chat } });
});

afterAll(async () => {
  await jobs?.close();
  redis?.disconnect();
  await recorder?.stop();
  await slack?.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('per-channel pacing', () => {
  it('hands out posting slots one interval apart, shared by every caller', async () => {
    const pacer = new ChannelPacer(redis, prefix);
    const target = { platform: 'slack' as const, workspaceId: 'T1', channelId: 'CPACE0' };
    const now = Date.now();
    const slot = async (t = target) => (await pacer.take(t, 1_000, 0, now)).slot;
    expect([await slot(), await slot(), await slot()]).toEqual([now, now + 1_000, now + 2_000]);
    expect(await slot({ ...target, channelId: 'CPACE1' })).toBe(now);
    await pacer.markPostEnd(target, now + 500);
    expect(await pacer.take(target, 0, 0, now)).toEqual({ slot: 0, lastEnd: now + 500, heldUntil: 0 });
  });

  it('posts several digests to one Slack channel at least a second apart, parking the waiting jobs', async () => {
    const today = feedDayAt(new Date());
    const days = [addDays(today, -2), addDays(today, -1), today];
    const channel = enrolChannel(ctx, 'slack');
    const ids: string[] = [];
    for (const day of days) {
      seedDay(ctx, day, [makePaper({ title: `Paper of ${day}` })]);
      const plan = await ctx.planner.plan(channel, new Date(), { feedDay: day });
      ids.push(ctx.deliveries.createDigest({ channelId: channel.id, feedDay: day, picks: plan.picks.map((p) => ({ paperId: p.paper.id })), view: plan.view, status: 'pending' }).delivery.id);
    }
    for (const id of ids) await jobs.queues.enqueueDelivery('slack', id);

    await waitFor('a parked delivery', async () => (await jobs.queues.deliver('slack').getDelayedCount()) > 0, 5_000, 10);
    await waitFor('all three posts', () => (recorder.arrivals.get(channel.channelId)?.length ?? 0) === 3, 10_000);
    const at = recorder.arrivals.get(channel.channelId)!;
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1_000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1_000);
    await waitFor('every delivery sent', () => ids.every((id) => ctx.deliveries.get(id)?.status === 'sent'));
    for (const id of ids) expect((await jobs.queues.deliver('slack').getJob(id))?.attemptsMade).toBe(1);
  });
});
