import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { Channel, Paper, Platform } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import type { DeepPartial, JobsTuning } from '../../jobs/index.ts';
import { createTestDb } from '../helpers/db.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';
import { makePaper } from '../helpers/papers.ts';

/** Fast retries and stall detection for tests: no test waits on production-sized delays. */
export const FAST_TUNING: DeepPartial<JobsTuning> = {
  deliver: { attempts: 4, backoffMs: 20, concurrency: 10 },
  digest: { attempts: 3, backoffMs: 20, concurrency: 5 },
  ingest: { attempts: 1, backoffMs: 20 },
  sweep: { everyMs: 60_000, idleMs: 60_000 },
};

/** A migrated SQLite file and an SqliteContext on it, silent, with the given Redis prefix in its config. */
export function jobsContext(label: string, prefix: string, redisUrl = TEST_REDIS_URL): { ctx: SqliteContext; dbPath: string; cleanup: () => void } {
  const test = createTestDb(label);
  const config = loadConfig({ DATABASE_URL: `file:${test.path}`, REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const ctx = createContext(config, silentLogger(), { db: test.db });
  return {
    ctx,
    dbPath: test.path,
    cleanup: () => {
      ctx.planner.invalidate();
      test.cleanup();
    },
  };
}

/** Stores `papers` as listed on `day`, ranked in the given order. */
export function seedDay(ctx: SqliteContext, day: string, papers: Paper[]): Paper[] {
  ctx.papers.upsertPage(
    papers,
    papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })),
  );
  ctx.planner.invalidate();
  return papers;
}

let discordChannelSeq = 900_000_000_000_000_000n;

/** Enrols a channel; Discord channel ids are snowflakes, Slack ones `C…`. */
export function enrolChannel(ctx: SqliteContext, platform: Platform, overrides: { topics?: string[]; emptyBehaviour?: 'skip' | 'notice' } = {}): Channel {
  discordChannelSeq += 1n;
  const channelId = platform === 'discord' ? String(discordChannelSeq) : `C${String(discordChannelSeq).slice(-9)}`;
  const { channel } = ctx.channels.enrol(
    { platform, workspaceId: platform === 'discord' ? '800000000000000001' : 'T0001', channelId },
    { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'Europe/Berlin' },
  );
  for (const topic of overrides.topics ?? []) ctx.channels.addTopic(channel.id, topic);
  if (overrides.emptyBehaviour) ctx.channels.update(channel.id, { emptyBehaviour: overrides.emptyBehaviour });
  return ctx.channels.get(channel.id)!;
}

/** A day's worth of papers, two of them about diffusion. */
export function samplePapers(): Paper[] {
  return [
    makePaper({ title: 'Diffusion transformers at scale', upvotes: 90 }),
    makePaper({ title: 'A survey of reinforcement learning from feedback', upvotes: 80 }),
    makePaper({ title: 'Latent diffusion for audio', upvotes: 40 }),
    makePaper({ title: 'Sparse attention kernels', upvotes: 30 }),
    makePaper({ title: 'Tokenizer-free language models', upvotes: 20 }),
  ];
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 25): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
