import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { Ingestor } from '../../ingest/ingestor.ts';
import type { DayReport } from '../../ingest/ingestor.ts';
import { daysBetween } from '../../core/time.ts';
import { parseDay } from '../args.ts';
import type { CliRuntime } from '../runtime.ts';

interface IngestOptions {
  date?: string;
  today?: boolean;
  from?: string;
  to?: string;
  refresh?: boolean;
}

const USAGE = 'papers ingest --date YYYY-MM-DD | --today | --from YYYY-MM-DD --to YYYY-MM-DD';
const MAX_RANGE_DAYS = 3660;

function summary(report: DayReport): string {
  const skipped = report.skipped.length > 0 ? `, skipped ${report.skipped.length} malformed` : '';
  return `${report.day}: ${report.items} papers listed, ${report.changed} new or updated${skipped}`;
}

function chooseMode(o: IngestOptions): 'date' | 'today' | 'range' {
  const modes = [o.date !== undefined, o.today === true, o.from !== undefined || o.to !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UsageError('Choose exactly one of --date, --today or --from/--to.', USAGE);
  if (o.from !== undefined || o.to !== undefined) {
    if (!o.from || !o.to) throw new UsageError('--from and --to go together.', USAGE);
    if (o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}.`, USAGE);
    if (daysBetween(o.from, o.to).length > MAX_RANGE_DAYS) throw new UsageError('That range is longer than ten years.', USAGE);
    return 'range';
  }
  return o.date !== undefined ? 'date' : 'today';
}

/** `papers ingest [--date D | --today | --from A --to B]` */
export function registerIngest(program: Command, runtime: CliRuntime): void {
  program
    .command('ingest')
    .description('Fetch Hugging Face Daily Papers into the database (idempotent; re-run to refresh upvotes)')
    .option('--date <day>', 'one feed day, YYYY-MM-DD', parseDay)
    .option('--today', "the feed's today (America/New_York, next day from 21:30); an empty day falls back to the latest non-empty one")
    .option('--from <day>', 'backfill from this day (with --to)', parseDay)
    .option('--to <day>', 'backfill to this day, inclusive', parseDay)
    .option('--refresh', 'with --from/--to: fetch days that were already ingested too')
    .action(async (options: IngestOptions) => {
      const mode = chooseMode(options);
      const app = await runtime.app();
      // A backfill can be large: the search index is built on a second thread while papers are written.
      const run = await app.ingest({ backfill: mode === 'range' });
      try {
        if (mode === 'range') {
          await backfill(runtime, run.ingestor, options.from!, options.to!, options.refresh === true);
        } else if (mode === 'date') {
          runtime.io.out(summary(await run.ingestor.ingestDay(options.date!)));
        } else {
          const report = await run.ingestor.ingestToday(app.clock.now());
          if (report.fellBackFrom) runtime.io.out(`${report.fellBackFrom} has no papers yet; ingested the latest non-empty day instead.`);
          runtime.io.out(summary(report));
        }
      } finally {
        await run.close();
      }
    });
}

async function backfill(runtime: CliRuntime, ingestor: Ingestor, from: string, to: string, refresh: boolean): Promise<void> {
  const total = daysBetween(from, to).length;
  const { SingleBar, Presets } = await import('cli-progress');
  const bar = runtime.io.isTty ? new SingleBar({ format: 'ingest |{bar}| {value}/{total} days | {day} | {papers} papers', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(total, 0, { day: from, papers: 0 });
  let papers = 0;
  let resumed = 0;
  try {
    await ingestor.ingestRange(from, to, {
      refresh,
      onDay: (report, done) => {
        if ('skippedAsDone' in report) resumed++;
        else papers += report.items;
        if (bar) bar.update(done, { day: report.day, papers });
        else if (!('skippedAsDone' in report)) runtime.io.err(summary(report));
      },
    });
  } finally {
    bar?.stop();
  }
  const resumedNote = resumed > 0 ? ` (${resumed} already ingested, skipped; --refresh fetches them again)` : '';
  runtime.io.out(`Ingested ${from} to ${to}: ${papers} papers listed over ${total - resumed} days${resumedNote}.`);
}
