import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryStatus, Metrics, QueueCounts, SourceOperation } from '../core/metrics.ts';
import type { Platform } from '../core/types.ts';

/** Seconds from a digest's planning to its post: seconds when all is well, hours after downtime or retries. */
const LATENESS_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 24 * 3600];
/** One Hugging Face call, retries included: a search has 2.5 s, a page 15 s per try and up to four retries. */
const SOURCE_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
/** A local search: a few ms on a warm index, up to the first correction's vocabulary load. */
const SEARCH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** {@link Metrics} kept in a prom-client registry, with its text exposition for `GET /metrics`. */
export interface PrometheusMetrics extends Metrics {
  readonly registry: Registry;
  /** The exposition's content type (Prometheus text format 0.0.4). */
  readonly contentType: string;
  /** Every metric in Prometheus text format; queue depths are read now. */
  text(): Promise<string>;
}

/**
 * The bot's metrics in a registry of their own (never prom-client's global one, so two in one process, as
 * in tests, do not collide), with prom-client's default process metrics (`process_*`, `nodejs_*`).
 *
 * - `papers_deliveries_total{platform,status}`: delivery attempts by how they ended (see {@link DeliveryStatus}).
 * - `papers_digest_lateness_seconds{platform}`: from a digest's planning to its post.
 * - `papers_queue_jobs{queue,state}`: jobs per queue and state, read from Redis at scrape time.
 * - `papers_queue_job_failures_total{queue}`: failed job attempts per queue.
 * - `papers_huggingface_request_duration_seconds{operation,result}` and
 *   `papers_huggingface_request_errors_total{operation,code}`: Daily Papers pages and searches.
 * - `papers_search_duration_seconds`: searches of the stored papers.
 * - `papers_ingested_papers_total{change}`: papers stored, `added` or `updated`.
 */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const deliveries = new Counter({ name: 'papers_deliveries_total', help: 'Delivery attempts by platform and how they ended', labelNames: ['platform', 'status'] as const, registers });
  const lateness = new Histogram({
    name: 'papers_digest_lateness_seconds',
    help: 'Seconds from a digest being planned at its scheduled run to the platform accepting it',
    labelNames: ['platform'] as const,
    buckets: LATENESS_BUCKETS,
    registers,
  });
  const failures = new Counter({ name: 'papers_queue_job_failures_total', help: 'Failed job attempts per queue', labelNames: ['queue'] as const, registers });
  const sourceDuration = new Histogram({
    name: 'papers_huggingface_request_duration_seconds',
    help: 'Hugging Face calls (a Daily Papers page with its retries, or one search) by outcome',
    labelNames: ['operation', 'result'] as const,
    buckets: SOURCE_BUCKETS,
    registers,
  });
  const sourceErrors = new Counter({ name: 'papers_huggingface_request_errors_total', help: 'Failed Hugging Face calls by error code', labelNames: ['operation', 'code'] as const, registers });
  const search = new Histogram({ name: 'papers_search_duration_seconds', help: 'Searches of the stored papers', buckets: SEARCH_BUCKETS, registers });
  const ingested = new Counter({ name: 'papers_ingested_papers_total', help: 'Papers stored by ingests: added to the catalogue or updated', labelNames: ['change'] as const, registers });
  let readQueues: (() => Promise<QueueCounts[]>) | undefined;
  new Gauge({
    name: 'papers_queue_jobs',
    help: 'Jobs per queue and state (waiting, active, delayed, failed, ...), read at scrape time',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      this.reset();
      // Redis unreachable: no series this scrape (their absence is the signal), the rest still answers.
      const queues = await readQueues?.().catch(() => undefined);
      for (const { queue, counts } of queues ?? []) for (const [state, count] of Object.entries(counts)) this.set({ queue, state }, count);
    },
  });
  for (const change of ['added', 'updated']) ingested.inc({ change }, 0);

  return {
    registry,
    contentType: registry.contentType,
    text: () => registry.metrics(),
    deliveryFinished: (platform: Platform, status: DeliveryStatus) => deliveries.inc({ platform, status }),
    digestPosted: (platform: Platform, seconds: number) => lateness.observe({ platform }, seconds),
    sourceRequest(operation: SourceOperation, seconds: number, error?: string) {
      sourceDuration.observe({ operation, result: error ? 'error' : 'ok' }, seconds);
      if (error) sourceErrors.inc({ operation, code: error });
    },
    searchFinished: (seconds: number) => search.observe(seconds),
    papersIngested(added: number, updated: number) {
      if (added > 0) ingested.inc({ change: 'added' }, added);
      if (updated > 0) ingested.inc({ change: 'updated' }, updated);
    },
    jobFailed: (queue: string) => failures.inc({ queue }),
    watchQueues(read) {
      readQueues = read;
    },
  };
}
