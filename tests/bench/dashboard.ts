/**
 * Dashboard benchmark (`npm run bench -- dashboard`): the papers page, search pages and the paginated
 * channel list served over real HTTP by the real routes, at BENCH_PAPERS (default 200,000) papers over
 * 100-paper feed days and BENCH_CHANNELS (10,000) channels with topics and 30 days of deliveries each.
 * The baseline in the same run is `GET /healthz` on the same server (the HTTP round trip itself).
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDashboardApp } from '../../src/app/dashboard-app.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { addDays } from '../../src/core/time.ts';
import type { Paper } from '../../src/core/types.ts';
import { DashboardQueries } from '../../src/db/dashboard-queries.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer } from '../../src/server/http-server.ts';
import { createDashboardAccess, dashboardRoutes } from '../../src/web/dashboard-routes.ts';
import { syntheticCorpus } from './corpus.ts';

const LATEST_DAY = '2025-03-17';
const PER_DAY = 100;
const DELIVERY_DAYS = 30;
const STATUSES = ['sent', 'sent', 'sent', 'sent', 'skipped', 'failed', 'pending'];

export interface DashboardReport {
  papers: number;
  channels: number;
  runs: number;
  /** Median milliseconds of one uncached recount of the deliveries chart (done at most once a minute). */
  deliveryRecountMs: number;
  /** Median milliseconds of each path. */
  paths: { path: string; p50: number }[];
  /** Milliseconds per request, as the client sees it over loopback. */
  rows: { page: string; p50: number; p95: number; p95OverBaseline: number; bytes: number }[];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

function seedPapers(ctx: SqliteContext, count: number): void {
  const corpus = syntheticCorpus(count);
  const days = Math.ceil(count / PER_DAY);
  for (let d = 0; d < days; d++) {
    const day = addDays(LATEST_DAY, -d);
    const slice = corpus.papers.slice(d * PER_DAY, (d + 1) * PER_DAY);
    const papers: Paper[] = slice.map((p) => ({
      ...p,
      publishedAt: addDays(day, -1),
      comments: 0,
      aiSummary: null,
      aiKeywords: [],
      githubRepo: null,
      githubStars: null,
      projectPage: null,
      thumbnail: null,
      categories: [],
    }));
    ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })), { deferIndex: true });
  }
  ctx.papers.indexPending();
}

/**
 * Channels, two topics each, and a digest per channel per day for the last 30 days, each holding two of that
 * day's papers (plain INSERTs: setup).
 */
function seedChannels(ctx: SqliteContext, count: number): void {
  const dayPapers = new Map<string, string[]>();
  for (let d = 0; d < DELIVERY_DAYS; d++) {
    const day = addDays(LATEST_DAY, -d);
    dayPapers.set(day, ctx.db.sqlite.prepare('SELECT paper_id FROM daily_listings WHERE feed_day = ? ORDER BY rank LIMIT 20').pluck().all(day) as string[]);
  }
  const picked = ctx.db.sqlite.prepare('INSERT INTO delivered_papers (channel_id, paper_id, delivery_id) VALUES (?, ?, ?)');
  const channel = ctx.db.sqlite.prepare("INSERT INTO channels (platform, workspace_id, channel_id, time_zone) VALUES (?, 'TBENCH', ?, 'Europe/Berlin') RETURNING id");
  const topic = ctx.db.sqlite.prepare('INSERT INTO subscriptions (channel_id, query) VALUES (?, ?)');
  const delivery = ctx.db.sqlite.prepare("INSERT INTO deliveries (id, channel_id, feed_day, paper_ids, status, platform_message_ids, attempts) VALUES (?, ?, ?, '[]', ?, '[\"1.1\"]', 1)");
  ctx.db.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { id } = channel.get(i % 3 === 0 ? 'discord' : 'slack', `C${String(i).padStart(7, '0')}`) as { id: number };
      topic.run(id, 'diffusion models');
      topic.run(id, `"reinforcement learning" OR agents ${i % 17}`);
      for (let d = 0; d < DELIVERY_DAYS; d++) {
        const day = addDays(LATEST_DAY, -d);
        delivery.run(`d-${id}-${day}`, id, day, STATUSES[(i + d) % STATUSES.length]);
        const papers = dayPapers.get(day) ?? [];
        for (const k of [i % papers.length, (i + 7) % papers.length]) if (papers[k]) picked.run(id, papers[k], `d-${id}-${day}`);
      }
    }
  })();
}

function postedPaper(ctx: SqliteContext): string {
  return (ctx.db.sqlite.prepare('SELECT paper_id FROM delivered_papers LIMIT 1').pluck().get() as string | undefined) ?? 'none';
}

export async function run(options: { papers?: number; channels?: number; runs?: number } = {}): Promise<DashboardReport> {
  const papers = options.papers ?? Number(process.env.BENCH_PAPERS ?? 200_000);
  const channels = options.channels ?? Number(process.env.BENCH_CHANNELS ?? 10_000);
  const runs = options.runs ?? Number(process.env.BENCH_DASHBOARD_RUNS ?? 200);
  const path = join(tmpdir(), `papers-bench-dashboard-${process.pid}.db`);
  for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const logger = silentLogger();
  const ctx = createContext(loadConfig({ DATABASE_URL: `file:${path}`, LOG_LEVEL: 'silent' }), logger, { clock: { now: () => new Date('2025-03-18T15:00:00Z') } });
  const started = Date.now();
  seedPapers(ctx, papers);
  seedChannels(ctx, channels);
  console.log(`seeded ${papers.toLocaleString('en')} papers and ${channels.toLocaleString('en')} channels in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const app = createDashboardApp({ ctx, papers: createPapersApp({ ctx, schedules: { channelChanged: async () => {} } }) });
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: dashboardRoutes({ app, access: createDashboardAccess(), logger }), readiness: async () => ({}), logger });
  const lastPage = Math.ceil(channels / 50);
  const cases: { page: string; paths: string[] }[] = [
    { page: 'GET /healthz (baseline)', paths: ['/healthz'] },
    { page: 'papers page (/, latest day + charts)', paths: ['/', '/?page=2', `/?day=${addDays(LATEST_DAY, -40)}`] },
    { page: 'search page (/search?q=)', paths: ['/search?q=diffusion+models', '/search?q=model', '/search?q=reinforcment+lerning', '/search?q=%22mixture+of+experts%22+-video', '/search?q=diffusion&page=3'] },
    { page: 'channel list (/channels, 50 a page)', paths: ['/channels', `/channels?page=${Math.ceil(lastPage / 2)}`, `/channels?page=${lastPage}`] },
    // Not in the budget: a paper's page reads every channel's ledger for it (delivered_papers has no paper_id index).
    { page: "a paper's page (/papers/<id>, who got it)", paths: [`/papers/${postedPaper(ctx)}`] },
  ];
  const times = cases.map(() => [] as number[]);
  const perPath = new Map<string, number[]>();
  const bytes = cases.map(() => 0);
  const get = async (url: string) => {
    const t0 = performance.now();
    const res = await fetch(url);
    const body = await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`bench: ${url} answered ${res.status}`);
    return { ms, size: body.byteLength };
  };
  const base = `http://127.0.0.1:${server.port}`;
  for (const c of cases) for (const p of c.paths) await get(base + p); // warm caches (spelling vocabulary, acronyms)
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const path = c.paths[r % c.paths.length]!;
      const { ms, size } = await get(base + path);
      times[i]!.push(ms);
      perPath.set(path, [...(perPath.get(path) ?? []), ms]);
      bytes[i] = Math.max(bytes[i]!, size);
    }
  }
  // The deliveries chart is recounted at most once a minute: what one recount costs at this size.
  const queries = new DashboardQueries(ctx.db);
  const recounts: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    queries.deliveriesPerDay(addDays(LATEST_DAY, -29), LATEST_DAY);
    recounts.push(performance.now() - t0);
  }
  await server.close();
  ctx.close();
  if (!process.env.BENCH_KEEP_DB) for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const baselineP95 = percentile([...times[0]!].sort((a, b) => a - b), 95);
  return {
    papers,
    channels,
    runs,
    paths: [...perPath].map(([path, ms]) => ({ path, p50: round(percentile([...ms].sort((a, b) => a - b), 50)) })),
    deliveryRecountMs: round([...recounts].sort((a, b) => a - b)[2]!),
    rows: cases.map((c, i) => {
      const sorted = [...times[i]!].sort((a, b) => a - b);
      return { page: c.page, p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), p95OverBaseline: round(percentile(sorted, 95) / baselineP95), bytes: bytes[i]! };
    }),
  };
}

export async function main(): Promise<void> {
  const r = await run();
  console.log(`\n== dashboard pages: ${r.papers.toLocaleString('en')} papers, ${r.channels.toLocaleString('en')} channels, ${r.runs} requests each, interleaved ==`);
  console.table(r.rows);
  console.table(r.paths);
  const worst = Math.max(...r.rows.slice(1, 4).map((row) => row.p95));
  console.log(`deliveries chart: one recount (at most once a minute) ${r.deliveryRecountMs} ms over ${(r.channels * DELIVERY_DAYS).toLocaleString('en')} deliveries`);
  console.log(`worst p95 of the papers page, search and channel list ${worst} ms (budget 100 ms); /healthz p95 ${r.rows[0]!.p95} ms in the same run`);
}

if (process.argv[1]?.endsWith('dashboard.ts')) await main();
