import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock } from '../src/core/ports.ts';
import type { ChannelsRepo } from '../src/db/channels-repo.ts';
import type { DeliveriesRepo } from '../src/db/deliveries-repo.ts';
import { describeError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import type { DigestPlanner } from '../src/select/digest-planner.ts';
import { JOB_NAMES, type JobQueues, type MaintenanceJobData } from './queues.ts';

/** Ingests the feed's today (the ingest pipeline, injected). */
export type IngestRunner = (now: Date) => Promise<unknown>;

/**
 * Keeps every process's digest planner fresh: an ingest bumps a counter in Redis, and a process that
 * sees a new value (or whose cache is older than `maxAgeMs`, which covers CLI ingests) drops its cache.
 */
export class PlannerFreshness {
  private seen: string | null = null;
  private checkedAt = 0;
  private invalidatedAt = Date.now();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly planner: DigestPlanner,
    private readonly maxAgeMs = 60_000,
    private readonly checkEveryMs = 1_000,
  ) {}

  private get key(): string {
    return `${this.prefix}:papers:generation`;
  }

  async bump(): Promise<void> {
    await this.redis.incr(this.key);
  }

  async refresh(): Promise<void> {
    const now = Date.now();
    if (now - this.checkedAt < this.checkEveryMs) return;
    this.checkedAt = now;
    const generation = await this.redis.get(this.key);
    if (generation !== this.seen || now - this.invalidatedAt > this.maxAgeMs) {
      this.seen = generation;
      this.invalidatedAt = now;
      this.planner.invalidate();
    }
  }
}

/** Re-enqueues unfinished deliveries (a digest job that died between the outbox write and the enqueue). */
export async function sweepOutbox(deps: { deliveries: DeliveriesRepo; channels: ChannelsRepo; queues: JobQueues }, idleMs: number): Promise<number> {
  let count = 0;
  for (const delivery of deps.deliveries.unfinished({ idleMs })) {
    const channel = deps.channels.get(delivery.channelId);
    if (!channel) {
      deps.deliveries.markFailed(delivery.id, 'channel removed');
      continue;
    }
    await deps.queues.enqueueDelivery(channel.platform, delivery.id);
    count++;
  }
  return count;
}

export interface MaintenanceDeps {
  ingest?: IngestRunner;
  freshness: PlannerFreshness;
  planner: DigestPlanner;
  deliveries: DeliveriesRepo;
  channels: ChannelsRepo;
  queues: JobQueues;
  clock: Clock;
  logger: Logger;
  sweepIdleMs: number;
}

/** Runs the `ingest` queue: scheduled ingests and outbox sweeps. */
export function createMaintenanceProcessor(deps: MaintenanceDeps) {
  return async (job: Job<MaintenanceJobData>): Promise<{ swept: number; ingested?: boolean }> => {
    if (job.name === JOB_NAMES.ingest) {
      if (!deps.ingest) {
        deps.logger.warn('ingest job skipped: this process has no ingest pipeline');
        return { swept: 0, ingested: false };
      }
      try {
        await deps.ingest(deps.clock.now());
      } catch (error) {
        deps.logger.warn({ err: describeError(error) }, 'scheduled ingest failed');
        throw error;
      }
      deps.planner.invalidate();
      await deps.freshness.bump();
    }
    const swept = await sweepOutbox(deps, deps.sweepIdleMs);
    if (swept > 0) deps.logger.info({ swept }, 'unfinished deliveries re-enqueued');
    return { swept, ingested: job.name === JOB_NAMES.ingest };
  };
}
