import { Queue, Worker, type Job, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueCounts } from '../src/core/metrics.ts';
import type { ChatPlatform, DigestTrigger } from '../src/core/ports.ts';
import type { Platform } from '../src/core/types.ts';
import { describeError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { ChannelPacer } from './channel-pacer.ts';
import { createDeliverProcessor } from './deliver-processor.ts';
import { createDigestProcessor } from './digest-processor.ts';
import { cronRepeat, DigestScheduler, upsertSchedulerIfChanged, type RepeatRule } from './digest-scheduler.ts';
import { createMaintenanceProcessor, RedisFreshnessSignal, sweepOutbox, type IngestRunner } from './maintenance.ts';
import type { ChannelService } from '../src/app/channel-service.ts';
import type { PapersWork } from '../src/app/papers-work.ts';
import { JOB_NAMES, JobQueues, QUEUE_NAMES, resolveTuning, SCHEDULER_IDS, type DeepPartial, type DeliverJobData, type JobsTuning } from './queues.ts';
import { assertRedisReachable, createRedis } from './redis-connection.ts';

/** The maintenance queue's name before it was `maintenance`. */
const LEGACY_MAINTENANCE_QUEUE = 'ingest';

export interface OpenJobsOptions {
  /** The use cases the jobs run (src/app): the only part of the core they see. */
  work: PapersWork;
  redisUrl: string;
  /** Key prefix of every queue and key (`QUEUE_PREFIX`). */
  prefix: string;
  /** Cron pattern of the ingest scheduler (`INGEST_CRON`, UTC). */
  ingestCron: string;
  tuning?: DeepPartial<JobsTuning>;
  /** How channel schedules become repeat rules (tests use `{ every }`). */
  repeatFor?: RepeatRule;
}

export interface StartWorkersOptions {
  /** The chat platforms this process can post to; deliver workers run only for these. */
  platforms: Partial<Record<Platform, ChatPlatform>>;
  /** The ingest pipeline; without it this process takes no ingest jobs (sweeps still run). */
  ingest?: IngestRunner;
}

/**
 * The queue side of the bot: producers, schedulers and (once started) workers, on one Redis connection.
 * `scheduleSync` exists from the start so the command core can be built before the adapters, and the
 * adapters' chat platforms can be handed to {@link startWorkers} afterwards.
 */
export class Jobs implements DigestTrigger {
  readonly queues: JobQueues;
  readonly scheduleSync: DigestScheduler;
  private readonly channelService: ChannelService;
  readonly tuning: JobsTuning;
  private readonly workers: Worker[] = [];
  private readonly pacer: ChannelPacer;
  private readonly logger: Logger;
  private schedulersOwned = false;
  private legacyRetired = false;
  private everReady = false;
  private resyncing: Promise<void> | undefined;
  private closed = false;

  constructor(readonly connection: Redis, private readonly options: OpenJobsOptions) {
    this.tuning = resolveTuning(options.tuning);
    this.logger = options.work.logger.child({ component: 'jobs' });
    const onQueueError = (queue: { name: string; on: (event: 'error', listener: (error: Error) => void) => unknown }) =>
      queue.on('error', (error: Error) => this.logger.warn({ queue: queue.name, err: describeError(error) }, 'queue error'));
    this.queues = new JobQueues(connection, options.prefix, this.tuning, onQueueError);
    this.scheduleSync = new DigestScheduler(this.queues.digest, () => options.work.scheduledChannels(), this.logger, options.repeatFor ?? cronRepeat);
    this.channelService = options.work.channelService(this.scheduleSync);
    options.work.connectFreshness(new RedisFreshnessSignal(connection, options.prefix));
    this.pacer = new ChannelPacer(connection, options.prefix);
    options.work.metrics.watchQueues(() => this.queueCounts());
    connection.on('error', (error: Error) => this.logger.warn({ err: describeError(error) }, 'redis connection error'));
    connection.on('ready', () => this.onReady());
  }

  /**
   * Owns the schedules: the ingest and sweep schedulers and one digest scheduler per active channel,
   * written only where they differ from Redis. Done again whenever Redis comes back (it may have lost them).
   */
  async startSchedulers(): Promise<void> {
    this.schedulersOwned = true;
    await this.syncSchedules();
  }

  /** Starts the workers: digests, maintenance (ingest + sweep) and one deliver worker per configured platform. */
  async startWorkers(options: StartWorkersOptions): Promise<void> {
    const { work } = this.options;
    const t = this.tuning;
    const runDigest = work.digestRunner({
      enqueueDelivery: (platform, id, options) => this.queues.enqueueDelivery(platform, id, options),
      removeSchedule: (channelId) => this.scheduleSync.remove(channelId),
    });
    this.addWorker(QUEUE_NAMES.digest, createDigestProcessor(runDigest), { concurrency: t.digest.concurrency });
    this.addWorker(
      QUEUE_NAMES.maintenance,
      createMaintenanceProcessor({
        work,
        ingest: options.ingest,
        followUps: () => work.followUps(options.platforms),
        queues: this.queues,
        clock: work.clock,
        logger: work.logger,
        sweepIdleMs: t.sweep.idleMs,
      }),
      { concurrency: 1 },
    );
    const deliverer = work.deliverer(this.channelService);
    for (const [platform, chat] of Object.entries(options.platforms) as [Platform, ChatPlatform][]) {
      const holder: { worker?: Worker<DeliverJobData> } = {};
      const override = t.pacing[platform];
      const pacing = { ...chat.delivery, ...override, limiter: { ...chat.delivery.limiter, ...override?.limiter } };
      const processor = createDeliverProcessor({
        deliverer,
        chat,
        pacing,
        pacer: this.pacer,
        worker: () => holder.worker!,
      });
      holder.worker = this.addWorker(QUEUE_NAMES.deliver(platform), processor, { concurrency: t.deliver.concurrency, limiter: pacing.limiter });
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    const swept = await sweepOutbox({ work, queues: this.queues }, 0);
    this.logger.info({ platforms: Object.keys(options.platforms), ingest: Boolean(options.ingest), swept }, 'workers started');
  }

  /** Enqueues these channels' digests now on the schedules' own queue (a {@link DigestTrigger}). Returns the job ids. */
  async enqueueDigests(channelIds: number[]): Promise<string[]> {
    return this.queues.enqueueDigests(channelIds);
  }

  /** Waits for digest jobs to finish and returns their outcomes (tests and the CLI's --wait). */
  async digestOutcomes(jobIds: string[], timeoutMs = 30_000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    const out: unknown[] = [];
    for (const id of jobIds) {
      for (;;) {
        const state = await this.queues.digest.getJobState(id);
        if (state === 'completed' || state === 'failed') {
          // Read the job only once it has finished: a copy read while it ran carries no return value yet.
          const job = await this.queues.digest.getJob(id);
          out.push(state === 'completed' ? job?.returnvalue : { failed: job?.failedReason });
          break;
        }
        if (Date.now() > deadline) throw new Error(`digest job ${id} still ${state} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    return out;
  }

  /** Every queue's job counts by state (`/metrics` reads them at scrape time). */
  async queueCounts(): Promise<QueueCounts[]> {
    return Promise.all(this.queues.all().map(async (queue) => ({ queue: queue.name, counts: await queue.getJobCounts() })));
  }

  /** Resolves when Redis answers a PING within `timeoutMs`; rejects otherwise (readiness). */
  async ping(timeoutMs = 1_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.connection.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops taking jobs and waits for in-flight ones (unless `force`); queues and Redis stay open. */
  async stopWorkers(options: { force?: boolean } = {}): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(options.force)));
  }

  /**
   * Stops taking jobs, lets in-flight ones finish (unless `force`), then closes the queues and Redis.
   * A job cut off by `force` is picked up again by another worker once its lock expires.
   */
  async close(options: { force?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopWorkers(options);
    await this.queues.close();
    await this.connection.quit().catch(() => this.connection.disconnect());
  }

  private addWorker<D>(name: string, processor: Processor<D>, extra: { concurrency: number; limiter?: { max: number; duration: number } }): Worker<D> {
    const worker = new Worker<D>(name, processor, {
      connection: this.connection,
      prefix: this.options.prefix,
      concurrency: extra.concurrency,
      limiter: extra.limiter,
      lockDuration: this.tuning.lockDurationMs,
      stalledInterval: this.tuning.stalledIntervalMs,
      maxStalledCount: this.tuning.maxStalledCount,
    });
    worker.on('error', (error) => this.logger.error({ queue: name, err: describeError(error) }, 'worker error'));
    worker.on('failed', (job: Job<D> | undefined, error: Error) => {
      this.options.work.metrics.jobFailed(name);
      this.logger.warn({ queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: describeError(error) }, 'job failed');
    });
    this.workers.push(worker as Worker);
    return worker;
  }

  private onReady(): void {
    if (!this.everReady) {
      this.everReady = true;
      return;
    }
    this.logger.info('redis connection back: checking schedules and the outbox');
    this.resyncing ??= this.resync().finally(() => {
      this.resyncing = undefined;
    });
  }

  private async resync(): Promise<void> {
    try {
      if (this.schedulersOwned) await this.syncSchedules();
      if (this.workers.length > 0) await sweepOutbox({ work: this.options.work, queues: this.queues }, 0);
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'resync after reconnect failed; the next reconnect or sweep retries');
    }
  }

  /** Before the maintenance queue had its own name it was called `ingest`: its schedulers stop, so nothing runs twice. */
  private async retireLegacyMaintenanceQueue(): Promise<void> {
    const legacy = new Queue(LEGACY_MAINTENANCE_QUEUE, { connection: this.connection, prefix: this.options.prefix });
    legacy.on('error', () => {});
    try {
      const removed = (await Promise.all([legacy.removeJobScheduler(SCHEDULER_IDS.ingest), legacy.removeJobScheduler(SCHEDULER_IDS.sweep)])).some(Boolean);
      if (removed) this.logger.info({ queue: LEGACY_MAINTENANCE_QUEUE }, 'retired the old maintenance queue name');
    } finally {
      await legacy.close();
    }
  }

  private async syncSchedules(): Promise<void> {
    if (!this.legacyRetired) {
      await this.retireLegacyMaintenanceQueue();
      this.legacyRetired = true;
    }
    await upsertSchedulerIfChanged(this.queues.maintenance, SCHEDULER_IDS.ingest, { pattern: this.options.ingestCron, tz: 'UTC' }, { name: JOB_NAMES.ingest, data: {} });
    await upsertSchedulerIfChanged(this.queues.maintenance, SCHEDULER_IDS.sweep, { every: this.tuning.sweep.everyMs }, { name: JOB_NAMES.sweep, data: {} });
    await this.scheduleSync.syncAll();
  }
}

/**
 * Connects to Redis (failing at once, with one line naming REDIS_URL, when it is unreachable) and builds
 * the queues and the schedule sync. Start schedulers and workers on the returned {@link Jobs}.
 */
export async function openJobs(options: OpenJobsOptions): Promise<Jobs> {
  await assertRedisReachable(options.redisUrl);
  const connection = createRedis(options.redisUrl, `${options.prefix}-jobs`);
  const jobs = new Jobs(connection, options);
  await connection.ping();
  return jobs;
}
