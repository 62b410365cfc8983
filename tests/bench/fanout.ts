/**
 * Fan-out benchmark (`npm run bench fanout`): one feed day to many channels through the real queues,
 * the real Slack chat platform and a local fake Slack Web API; topic matching through the planner;
 * per-channel pacing against a fake that enforces Slack's 1 message/s per channel.
 * Sizes: BENCH_CHANNELS (default 10,000), BENCH_PACED_CHANNELS (50) x BENCH_PACED_DIGESTS (10).
 */
import { createPapersWork } from '../../src/app/papers-work.ts';
import { makePaper } from '../helpers/papers.ts';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { openJobs, type DeepPartial, type Jobs, type JobsTuning } from '../../jobs/index.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { ChatPlatform } from '../../src/core/ports.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import type { Paper } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { dropPrefix } from '../helpers/redis.ts';
import { syntheticCorpus, type SyntheticPaper } from './corpus.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { closeServer, listenLocal } from '../helpers/net.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * A Slack Web API stand-in that counts posts per delivery id, can enforce a per-channel gap, and can answer
 * each call after `latencyMs` (the round trip to the real Slack API; 0 answers at once).
 */
export class BenchSlack {
  readonly perDelivery = new Map<string, number>();
  accepted = 0;
  rateLimited = 0;
  firstAcceptedAt = 0;
  lastAcceptedAt = 0;
  /** The smallest gap seen between two accepted posts to one channel (ms). */
  minGapSeen = Infinity;
  private readonly lastPerChannel = new Map<string, number>();
  private server: Server | undefined;

  constructor(
    private readonly minGapMs = 0,
    private readonly latencyMs = 0,
  ) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as { port: number }).port}/api/`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await listenLocal(this.server!);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const method = (req.url ?? '').replace(/^\/api\//, '');
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (method === 'conversations.history') return send(200, { ok: true, messages: [], has_more: false });
    if (method !== 'chat.postMessage') return send(200, { ok: false, error: 'unknown_method' });
    const channel = form.get('channel') ?? '';
    const now = Date.now();
    const last = this.lastPerChannel.get(channel);
    if (this.minGapMs > 0 && last !== undefined && now - last < this.minGapMs) {
      this.rateLimited++;
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
    }
    if (last !== undefined) this.minGapSeen = Math.min(this.minGapSeen, now - last);
    this.lastPerChannel.set(channel, now);
    const deliveryId = (JSON.parse(form.get('metadata') ?? '{}') as { event_payload?: { delivery_id?: string } }).event_payload?.delivery_id ?? '?';
    this.perDelivery.set(deliveryId, (this.perDelivery.get(deliveryId) ?? 0) + 1);
    this.accepted++;
    this.firstAcceptedAt ||= now;
    this.lastAcceptedAt = now;
    send(200, { ok: true, channel, ts: `${Math.floor(now / 1000)}.${String(this.accepted).padStart(6, '0')}` });
  }
}

export function toPaper(p: SyntheticPaper): Paper {
  return makePaper({ id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, upvotes: p.upvotes, publishedAt: null });
}

interface Bench {
  ctx: SqliteContext;
  prefix: string;
  drop(): Promise<void>;
}

function openBench(label: string): Bench {
  const path = join(tmpdir(), `papers-bench-${label}-${process.pid}.db`);
  for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const prefix = `bench-${label}-${randomUUID().slice(0, 8)}`;
  const config = loadConfig({ DATABASE_URL: `file:${path}`, REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const ctx = createContext(config, silentLogger());
  return {
    ctx,
    prefix,
    drop: async () => {
      ctx.close();
      for (const file of databaseFiles(path)) rmSync(file, { force: true });
      await dropPrefix(prefix);
    },
  };
}

function seedDay(ctx: SqliteContext, day: string, papers: Paper[]): void {
  ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })));
}

/** Enrols `count` Slack channels (plain INSERTs: setup, not measured), with topics when given. */
function enrolMany(ctx: SqliteContext, count: number, topicsFor?: (i: number) => string[]): number[] {
  const channel = ctx.db.sqlite.prepare("INSERT INTO channels (platform, workspace_id, channel_id, time_zone) VALUES ('slack', 'TBENCH', ?, 'UTC') RETURNING id");
  const topic = ctx.db.sqlite.prepare('INSERT OR IGNORE INTO subscriptions (channel_id, query) VALUES (?, ?)');
  const ids: number[] = [];
  ctx.db.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { id } = channel.get(`C${String(i).padStart(7, '0')}`) as { id: number };
      for (const t of topicsFor?.(i) ?? []) topic.run(id, t);
      ids.push(id);
    }
  })();
  return ids;
}

function slackChat(ctx: SqliteContext, apiUrl: string): ChatPlatform {
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  return createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-bench', signingSecret: 'bench', apiUrl, adminsOnly: false }).chat;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const NO_GLOBAL_LIMIT: DeepPartial<JobsTuning> = { pacing: { slack: { limiter: { max: 1_000_000, duration: 1_000 } } } };

export interface FanoutReport {
  fanout?: { channels: number; seconds: number; perSecond: number; duplicates: number; lost: number; rawNoopPerSecond: number; ratioToRaw: number; concurrency: { digest: number; deliver: number } };
  matching?: { channels: number; perChannelSeconds: number; topicsPerChannel: number; distinctTopics: number; papers: number; seconds: number; microsPerChannel: number; channelsWithPicks: number };
  pacing?: {
    channels: number;
    digestsPerChannel: number;
    /** First accepted post to last, as the platform saw it. */
    seconds: number;
    /** From the start of enqueueing to the last accepted post. */
    fromEnqueueSeconds: number;
    boundSeconds: number;
    ratioToBound: number;
    minGapMs: number;
    rateLimited: number;
    duplicates: number;
    lost: number;
  };
}

async function fanout(channels: number): Promise<NonNullable<FanoutReport['fanout']>> {
  const bench = openBench('fanout');
  const fake = await new BenchSlack().start();
  let jobs: Jobs | undefined;
  try {
    const corpus = syntheticCorpus(100, 7).papers.map(toPaper);
    seedDay(bench.ctx, feedDayAt(new Date()), corpus);
    enrolMany(bench.ctx, channels);
    jobs = await openJobs({ work: createPapersWork(bench.ctx), redisUrl: REDIS_URL, prefix: bench.prefix, ingestCron: '0 0 1 1 *', tuning: NO_GLOBAL_LIMIT });
    await jobs.startWorkers({ platforms: { slack: slackChat(bench.ctx, fake.apiUrl) } });
    const t0 = performance.now();
    await jobs.enqueueDigests(bench.ctx.channels.list({ activeOnly: true }).map((c) => c.id));
    await until(() => fake.accepted >= channels, 600_000, 'every delivery');
    await until(() => bench.ctx.deliveries.countByStatus().sent >= channels, 60_000, 'every sent mark');
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 500)); // any late duplicate would land here
    const duplicates = [...fake.perDelivery.values()].reduce((n, c) => n + c - 1, 0);
    const lost = channels - fake.perDelivery.size;
    const raw = await rawNoop(channels, jobs.tuning.deliver.concurrency);
    const perSecond = channels / seconds;
    return {
      channels,
      seconds: round(seconds, 2),
      perSecond: Math.round(perSecond),
      duplicates,
      lost,
      rawNoopPerSecond: Math.round(raw),
      ratioToRaw: round(perSecond / raw, 2),
      concurrency: { digest: jobs.tuning.digest.concurrency, deliver: jobs.tuning.deliver.concurrency },
    };
  } finally {
    await jobs?.close();
    await fake.stop();
    await bench.drop();
  }
}

/** Raw BullMQ: `count` no-op jobs added in bulk and run by one worker with the given concurrency. */
async function rawNoop(count: number, concurrency: number): Promise<number> {
  const prefix = `bench-raw-${randomUUID().slice(0, 8)}`;
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('noop', { connection, prefix });
  let done = 0;
  const worker = new Worker('noop', async () => undefined, { connection, prefix, concurrency, removeOnComplete: { age: 3600 } });
  worker.on('completed', () => void done++);
  worker.on('error', () => {});
  await worker.waitUntilReady();
  const t0 = performance.now();
  for (let i = 0; i < count; i += 1_000) await queue.addBulk(Array.from({ length: Math.min(1_000, count - i) }, (_, j) => ({ name: 'noop', data: { i: i + j } })));
  await until(() => done >= count, 600_000, 'raw no-op jobs');
  const perSecond = count / ((performance.now() - t0) / 1000);
  await worker.close();
  await queue.close();
  connection.disconnect();
  await dropPrefix(prefix);
  return perSecond;
}

function topicVocabulary(words: string[]): string[] {
  const pool = words.slice(10, 2_010);
  const out: string[] = [];
  for (let i = 0; i < pool.length; i++) {
    const w = pool[i]!;
    out.push(i % 10 === 0 ? `"${w} ${pool[(i * 7) % pool.length]}"` : i % 5 === 0 ? `${w} ${pool[(i * 3) % pool.length]}` : w);
  }
  return out;
}

async function matching(channels: number, topicsPerChannel: number): Promise<NonNullable<FanoutReport['matching']>> {
  const bench = openBench('matching');
  try {
    const corpus = syntheticCorpus(100, 11);
    seedDay(bench.ctx, feedDayAt(new Date()), corpus.papers.map(toPaper));
    const vocabulary = topicVocabulary(corpus.words);
    const ids = enrolMany(bench.ctx, channels, (i) => Array.from({ length: topicsPerChannel }, (_, k) => vocabulary[(i * 31 + k * 997) % vocabulary.length]!));
    const distinct = new Set([...bench.ctx.channels.topicQueriesByChannel().values()].flat()).size;
    const all = bench.ctx.channels.list();
    bench.ctx.planner.invalidate();
    const now = new Date();
    const t0 = performance.now();
    let withPicks = 0;
    for (const plan of await bench.ctx.planner.planMany(all, now)) if (!plan.empty) withPicks++;
    const seconds = (performance.now() - t0) / 1000;
    // What each digest job does: plan one channel, reading its topics, days and delivered papers itself.
    bench.ctx.planner.invalidate();
    const t1 = performance.now();
    for (const channel of all) await bench.ctx.planner.plan(channel, now);
    const perChannelSeconds = (performance.now() - t1) / 1000;
    return {
      channels: ids.length,
      perChannelSeconds: round(perChannelSeconds, 3),
      topicsPerChannel,
      distinctTopics: distinct,
      papers: corpus.papers.length,
      seconds: round(seconds, 3),
      microsPerChannel: Math.round((seconds * 1e6) / ids.length),
      channelsWithPicks: withPicks,
    };
  } finally {
    await bench.drop();
  }
}

async function pacing(channels: number, digestsPerChannel: number): Promise<NonNullable<FanoutReport['pacing']>> {
  const bench = openBench('pacing');
  const fake = await new BenchSlack(1_000).start();
  let jobs: Jobs | undefined;
  try {
    const today = feedDayAt(new Date());
    const days = Array.from({ length: digestsPerChannel }, (_, i) => addDays(today, i - digestsPerChannel + 1));
    const corpus = syntheticCorpus(5 * digestsPerChannel, 13).papers.map(toPaper);
    days.forEach((day, i) => seedDay(bench.ctx, day, corpus.slice(i * 5, i * 5 + 5)));
    const ids = enrolMany(bench.ctx, channels);
    // Workers first (their start-up sweep must find nothing), then the outbox rows, then the clock.
    jobs = await openJobs({ work: createPapersWork(bench.ctx), redisUrl: REDIS_URL, prefix: bench.prefix, ingestCron: '0 0 1 1 *', tuning: NO_GLOBAL_LIMIT });
    await jobs.startWorkers({ platforms: { slack: slackChat(bench.ctx, fake.apiUrl) } });
    const deliveries: string[] = [];
    for (const day of days) {
      for (const id of ids) {
        const channel = bench.ctx.channels.get(id)!;
        const plan = await bench.ctx.planner.plan(channel, new Date(), { feedDay: day });
        const picks = plan.picks.map((p) => ({ paperId: p.paper.id }));
        deliveries.push(bench.ctx.deliveries.createDigest({ channelId: id, feedDay: day, picks, view: plan.view, status: 'pending' }).delivery.id);
      }
    }
    const t0 = Date.now();
    for (const id of deliveries) await jobs.queues.enqueueDelivery('slack', id);
    const total = channels * digestsPerChannel;
    await until(() => fake.accepted >= total, 300_000, 'every paced delivery');
    const seconds = (fake.lastAcceptedAt - fake.firstAcceptedAt) / 1000;
    const boundSeconds = digestsPerChannel - 1;
    return {
      channels,
      digestsPerChannel,
      seconds: round(seconds, 2),
      fromEnqueueSeconds: round((fake.lastAcceptedAt - t0) / 1000, 2),
      boundSeconds,
      ratioToBound: round(seconds / boundSeconds, 3),
      minGapMs: fake.minGapSeen,
      rateLimited: fake.rateLimited,
      duplicates: [...fake.perDelivery.values()].reduce((n, c) => n + c - 1, 0),
      lost: total - fake.perDelivery.size,
    };
  } finally {
    await jobs?.close();
    await fake.stop();
    await bench.drop();
  }
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Runs the three measurements with sizes from the environment. */
export async function run(): Promise<FanoutReport> {
  const channels = Number(process.env.BENCH_CHANNELS ?? 10_000);
  const pacedChannels = Number(process.env.BENCH_PACED_CHANNELS ?? 50);
  const pacedDigests = Number(process.env.BENCH_PACED_DIGESTS ?? 10);
  const parts = (process.env.BENCH_PARTS ?? 'matching,fanout,pacing').split(',');
  return {
    matching: parts.includes('matching') ? await matching(channels, 5) : undefined,
    fanout: parts.includes('fanout') ? await fanout(channels) : undefined,
    pacing: parts.includes('pacing') ? await pacing(pacedChannels, pacedDigests) : undefined,
  };
}

/** Prints the report (what `tests/bench/run.ts` calls). */
export async function main(): Promise<void> {
  console.log(`\n== digest fan-out (${cpus().length} cores, Node ${process.versions.node}, Redis ${REDIS_URL}) ==`);
  const r = await run();
  const f = r.fanout;
  if (f) {
    console.log(
      `fan-out: ${f.channels.toLocaleString('en')} channels, one feed day, real queues + real Slack chat -> local fake Slack (no limits): ` +
        `${f.seconds} s, ${f.perSecond.toLocaleString('en')} deliveries/s, duplicates ${f.duplicates}, lost ${f.lost}`,
    );
    console.log(
      `         raw BullMQ no-op jobs, same Redis, concurrency ${f.concurrency.deliver}: ${f.rawNoopPerSecond.toLocaleString('en')} jobs/s; ours/raw = ${f.ratioToRaw} ` +
        `(ours runs two jobs per delivery: digest (plan + outbox, concurrency ${f.concurrency.digest}) and deliver (HTTP post + sent mark))`,
    );
  }
  const m = r.matching;
  if (m) {
    console.log(
      `topic matching: ${m.channels.toLocaleString('en')} channels x ${m.topicsPerChannel} topics (${m.distinctTopics.toLocaleString('en')} distinct) against ${m.papers} papers via the planner: ` +
        `${m.seconds} s (${m.microsPerChannel} us/channel, ${m.channelsWithPicks.toLocaleString('en')} channels with picks); budget 1 s`,
    );
    console.log(`                one channel at a time, as each digest job plans: ${m.perChannelSeconds} s for all ${m.channels.toLocaleString('en')}`);
  }
  const p = r.pacing;
  if (p) {
    console.log(
      `pacing: ${p.channels} channels x ${p.digestsPerChannel} digests against a fake enforcing 1 message/s per channel: ${p.seconds} s from first to last post ` +
        `vs bound ${p.boundSeconds} s (ratio ${p.ratioToBound}; budget 1.10; ${p.fromEnqueueSeconds} s counting the enqueueing), smallest gap per channel ${p.minGapMs} ms, 429s ${p.rateLimited}, duplicates ${p.duplicates}, lost ${p.lost}`,
    );
  }
}

if (process.argv[1]?.endsWith('fanout.ts')) await main();
