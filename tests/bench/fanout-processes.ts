/**
 * Fan-out across worker processes (`npm run bench fanout-processes`): one feed day to BENCH_CHANNELS channels
 * (default 10,000), delivered by one and then by two worker processes (tests/bench/fanout-worker.ts: the
 * context, jobs and Slack chat of `papers worker`) sharing one database and one Redis, on PostgreSQL and on
 * SQLite, to a local fake Slack with no limits that answers each call after each of BENCH_SLACK_LATENCY_MS
 * (default `0,200`: at once, and after a round trip like the real API's), timed after the workers warmed up
 * on BENCH_WARMUP_CHANNELS channels of their own (default 1,000). Each round also reports how many of
 * the machine's cores were busy (from /proc/stat): the one-worker round's share bounds what a second process
 * on the same machine can add. Target (issue 12): two processes at least 1.6x one on PostgreSQL; 0
 * duplicates and 0 lost in every run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedDayAt } from '../../src/core/time.ts';
import { openDigestTrigger } from '../../jobs/index.ts';
import { openDb } from '../../src/db/client.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { openPg } from '../../src/db/pg/client.ts';
import { createPgStores } from '../../src/db/pg/pg-stores.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { createEmptyTestPg } from '../helpers/pg-database.ts';
import { dropPrefix } from '../helpers/redis.ts';
import { syntheticCorpus } from './corpus.ts';
import { BenchSlack, round, toPaper, until } from './fanout.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

type Dialect = 'postgres' | 'sqlite';

interface RoundResult {
  workers: number;
  seconds: number;
  perSecond: number;
  duplicates: number;
  lost: number;
  /** Cores busy on the whole machine during the round (workers, database, Redis, fake Slack), when /proc/stat is readable. */
  busyCores?: number;
}

/** Busy and total CPU time of the machine so far (jiffies), or undefined off Linux. */
function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - fields[3]! - fields[4]!, total };
  } catch {
    return undefined;
  }
}

/** A database of `dialect` with one feed day of papers and `channels` Slack channels; `sent()` counts sent marks. */
async function seeded(dialect: Dialect, channels: number): Promise<{ url: string; ids: number[]; sent(): Promise<number>; statuses(): Promise<unknown>; drop(): Promise<void> }> {
  const corpus = syntheticCorpus(100, 7).papers.map(toPaper);
  const listings = corpus.map((p, rank) => ({ paperId: p.id, feedDay: feedDayAt(new Date()), rank, upvotes: p.upvotes }));
  if (dialect === 'postgres') {
    const empty = await createEmptyTestPg('bench-fanout');
    const db = await openPg(empty.url, { migrate: true });
    await createPgStores(db).papers.upsertPage(corpus, listings);
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO channels (platform, workspace_id, channel_id, time_zone) SELECT 'slack', 'TBENCH', 'C' || lpad(g::text, 7, '0'), 'UTC' FROM generate_series(1, $1) g RETURNING id`,
      [channels],
    );
    return {
      url: empty.url,
      ids: rows.map((r) => r.id),
      sent: async () => Number((await db.pool.query<{ n: number }>(`SELECT count(*) AS n FROM deliveries WHERE status = 'sent'`)).rows[0]!.n),
      statuses: async () => (await db.pool.query(`SELECT status, count(*) AS n FROM deliveries GROUP BY status`)).rows,
      drop: async () => {
        await db.close();
        await empty.drop();
      },
    };
  }
  const path = join(tmpdir(), `papers-bench-processes-${process.pid}-${randomUUID().slice(0, 8)}.db`);
  const db = openDb(path, { migrate: true });
  new PapersRepo(db).upsertPage(corpus, listings);
  const insert = db.sqlite.prepare("INSERT INTO channels (platform, workspace_id, channel_id, time_zone) VALUES ('slack', 'TBENCH', ?, 'UTC') RETURNING id");
  const ids = db.sqlite.transaction(() => Array.from({ length: channels }, (_, i) => (insert.get(`C${String(i + 1).padStart(7, '0')}`) as { id: number }).id))();
  return {
    url: `file:${path}`,
    ids,
    sent: async () => (db.sqlite.prepare("SELECT count(*) AS n FROM deliveries WHERE status = 'sent'").get() as { n: number }).n,
    statuses: async () => db.sqlite.prepare('SELECT status, count(*) AS n FROM deliveries GROUP BY status').all(),
    drop: async () => {
      db.close();
      for (const file of databaseFiles(path)) rmSync(file, { force: true });
    },
  };
}

function startWorker(env: Record<string, string>, children: ChildProcess[]): Promise<void> {
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS?.split(' ') ?? []), '--import', 'tsx', 'tests/bench/fanout-worker.ts'], { cwd: process.cwd(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`bench worker exited early (${code})`)));
  });
}

async function stopAll(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? undefined
        : new Promise((resolve) => {
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
    ),
  );
}

/**
 * Digests of `ids` through the workers until the fake Slack has accepted `expected` posts in all and the
 * database has marked as many sent.
 */
async function deliverAll(database: Awaited<ReturnType<typeof seeded>>, fake: BenchSlack, prefix: string, ids: number[], expected: number): Promise<void> {
  await openDigestTrigger(REDIS_URL, prefix).enqueueDigests(ids);
  await until(() => fake.accepted >= expected, 900_000, 'every delivery');
  await until(async () => (await database.sent()) >= expected, 120_000, 'every sent mark').catch(async (error: unknown) => {
    throw new Error(`${String(error)}; deliveries by status: ${JSON.stringify(await database.statuses())}, accepted ${fake.accepted}`);
  });
}

/**
 * One round: the workers start, warm up on BENCH_WARMUP_CHANNELS channels of their own (default 1,000: a
 * process just started spends its first seconds compiling, which a long-running worker does not), then the
 * timed digests of `channels` other channels go out. Exactly once is checked over every post of the round.
 */
async function fanoutRound(dialect: Dialect, workers: number, channels: number, latencyMs = 0): Promise<RoundResult> {
  const warm = Number(process.env.BENCH_WARMUP_CHANNELS ?? 1_000);
  const database = await seeded(dialect, warm + channels);
  const fake = await new BenchSlack(0, latencyMs).start();
  const prefix = `bench-procs-${randomUUID().slice(0, 8)}`;
  const children: ChildProcess[] = [];
  // The pool is the product's default (DATABASE_POOL_SIZE 10) unless BENCH_POOL_SIZE sets one.
  const env = { DATABASE_URL: database.url, ...(process.env.BENCH_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}), REDIS_URL, QUEUE_PREFIX: prefix, SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench', SLACK_API_URL: fake.apiUrl, LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent' };
  try {
    await Promise.all(Array.from({ length: workers }, () => startWorker(env, children)));
    if (warm > 0) await deliverAll(database, fake, prefix, database.ids.slice(0, warm), warm);
    const cpu0 = cpuTimes();
    const t0 = performance.now();
    await deliverAll(database, fake, prefix, database.ids.slice(warm), warm + channels);
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 500)); // any late duplicate would land here
    return {
      workers,
      seconds: round(seconds, 2),
      perSecond: Math.round(channels / seconds),
      duplicates: [...fake.perDelivery.values()].reduce((n, c) => n + c - 1, 0),
      lost: warm + channels - fake.perDelivery.size,
      ...(cpu0 && cpu1 ? { busyCores: round(((cpu1.busy - cpu0.busy) / (cpu1.total - cpu0.total)) * cpus().length, 2) } : {}),
    };
  } finally {
    await stopAll(children);
    await fake.stop();
    await dropPrefix(prefix);
    await database.drop();
  }
}

/** One and two workers of one dialect against a fake Slack answering after `latencyMs`. */
export interface ProcessesRound {
  dialect: Dialect;
  latencyMs: number;
  one: RoundResult;
  two: RoundResult;
  ratio: number;
}

export interface ProcessesReport {
  channels: number;
  rounds: ProcessesRound[];
}

export async function run(): Promise<ProcessesReport> {
  const channels = Number(process.env.BENCH_CHANNELS ?? 10_000);
  const dialects = (process.env.BENCH_DIALECTS ?? 'postgres,sqlite').split(',') as Dialect[];
  const latencies = (process.env.BENCH_SLACK_LATENCY_MS ?? '0,200').split(',').map(Number);
  const rounds: ProcessesRound[] = [];
  for (const dialect of dialects) {
    for (const latencyMs of latencies) {
      const one = await fanoutRound(dialect, 1, channels, latencyMs);
      const two = await fanoutRound(dialect, 2, channels, latencyMs);
      rounds.push({ dialect, latencyMs, one, two, ratio: round(two.perSecond / one.perSecond, 2) });
    }
  }
  return { channels, rounds };
}

export async function main(): Promise<void> {
  const cores = cpus().length;
  console.log(`\n== fan-out across worker processes (${cores} cores, Node ${process.versions.node}, Redis ${REDIS_URL}) ==`);
  const r = await run();
  const line = (x: RoundResult) =>
    `${x.workers} worker${x.workers === 1 ? '' : 's'} ${x.seconds} s (${x.perSecond.toLocaleString('en')}/s${x.busyCores === undefined ? '' : `, ${x.busyCores} of ${cores} cores busy`}, duplicates ${x.duplicates}, lost ${x.lost})`;
  for (const { dialect, latencyMs, one, two, ratio } of r.rounds) {
    const slack = latencyMs > 0 ? `Slack answering in ${latencyMs} ms` : 'Slack answering at once';
    const ceiling = one.busyCores ? `; this machine allows at most ${round(Math.min(2, cores / one.busyCores), 2)}x` : '';
    console.log(`${dialect}, ${slack}: ${r.channels.toLocaleString('en')} channels, ${line(one)}; ${line(two)}; two/one = ${ratio}x${dialect === 'postgres' ? ' (target 1.6x)' : ''}${ceiling}`);
  }
}

if (process.argv[1]?.endsWith('fanout-processes.ts')) await main();
