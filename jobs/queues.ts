import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Platform } from '../src/core/types.ts';

/** Queue names. Deliveries get one queue per platform so each platform has its own global rate limit. */
export const QUEUE_NAMES = {
  maintenance: 'ingest',
  digest: 'digest',
  deliver: (platform: Platform) => `deliver-${platform}`,
} as const;

/** Job names inside the queues. */
export const JOB_NAMES = { ingest: 'ingest', sweep: 'sweep', digest: 'digest', deliver: 'deliver' } as const;

/** Scheduler ids: one for ingest, one for the outbox sweep, one per channel for digests. */
export const SCHEDULER_IDS = {
  ingest: 'ingest',
  sweep: 'outbox-sweep',
  channel: (channelId: number) => `channel-${channelId}`,
  channelIdOf: (schedulerId: string): number | undefined => {
    const m = /^channel-(\d+)$/.exec(schedulerId);
    return m ? Number(m[1]) : undefined;
  },
};

export interface DigestJobData {
  channelId: number;
  /** Why this digest runs: its schedule, or `papers digest --run-now`. */
  trigger: 'schedule' | 'run-now';
}

export interface DeliverJobData {
  deliveryId: string;
  /** A pacing slot (epoch ms) reserved for this attempt, set while the job waits for it. */
  paceSlot?: number;
  /** The attempt (`attemptsMade`) the reservation belongs to. */
  paceAttempt?: number;
}

export type MaintenanceJobData = Record<string, never>;

/** Per-platform delivery limits. */
export interface PlatformPacing {
  /**
   * Minimum spacing between two posts to the same channel, from the previous post's answer to the next
   * send, in ms (0 = no pacing). Slack allows about one message per second per channel.
   */
  perChannelIntervalMs: number;
  /** Global cap for this platform's deliver queue across every worker process (BullMQ limiter). */
  limiter: { max: number; duration: number };
}

/** Retry, concurrency and rate-limit settings. Tests shrink delays; production uses the defaults. */
export interface JobsTuning {
  deliver: { attempts: number; backoffMs: number; concurrency: number };
  digest: { attempts: number; backoffMs: number; concurrency: number };
  ingest: { attempts: number; backoffMs: number };
  /** How often unfinished deliveries are re-enqueued (ms), and how idle they must be first. */
  sweep: { everyMs: number; idleMs: number };
  pacing: Record<Platform, PlatformPacing>;
  /** BullMQ lock and stall detection; a crashed worker's job runs again after about `lockDurationMs`. */
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** How many completed / failed jobs to keep (jobId dedupe works while a job exists). */
  keepCompletedSeconds: number;
  keepFailed: number;
}

export const DEFAULT_TUNING: JobsTuning = {
  deliver: { attempts: 8, backoffMs: 2_000, concurrency: 50 },
  digest: { attempts: 5, backoffMs: 5_000, concurrency: 10 },
  ingest: { attempts: 3, backoffMs: 60_000 },
  sweep: { everyMs: 5 * 60_000, idleMs: 2 * 60_000 },
  pacing: {
    slack: { perChannelIntervalMs: 1_000, limiter: { max: 10, duration: 1_000 } },
    discord: { perChannelIntervalMs: 0, limiter: { max: 40, duration: 1_000 } },
  },
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  keepCompletedSeconds: 24 * 3600,
  keepFailed: 10_000,
};

/** Merges partial tuning over the defaults (one level deep, pacing per platform). */
export function resolveTuning(partial: DeepPartial<JobsTuning> = {}): JobsTuning {
  const t = DEFAULT_TUNING;
  return {
    ...t,
    ...(partial as Partial<JobsTuning>),
    deliver: { ...t.deliver, ...partial.deliver },
    digest: { ...t.digest, ...partial.digest },
    ingest: { ...t.ingest, ...partial.ingest },
    sweep: { ...t.sweep, ...partial.sweep },
    pacing: {
      slack: { ...t.pacing.slack, ...partial.pacing?.slack, limiter: { ...t.pacing.slack.limiter, ...partial.pacing?.slack?.limiter } },
      discord: { ...t.pacing.discord, ...partial.pacing?.discord, limiter: { ...t.pacing.discord.limiter, ...partial.pacing?.discord?.limiter } },
    },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

function jobDefaults(tuning: JobsTuning, kind: 'deliver' | 'digest' | 'ingest'): DefaultJobOptions {
  return {
    attempts: tuning[kind].attempts,
    backoff: { type: 'exponential', delay: tuning[kind].backoffMs },
    removeOnComplete: { age: tuning.keepCompletedSeconds },
    removeOnFail: { count: tuning.keepFailed },
  };
}

/** The queues (producer side), all on one connection and under one prefix. */
export class JobQueues {
  readonly maintenance: Queue<MaintenanceJobData>;
  readonly digest: Queue<DigestJobData>;
  readonly deliver: Record<Platform, Queue<DeliverJobData>>;

  constructor(readonly connection: Redis, readonly prefix: string, readonly tuning: JobsTuning) {
    const base = { connection, prefix };
    this.maintenance = new Queue(QUEUE_NAMES.maintenance, { ...base, defaultJobOptions: jobDefaults(tuning, 'ingest') });
    this.digest = new Queue(QUEUE_NAMES.digest, { ...base, defaultJobOptions: jobDefaults(tuning, 'digest') });
    this.deliver = {
      slack: new Queue(QUEUE_NAMES.deliver('slack'), { ...base, defaultJobOptions: jobDefaults(tuning, 'deliver') }),
      discord: new Queue(QUEUE_NAMES.deliver('discord'), { ...base, defaultJobOptions: jobDefaults(tuning, 'deliver') }),
    };
  }

  all(): Queue[] {
    return [this.maintenance, this.digest, this.deliver.slack, this.deliver.discord];
  }

  /**
   * Enqueues a delivery; its job id is the delivery id, so enqueueing twice while the job exists is a no-op.
   * `fresh` (a delivery just written) skips the check for a failed job left by an earlier run.
   */
  async enqueueDelivery(platform: Platform, deliveryId: string, options: { fresh?: boolean } = {}): Promise<void> {
    const queue = this.deliver[platform];
    if (!options.fresh) {
      const existing = await queue.getJob(deliveryId);
      if (existing && (await existing.isFailed())) await existing.remove();
    }
    await queue.add(JOB_NAMES.deliver, { deliveryId }, { jobId: deliveryId });
  }

  /** Enqueues digests now (the `--run-now` path): the same job the schedule creates. Returns the job ids. */
  async enqueueDigests(channelIds: number[]): Promise<string[]> {
    const jobs = channelIds.map((channelId) => ({ name: JOB_NAMES.digest, data: { channelId, trigger: 'run-now' as const } }));
    const ids: string[] = [];
    for (let i = 0; i < jobs.length; i += 1_000) {
      const added = await this.digest.addBulk(jobs.slice(i, i + 1_000));
      ids.push(...added.map((j) => j.id!));
    }
    return ids;
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
