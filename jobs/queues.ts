import { Queue, type DefaultJobOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { DeliveryPolicy } from '../src/core/ports.ts';
import type { Platform } from '../src/core/types.ts';

/** Queue names. Deliveries get one queue per platform so each platform has its own global rate limit. */
export const QUEUE_NAMES = {
  maintenance: 'maintenance',
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

/** Per-platform delivery limits: each adapter declares its own ({@link DeliveryPolicy}); tuning may override. */
export type PlatformPacing = DeliveryPolicy;

/** Retry, concurrency and rate-limit settings. Tests shrink delays; production uses the defaults. */
export interface JobsTuning {
  deliver: { attempts: number; backoffMs: number; concurrency: number };
  digest: { attempts: number; backoffMs: number; concurrency: number };
  ingest: { attempts: number; backoffMs: number };
  /** How often unfinished deliveries are re-enqueued (ms), and how idle they must be first. */
  sweep: { everyMs: number; idleMs: number };
  /** Overrides of the platforms' own delivery policies, by platform name (tests, benchmarks). */
  pacing: Partial<Record<Platform, Partial<PlatformPacing>>>;
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
  pacing: {},
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 3,
  keepCompletedSeconds: 24 * 3600,
  keepFailed: 10_000,
};

/** Merges partial tuning over the defaults (one level deep; pacing overrides are kept per platform). */
export function resolveTuning(partial: DeepPartial<JobsTuning> = {}): JobsTuning {
  const t = DEFAULT_TUNING;
  return {
    ...t,
    ...(partial as Partial<JobsTuning>),
    deliver: { ...t.deliver, ...partial.deliver },
    digest: { ...t.digest, ...partial.digest },
    ingest: { ...t.ingest, ...partial.ingest },
    sweep: { ...t.sweep, ...partial.sweep },
    pacing: { ...(partial.pacing as Partial<Record<Platform, Partial<PlatformPacing>>> | undefined) },
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
  private readonly deliverQueues = new Map<Platform, Queue<DeliverJobData>>();

  /** @param onQueue called with every queue, including deliver queues made later (error listeners). */
  constructor(
    readonly connection: Redis,
    readonly prefix: string,
    readonly tuning: JobsTuning,
    private readonly onQueue: (queue: Queue) => void = () => {},
  ) {
    const base = { connection, prefix };
    this.maintenance = new Queue(QUEUE_NAMES.maintenance, { ...base, defaultJobOptions: jobDefaults(tuning, 'ingest') });
    this.digest = new Queue(QUEUE_NAMES.digest, { ...base, defaultJobOptions: jobDefaults(tuning, 'digest') });
    onQueue(this.maintenance);
    onQueue(this.digest);
  }

  /** The deliver queue of a platform (one per platform name, made on first use: any registered platform has one). */
  deliver(platform: Platform): Queue<DeliverJobData> {
    let queue = this.deliverQueues.get(platform);
    if (!queue) {
      queue = new Queue(QUEUE_NAMES.deliver(platform), { connection: this.connection, prefix: this.prefix, defaultJobOptions: jobDefaults(this.tuning, 'deliver') });
      this.deliverQueues.set(platform, queue);
      this.onQueue(queue);
    }
    return queue;
  }

  all(): Queue[] {
    return [this.maintenance, this.digest, ...this.deliverQueues.values()];
  }

  /**
   * Enqueues a delivery; its job id is the delivery id, so enqueueing twice while the job exists is a no-op.
   * `fresh` (a delivery just written) skips the check for a failed job left by an earlier run.
   */
  async enqueueDelivery(platform: Platform, deliveryId: string, options: { fresh?: boolean } = {}): Promise<void> {
    const queue = this.deliver(platform);
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
