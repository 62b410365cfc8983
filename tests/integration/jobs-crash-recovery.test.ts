import { createPapersWork } from '../../src/app/papers-work.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayAt } from '../../src/core/time.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { makePaper } from '../helpers/papers.ts';
import { closeServer, listenLocal } from '../helpers/net.ts';

interface Held {
  path: string;
  status: number;
  body: string;
}

/**
 * Stands between the worker and a fake platform. While holding, a matching request is forwarded (the
 * platform accepts and stores the message) but its answer is kept back, so the worker never learns it
 * was posted; the test then kills the worker. Everything else passes straight through.
 */
class HoldingProxy {
  readonly held: Held[] = [];
  holding = true;
  /** How many matching requests still pass through before holding starts (to kill between the parts of a digest). */
  passFirst = 0;
  private server: Server | undefined;

  constructor(private readonly target: string, private readonly matches: (method: string, path: string) => boolean) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await listenLocal(this.server!);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = new URL(req.url ?? '/', this.target);
    const upstream = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
      const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (d: Buffer) => parts.push(d));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts).toString('utf8') }));
      });
      out.on('error', reject);
      out.end(Buffer.concat(chunks));
    });
    const matching = this.matches(req.method ?? 'GET', target.pathname);
    if (this.holding && matching && this.passFirst > 0) this.passFirst -= 1;
    else if (this.holding && matching) {
      this.held.push({ path: target.pathname, status: upstream.status, body: upstream.body });
      return; // accepted upstream; the worker never hears back
    }
    res.writeHead(upstream.status, upstream.headers).end(upstream.body);
  }
}

const prefix = uniquePrefix('jobs-crash');
const { ctx, dbPath, cleanup } = jobsContext('jobs-crash', prefix);
const discord = new FakeDiscordApi({ botToken: 'discord-test-token' });
let slack: FakeSlackApi;
let slackProxy: HoldingProxy;
let discordProxy: HoldingProxy;
let producer: Jobs;
const children: ChildProcess[] = [];

async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/jobs-worker-process.ts'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: `file:${dbPath}`,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: `${slackProxy.url}/api/`,
      DISCORD_TOKEN: 'discord-test-token',
      DISCORD_API_URL: `${discordProxy.url}/api`,
      LOG_LEVEL: 'silent',
    },
  });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return child;
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
    await startWorkerProcess();
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
