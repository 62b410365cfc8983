import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Clock, FreshnessSignal } from '../src/core/ports.ts';
import type { PapersWork } from '../src/app/papers-work.ts';
import { describeError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { JOB_NAMES, type JobQueues, type MaintenanceJobData } from './queues.ts';

/** Ingests the feed's today (the ingest pipeline, injected). */
export type IngestRunner = (now: Date) => Promise<unknown>;

/** The shared generation of the stored papers, as a Redis counter under the queue prefix. */
export class RedisFreshnessSignal implements FreshnessSignal {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}:papers:generation`;
  }

  async bump(): Promise<void> {
    await this.redis.incr(this.key);
  }

  generation(): Promise<string | null> {
    return this.redis.get(this.key);
  }
}

/** Re-enqueues unfinished deliveries (a digest job that died between the outbox write and the enqueue). */
export async function sweepOutbox(deps: { work: Pick<PapersWork, 'unfinishedDeliveries'>; queues: JobQueues }, idleMs: number): Promise<number> {
  const unfinished = await deps.work.unfinishedDeliveries(idleMs);
  for (const { platform, deliveryId } of unfinished) await deps.queues.enqueueDelivery(platform, deliveryId);
  return unfinished.length;
}

export interface MaintenanceDeps {
  ingest?: IngestRunner;
  /** Follow-ups on posted papers, after each ingest (the use case in src/app, on this process's platforms). */
  followUps?: () => Promise<unknown>;
  work: Pick<PapersWork, 'unfinishedDeliveries'>;
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
      // A follow-up that fails is recorded by the use case; the ingest stays done either way.
      await deps.followUps?.().catch((error: unknown) => deps.logger.warn({ err: describeError(error) }, 'follow-ups after the ingest failed'));
    }
    const swept = await sweepOutbox(deps, deps.sweepIdleMs);
    if (swept > 0) deps.logger.info({ swept }, 'unfinished deliveries re-enqueued');
    return { swept, ingested: job.name === JOB_NAMES.ingest };
  };
}
