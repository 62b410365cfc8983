/**
 * Taste benchmark (`npm run bench -- taste`): what a channel's taste (learned from its votes) costs.
 * - planMany for BENCH_CHANNELS (default 10,000) channels with topics, 50 votes each (five people, over papers
 *   of the ten earlier feed days), against today's 100 papers; baseline in the same run: a planner that reads
 *   no votes, over the same channels. Interleaved runs, medians: kept state (planning again) and a new day
 *   (after an ingest invalidated the candidates: tastes are kept, vectors rebuilt).
 * - One vote through the vote use case, then that channel planned again as the digest job plans it.
 * - `/papers why` through the command core at BENCH_WHY_PAPERS (default 200,000) stored papers, for a channel
 *   with a year of recorded digests.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { addDays } from '../../src/core/time.ts';
import type { Channel, Paper } from '../../src/core/types.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import { silentLogger } from '../../src/logger.ts';
import { DigestPlanner } from '../../src/select/digest-planner.ts';
import { SLACK_WORDING } from '../../adapters/slack/slack-wording.ts';
import { makePaper } from '../helpers/papers.ts';
import { syntheticCorpus, type SyntheticPaper } from './corpus.ts';

const TODAY = '2026-03-20';
export const NOW = new Date(`${TODAY}T15:00:00Z`);
const WORKSPACE = 'TBENCH';
const EARLIER_DAYS = 10;
const PER_DAY = 100;
const VOTES_PER_CHANNEL = 50;
const PEOPLE = 5;

interface Bench {
  ctx: SqliteContext;
  app: PapersApp;
  drop(): void;
}

function openBench(label: string): Bench {
  const path = join(tmpdir(), `papers-bench-${label}-${process.pid}.db`);
  for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const config = loadConfig({ DATABASE_URL: `file:${path}`, LOG_LEVEL: 'silent', DEFAULT_TIMEZONE: 'UTC' });
  const ctx = createContext(config, silentLogger(), { clock: { now: () => NOW } });
  const app = createPapersApp({ ctx, schedules: noScheduleSync });
  return {
    ctx,
    app,
    drop: () => {
      ctx.close();
      for (const file of databaseFiles(path)) rmSync(file, { force: true });
    },
  };
}

function toPaper(p: SyntheticPaper): Paper {
  return makePaper({ id: p.id, title: p.title, abstract: p.abstract, authors: p.authors, upvotes: p.upvotes, publishedAt: null });
}

function seedDay(ctx: SqliteContext, day: string, papers: Paper[]): void {
  ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })));
}

const channelIdOf = (i: number) => `C${String(i).padStart(7, '0')}`;
const targetOf = (i: number) => ({ platform: 'slack' as const, workspaceId: WORKSPACE, channelId: channelIdOf(i) });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return performance.now() - t;
};

/** Topics made of the corpus's commoner words, so that each channel qualifies a part of the day's papers. */
function topicFor(words: string[], i: number, k: number): string {
  const pool = words.slice(20, 400);
  const w = pool[(i * 31 + k * 97) % pool.length]!;
  return k === 1 && i % 4 === 0 ? `${w} ${pool[(i * 7 + 3) % pool.length]}` : w;
}

/** Enrols the channels with two topics each and casts their votes (plain INSERTs: setup, not measured). */
function enrolAndVote(ctx: SqliteContext, count: number, words: string[], earlier: string[]): void {
  const channel = ctx.db.sqlite.prepare("INSERT INTO channels (platform, workspace_id, channel_id, time_zone) VALUES ('slack', ?, ?, 'UTC') RETURNING id");
  const topic = ctx.db.sqlite.prepare('INSERT OR IGNORE INTO subscriptions (channel_id, query) VALUES (?, ?)');
  const vote = ctx.db.sqlite.prepare("INSERT OR IGNORE INTO votes (platform, workspace_id, channel_id, paper_id, user_id, value, source, updated_at) VALUES ('slack', ?, ?, ?, ?, ?, 'button', ?)");
  ctx.db.sqlite.transaction(() => {
    for (let i = 0; i < count; i++) {
      const { id } = channel.get(WORKSPACE, channelIdOf(i)) as { id: number };
      for (let k = 0; k < 2; k++) topic.run(id, topicFor(words, i, k));
      // 50 votes by five people on 25 papers of the earlier days, one paper in five disliked.
      for (let v = 0; v < VOTES_PER_CHANNEL; v++) {
        const paper = (i * 131 + (v >> 1) * 37) % earlier.length;
        const value = (paper + i) % 5 === 0 ? -1 : 1;
        vote.run(WORKSPACE, channelIdOf(i), earlier[paper]!, `U${(v + (v >> 1)) % PEOPLE}`, value, `2026-03-1${v % 10}T10:00:00.000Z`);
      }
    }
  })();
}

export interface TasteReport {
  channels: number;
  candidates: number;
  votedPapers: number;
  firstFitMs: number;
  kept: { tasteMs: number; baseMs: number; ratio: number; runs: number };
  newDay: { tasteMs: number; baseMs: number; ratio: number; runs: number };
  afterVoteMs: number;
  vote: { voteP50: number; voteP99: number; planP50: number; planP99: number; bothP99: number; asked: number };
}

/** The bench's database: ten earlier days and today of 100 papers each, `count` channels with topics and votes. */
export function setUp(count: number): { bench: Bench; channels: Channel[]; earlier: string[] } {
  const bench = openBench('taste');
  const { ctx } = bench;
  const corpus = syntheticCorpus(PER_DAY * (EARLIER_DAYS + 1), 7);
  const papers = corpus.papers.map(toPaper);
  const earlier: string[] = [];
  for (let d = 0; d < EARLIER_DAYS; d++) {
    const day = papers.slice(d * PER_DAY, (d + 1) * PER_DAY);
    seedDay(ctx, addDays(TODAY, d - EARLIER_DAYS), day);
    earlier.push(...day.map((p) => p.id));
  }
  seedDay(ctx, TODAY, papers.slice(EARLIER_DAYS * PER_DAY));
  enrolAndVote(ctx, count, corpus.words, earlier);
  return { bench, channels: ctx.channels.list(), earlier };
}

/** planMany with and without votes, and a vote followed by re-planning the channel. */
export async function planning(options: { channels?: number; runs?: number } = {}): Promise<TasteReport> {
  const count = options.channels ?? 10_000;
  const runs = options.runs ?? 7;
  const { bench, channels, earlier } = setUp(count);
  const { ctx } = bench;
  try {
    const base = new DigestPlanner({ papers: ctx.stores.papers, channels: ctx.stores.channels, deliveries: ctx.stores.deliveries, search: ctx.search });
    const votedPapers = ctx.db.sqlite.prepare('SELECT COUNT(DISTINCT paper_id) FROM votes').pluck().get() as number;

    // The first plan fits every channel's taste from its votes (one read of each channel's votes).
    ctx.planner.invalidate();
    const firstFitMs = await timed(() => ctx.planner.planMany(channels, NOW));
    await base.planMany(channels, NOW);
    const plans = await ctx.planner.planMany(channels, NOW);
    const withWhy = plans.filter((p) => p.view.papers.some((v) => v.why?.includes('liked'))).length;
    if (withWhy === 0) throw new Error('bench: no digest was re-ranked by taste');

    const kept = { taste: [] as number[], base: [] as number[] };
    const newDay = { taste: [] as number[], base: [] as number[] };
    for (let r = 0; r < runs; r++) {
      kept.taste.push(await timed(() => ctx.planner.planMany(channels, NOW)));
      kept.base.push(await timed(() => base.planMany(channels, NOW)));
      ctx.planner.invalidate();
      newDay.taste.push(await timed(() => ctx.planner.planMany(channels, NOW)));
      base.invalidate();
      newDay.base.push(await timed(() => base.planMany(channels, NOW)));
    }
    const summary = (m: { taste: number[]; base: number[] }) => {
      const t = median(m.taste);
      const b = median(m.base);
      return { tasteMs: round(t, 1), baseMs: round(b, 1), ratio: round(t / b), runs };
    };

    // One vote, then the channel planned again as its digest job would (decisions recorded).
    const asked = Math.min(200, count);
    const voteMs: number[] = [];
    const planMs: number[] = [];
    const bothMs: number[] = [];
    for (let n = 0; n < asked; n++) {
      const i = Math.floor((n * count) / asked);
      const channel: Channel = channels[i]!;
      const paperId = earlier[(n * 53) % earlier.length]!;
      const t0 = performance.now();
      const reply = await bench.app.vote({ place: targetOf(i), userId: 'U9', paperId, choice: n % 3 === 0 ? 'down' : 'up', shownOn: 'ephemeral' });
      const t1 = performance.now();
      await ctx.planner.plan(channel, NOW, { record: true });
      const t2 = performance.now();
      if (reply.kind !== 'voted') throw new Error(`bench: the vote was refused: ${reply.message}`);
      voteMs.push(t1 - t0);
      planMs.push(t2 - t1);
      bothMs.push(t2 - t0);
    }
    // After votes, the next planMany reads every channel's vote fingerprint once.
    const afterVoteMs = await timed(() => ctx.planner.planMany(channels, NOW));
    return {
      channels: count,
      candidates: PER_DAY,
      votedPapers,
      firstFitMs: round(firstFitMs, 1),
      kept: summary(kept),
      newDay: summary(newDay),
      afterVoteMs: round(afterVoteMs, 1),
      vote: {
        voteP50: round(percentile(voteMs, 50)),
        voteP99: round(percentile(voteMs, 99)),
        planP50: round(percentile(planMs, 50)),
        planP99: round(percentile(planMs, 99)),
        bothP99: round(percentile(bothMs, 99)),
        asked,
      },
    };
  } finally {
    bench.drop();
  }
}

export interface WhyReport {
  papers: number;
  digests: number;
  asked: number;
  p50: number;
  p99: number;
  max: number;
}

/** `/papers why` through the command core, for a channel with `digests` recorded digests, at `papers` stored papers. */
export async function why(options: { papers?: number; digests?: number; asked?: number } = {}): Promise<WhyReport> {
  const count = options.papers ?? 200_000;
  const digests = Math.min(options.digests ?? 365, Math.floor((count - 1_000) / PER_DAY / 2));
  const bench = openBench('taste-why');
  const { ctx } = bench;
  try {
    const corpus = syntheticCorpus(count, 3);
    const insert = ctx.db.sqlite.prepare('INSERT INTO papers (id, title, abstract, authors, upvotes) VALUES (?, ?, ?, ?, ?)');
    const listing = ctx.db.sqlite.prepare('INSERT INTO daily_listings (feed_day, paper_id, rank, upvotes) VALUES (?, ?, ?, ?)');
    // Every paper listed on one feed day, 100 a day, the newest day today; the last 1,000 stored from searches only.
    const listed = count - 1_000;
    const dayOf = (i: number) => addDays(TODAY, -Math.floor((listed - 1 - i) / PER_DAY));
    ctx.db.sqlite.transaction(() => {
      corpus.papers.forEach((p, i) => {
        insert.run(p.id, p.title, p.abstract, JSON.stringify(p.authors), p.upvotes);
        if (i < listed) listing.run(dayOf(i), p.id, i % PER_DAY, p.upvotes);
      });
    })();
    const target = { platform: 'slack' as const, workspaceId: WORKSPACE, channelId: 'CWHY' };
    const enrolled = ctx.channels.enrol(target, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }).channel;
    ctx.channels.addTopic(enrolled.id, 'model');
    // A year of digests, one a day, each planned (with its decisions) as the digest job plans it; a few votes on the way.
    const first = addDays(TODAY, -digests);
    for (let d = 0; d <= digests; d++) {
      const day = addDays(first, d);
      const channel = ctx.channels.get(enrolled.id)!;
      const plan = await ctx.planner.plan(channel, new Date(`${day}T15:00:00Z`), { record: true });
      if (plan.feedDay !== day) throw new Error(`bench: planned ${plan.feedDay} instead of ${day}`);
      ctx.deliveries.createDigest({ channelId: enrolled.id, feedDay: plan.feedDay, picks: plan.picks.map((p) => ({ paperId: p.paper.id, topic: p.topic ?? null })), view: plan.view, status: 'pending', ...(plan.decisions ? { decisions: plan.decisions } : {}) });
      if (d % 30 === 0 && plan.picks[0]) await bench.app.vote({ place: target, userId: `U${d % 3}`, paperId: plan.picks[0].paper.id, choice: 'up', shownOn: 'ephemeral' });
    }
    // Asked about: papers of covered days (posted, overflow, low), of days before the channel, stored from searches, unknown.
    const ids: string[] = [];
    const asked = options.asked ?? 400;
    for (let n = 0; n < asked; n++) {
      const kind = n % 8;
      if (kind === 7) ids.push(`2912.${String(n).padStart(5, '0')}`);
      else if (kind === 6) ids.push(corpus.papers[listed + ((n * 7) % 1_000)]!.id);
      else if (kind === 5) ids.push(corpus.papers[(n * 997) % Math.max(1, listed - digests * PER_DAY)]!.id);
      else ids.push(corpus.papers[listed - 1 - ((n * 131) % (digests * PER_DAY))]!.id);
    }
    const request = (id: string) => ({ platform: 'slack' as const, workspaceId: WORKSPACE, channelId: 'CWHY', userId: 'U1', canManage: true, wording: SLACK_WORDING, name: 'why', text: id });
    for (const id of ids.slice(0, 40)) await bench.app.command(request(id));
    const times: number[] = [];
    for (const id of ids) {
      const t = performance.now();
      const reply = await bench.app.command(request(id));
      times.push(performance.now() - t);
      if (reply.kind !== 'text') throw new Error(`bench: why ${id} answered ${reply.kind}`);
    }
    return { papers: count, digests: digests + 1, asked: ids.length, p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), max: round(Math.max(...times)) };
  } finally {
    bench.drop();
  }
}

export async function main(): Promise<void> {
  const r = await planning({ channels: Number(process.env.BENCH_CHANNELS ?? 10_000) });
  console.log(`\n== taste: ${r.channels.toLocaleString('en')} channels with 2 topics and ${VOTES_PER_CHANNEL} votes each (${PEOPLE} people; ${r.votedPapers} papers of ${EARLIER_DAYS} earlier days voted on), ${r.candidates} papers today ==`);
  console.log(`first plan, fitting every taste from its votes: ${r.firstFitMs} ms`);
  console.log(`planMany, state kept:      with votes ${r.kept.tasteMs} ms, without ${r.kept.baseMs} ms (medians of ${r.kept.runs} interleaved runs); with/without = ${r.kept.ratio}x (target: at most 1.2x)`);
  console.log(`planMany, new day (after an ingest): with votes ${r.newDay.tasteMs} ms, without ${r.newDay.baseMs} ms; with/without = ${r.newDay.ratio}x (target: at most 1.2x)`);
  console.log(`planMany after votes were cast (every channel's vote fingerprint read again): ${r.afterVoteMs} ms`);
  const v = r.vote;
  console.log(`one vote (use case): p50 ${v.voteP50} ms, p99 ${v.voteP99} ms; then that channel planned again (decisions recorded): p50 ${v.planP50} ms, p99 ${v.planP99} ms; both p99 ${v.bothP99} ms (target: at most 5 ms; ${v.asked} votes)`);
  const w = await why({ papers: Number(process.env.BENCH_WHY_PAPERS ?? 200_000) });
  console.log(`/papers why (command core), ${w.papers.toLocaleString('en')} stored papers, a channel with ${w.digests} recorded digests: p50 ${w.p50} ms, p99 ${w.p99} ms, max ${w.max} ms over ${w.asked} papers (target: p99 at most 50 ms)`);
}
