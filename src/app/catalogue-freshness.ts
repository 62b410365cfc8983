import type { FreshnessSignal } from '../core/ports.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** A cache built from the stored papers (digest planner bundles, the learned acronym lexicon). */
export interface CatalogueCache {
  invalidate(): void;
}

export interface FreshnessOptions {
  /** The longest any cache serves without a rebuild, even when no signal arrives (an ingest by the CLI). */
  maxAgeMs?: number;
  /** How often the shared signal is read at most (reads are a round trip). */
  checkEveryMs?: number;
}

/**
 * The one rule for how fresh the caches over the stored papers are, in every process: an ingest anywhere
 * bumps a shared generation ({@link FreshnessSignal}); before a cached read, a process that sees a new
 * generation, or whose caches are older than `maxAgeMs`, drops them all. Without a signal (the CLI) only
 * the age applies.
 */
export class CatalogueFreshness {
  private signal: FreshnessSignal | undefined;
  private seen: string | null | undefined;
  private checkedAt = 0;
  private refreshedAt = Date.now();
  private readonly maxAgeMs: number;
  private readonly checkEveryMs: number;

  constructor(
    private readonly caches: CatalogueCache[],
    private readonly logger: Logger,
    options: FreshnessOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.checkEveryMs = options.checkEveryMs ?? 1_000;
  }

  /** Shares the generation with other processes from now on (the queue side connects it). */
  connect(signal: FreshnessSignal): void {
    this.signal = signal;
    this.checkedAt = 0;
  }

  /** The stored papers changed in this process: drops its caches at once and tells the others. */
  async changed(): Promise<void> {
    this.invalidate();
    try {
      await this.signal?.bump();
    } catch (error) {
      this.logger.warn({ err: describeError(error) }, 'could not tell other processes about new papers; they catch up within a minute');
    }
  }

  /** Call before reading cached data: drops the caches when another process changed the papers, or they are too old. */
  async ensureFresh(): Promise<void> {
    const now = Date.now();
    if (now - this.refreshedAt > this.maxAgeMs) return this.invalidate();
    if (!this.signal || now - this.checkedAt < this.checkEveryMs) return;
    this.checkedAt = now;
    let generation: string | null;
    try {
      generation = await this.signal.generation();
    } catch (error) {
      this.logger.debug({ err: describeError(error) }, 'freshness signal unreadable; caches age out instead');
      return;
    }
    if (this.seen !== undefined && generation !== this.seen) this.invalidate();
    this.seen = generation;
  }

  private invalidate(): void {
    this.refreshedAt = Date.now();
    for (const cache of this.caches) cache.invalidate();
  }
}
