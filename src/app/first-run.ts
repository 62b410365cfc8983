import type { AppContext } from '../context.ts';
import { addDays, feedDayAt } from '../core/time.ts';
import { describeError } from '../errors.ts';

const STOP_GRACE_MS = 3_000;

/** The first run's background ingest; `stop` lets the day in progress finish and ends it. */
export interface FirstRun {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * A bot started on a database with nothing ingested shows papers at once instead of waiting for the next
 * scheduled ingest: in the background it ingests the feed's today, then the `backfillDays` days before it
 * (oldest first, days already complete skipped), logging its progress. Answers undefined when the database
 * already has papers (or `backfillDays` is negative: never), once the papers store has said so.
 */
export async function startFirstRun(ctx: AppContext, options: { backfillDays: number }): Promise<FirstRun | undefined> {
  const { logger } = ctx;
  const today = feedDayAt(ctx.clock.now());
  if (options.backfillDays < 0 || (await ctx.stores.papers.latestFeedDay()) !== undefined) return undefined;
  const abort = new AbortController();
  const log = logger.child({ component: 'first-run' });
  const run = async () => {
    const { createIngestor } = await import('./ingest-pipeline.ts');
    const ingestor = createIngestor(ctx);
    log.info({ backfillDays: options.backfillDays }, `nothing ingested yet: ingesting the feed's today, then the ${options.backfillDays} days before it`);
    const first = await ingestor.ingestToday(ctx.clock.now());
    log.info({ day: first.day, papers: first.items }, 'first run: today ingested, papers are searchable now');
    if (options.backfillDays === 0 || abort.signal.aborted) return;
    let papers = 0;
    await ingestor.ingestRange(addDays(today, -options.backfillDays), addDays(today, -1), {
      signal: abort.signal,
      onDay: (report, done, total) => {
        if (!('skippedAsDone' in report)) papers += report.items;
        log.info({ day: report.day, done, total, papers }, `first run: backfill ${done}/${total} days`);
      },
    });
    log.info({ papers, days: options.backfillDays }, abort.signal.aborted ? 'first run: backfill stopped at shutdown; papers ingest --from --to fills the rest' : 'first run: backfill done');
  };
  const done = run().catch((error: unknown) => {
    log.warn({ err: describeError(error) }, 'first run: ingest failed; the scheduled ingest (or papers ingest --today) fills the database instead');
  });
  return {
    done,
    async stop() {
      abort.abort();
      // A day's ingest in flight finishes on its own (idempotent); shutdown waits for it only a little.
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())]);
    },
  };
}
