import type { Platform } from './types.ts';

/**
 * How one delivery attempt ended, as counted: `sent` (posted now), `found` (an earlier attempt had posted it),
 * `unconfirmed` (may have posted, cannot be checked: counted as sent), `rate_limited` (back to the queue),
 * `refused` (the platform refused the channel for good), `failed` (will retry), `gave_up` (after the last
 * attempt; it goes out with the channel's next digest), `unreadable` (its stored view could not be read).
 */
export type DeliveryStatus = 'sent' | 'found' | 'unconfirmed' | 'rate_limited' | 'refused' | 'failed' | 'gave_up' | 'unreadable';

/** The upstream calls that are timed: a Daily Papers page (with its retries) and one search. */
export type SourceOperation = 'daily_papers' | 'search';

/** One queue's job counts by state (`waiting`, `active`, `delayed`, `failed`, ...), read when metrics are scraped. */
export interface QueueCounts {
  queue: string;
  counts: Record<string, number>;
}

/**
 * What the bot reports about its own work, in neutral terms: the use cases and clients call it where things
 * happen; the composition root injects an implementation (Prometheus, `src/server/prometheus-metrics.ts`) or
 * {@link noMetrics}. Every method is cheap and never throws.
 */
export interface Metrics {
  /** A delivery attempt ended with `status`. */
  deliveryFinished(platform: Platform, status: DeliveryStatus): void;
  /**
   * A digest was posted: seconds from its planning (the delivery row, written when the digest job ran at its
   * scheduled time) to the platform accepting its last part.
   */
  digestPosted(platform: Platform, latenessSeconds: number): void;
  /** A call to Hugging Face ended after `seconds`; `error` is the failure's code when it failed. */
  sourceRequest(operation: SourceOperation, seconds: number, error?: string): void;
  /** A search of the stored papers answered (or refused a malformed query) after `seconds`. */
  searchFinished(seconds: number): void;
  /** Papers an ingest stored: `added` new to the catalogue, `updated` already there and changed (upvotes, stars). */
  papersIngested(added: number, updated: number): void;
  /** A job attempt of `queue` failed (it may be retried). */
  jobFailed(queue: string): void;
  /** Where queue depths are read from at scrape time (the job runner registers it once). */
  watchQueues(read: () => Promise<QueueCounts[]>): void;
}

/** Metrics that go nowhere: the default for tests, the CLI and processes that serve no `/metrics`. */
export const noMetrics: Metrics = {
  deliveryFinished() {},
  digestPosted() {},
  sourceRequest() {},
  searchFinished() {},
  papersIngested() {},
  jobFailed() {},
  watchQueues() {},
};
