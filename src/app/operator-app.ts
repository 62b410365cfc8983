import type { AppContext } from '../context.ts';
import type { Clock, DigestTrigger } from '../core/ports.ts';
import { feedDayAt } from '../core/time.ts';
import type { Day } from '../core/time.ts';
import type { Channel, Paper } from '../core/types.ts';
import type { OutboxDelivery } from '../db/deliveries-repo.ts';
import { NotFoundError } from '../errors.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import { SimilarPapers, type SimilarResult } from '../search/similar.ts';
import type { DigestPlan } from '../select/digest-planner.ts';
import { unenrolledChannel } from './unenrolled-channel.ts';
import type { BeyondMode, WiderSearch, WideResult } from '../search/wider-search.ts';

/** A digest as the outbox records it (what was posted, when, and how it went). */
export type DigestRecord = OutboxDelivery;

/** An enrolled channel as an operator sees it: its topics and its latest digest. */
export interface ChannelOverview {
  channel: Channel;
  topics: string[];
  lastDelivery: DigestRecord | null;
}

/** What `runDigestsNow` did: the channels whose digest was started, and the paused ones left out. */
export interface RunNowResult {
  enqueued: Channel[];
  paused: Channel[];
}

/** A digest preview for a place that gets no digests, with these settings. */
export interface DigestPreviewOptions {
  /** Feed day; default the latest ingested one. */
  date?: Day;
  top: number;
  minUpvotes: number;
  topics: string[];
}

export type DigestPreview = { kind: 'nothing-ingested' } | { kind: 'plan'; day: Day; plan: DigestPlan };

/** An ingest pipeline for one run; `close` ends its indexing thread, if it has one. */
export interface IngestRun {
  ingestor: Ingestor;
  close(): Promise<void>;
}

/**
 * What an operator asks of the bot (the CLI today, the dashboard next): the catalogue, the channels, digest
 * previews, ingests and run-now. Every rule behind these calls lives here or below, never in the entry point.
 */
export interface OperatorApp {
  readonly clock: Clock;
  /** Where the database lives (a file path, or `:memory:`). */
  /**
   * The stored papers, and Hugging Face's own search as `mode` says (`auto`: when they are few), with what it
   * found stored on the way. `correct: false` searches the words as written.
   */
  searchWide(query: string, page: { limit: number; offset: number; correct?: boolean }, mode: BeyondMode): Promise<WideResult>;
  paper(id: string): Promise<Paper | undefined>;
  /**
   * The `limit` stored papers closest to paper `id` (a canonical arXiv id) by TF-IDF cosine, closest
   * first, never the paper itself; undefined when that paper is not stored.
   */
  similar(id: string, limit: number): Promise<SimilarResult | undefined>;
  channels(): Promise<ChannelOverview[]>;
  /** Validates the topics (a `UsageError` names a bad one) and plans on the day. */
  previewDigest(options: DigestPreviewOptions): Promise<DigestPreview>;
  /** Starts the digests of every enrolled channel, or of channel `channelId`, on the schedules' path. */
  runDigestsNow(channelId?: number): Promise<RunNowResult>;
  /** An ingest pipeline; `backfill` on a SQLite file indexes on a second thread while a long range is written. */
  ingest(options?: { backfill?: boolean }): Promise<IngestRun>;
  close(): Promise<void>;
}

export interface OperatorAppDeps {
  ctx: AppContext;
  /** Where run-now digests go (the CLI: a short-lived connection to the queues). */
  trigger: DigestTrigger;
}

/** Builds the operator's application on a context (the composition root's). */
export function createOperatorApp({ ctx, trigger }: OperatorAppDeps): OperatorApp {
  let similar: SimilarPapers | undefined;
  let wider: WiderSearch | undefined;
  return {
    clock: ctx.clock,
    async searchWide(query, page, mode) {
      const { createWiderSearch } = await import('./ingest-pipeline.ts');
      wider ??= createWiderSearch(ctx);
      return wider.search(query, page, mode);
    },
    paper: (id) => ctx.stores.papers.get(id),
    similar: (id, limit) => (similar ??= new SimilarPapers(ctx.searchStore, ctx.stores.papers)).find(id, limit),
    async channels() {
      const { channels, deliveries } = ctx.stores;
      const [topics, latest, all] = await Promise.all([channels.topicQueriesByChannel(), deliveries.latestByChannel(), channels.list()]);
      return all.map((channel) => ({ channel, topics: topics.get(channel.id) ?? [], lastDelivery: latest.get(channel.id) ?? null }));
    },
    async previewDigest(options) {
      for (const topic of options.topics) ctx.search.validate(topic);
      const now = ctx.clock.now();
      const day = options.date ?? (await ctx.stores.papers.latestFeedDay(feedDayAt(now)));
      if (!day) return { kind: 'nothing-ingested' };
      const place = unenrolledChannel({ platform: 'cli', workspaceId: 'cli', channelId: 'cli' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: ctx.config.defaults.timeZone }, now, {
        topN: options.top,
        minUpvotes: options.minUpvotes,
        emptyBehaviour: 'notice',
      });
      return { kind: 'plan', day, plan: await ctx.planner.plan(place, now, { feedDay: day, topics: options.topics }) };
    },
    async runDigestsNow(channelId) {
      const chosen = channelId === undefined ? await ctx.stores.channels.list() : [await ctx.stores.channels.get(channelId)];
      if (chosen[0] === undefined && channelId !== undefined) throw new NotFoundError(`No channel ${channelId}; "papers channels" lists them.`);
      const all = chosen as Channel[];
      const enqueued = all.filter((c) => !c.paused);
      await trigger.enqueueDigests(enqueued.map((c) => c.id));
      return { enqueued, paused: all.filter((c) => c.paused) };
    },
    async ingest(options = {}) {
      const { createIngestor } = await import('./ingest-pipeline.ts');
      // The indexing thread writes SQLite's FTS5 index beside the file; PostgreSQL's search vector needs none.
      const file = ctx.database.sqlitePath;
      if (!options.backfill || file === undefined || file === ':memory:') return { ingestor: createIngestor(ctx), close: async () => {} };
      const { BackgroundIndexer } = await import('../db/background-indexer.ts');
      const indexer = new BackgroundIndexer(file);
      return { ingestor: createIngestor(ctx, { indexer }), close: () => indexer.close() };
    },
    close: () => ctx.close(),
  };
}
