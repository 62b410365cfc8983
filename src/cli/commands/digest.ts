import type { Command } from 'commander';
import { unenrolledChannel } from '../../app/unenrolled-channel.ts';
import { feedDayAt } from '../../core/time.ts';
import { UsageError } from '../../errors.ts';
import { collect, parseDay, parseIntIn } from '../args.ts';
import { paperLines } from '../format-text.ts';
import type { CliRuntime } from '../runtime.ts';

interface DigestOptions {
  dryRun?: boolean;
  date?: string;
  top: number;
  minUpvotes: number;
  topic?: string[];
  runNow?: boolean;
  channel?: number;
}

const USAGE = 'papers digest --dry-run [--date YYYY-MM-DD] [--top N] [--topic "query" ...]\n       papers digest --run-now [--channel <id>]';

/** `--run-now`: enqueues digests on the queue the schedules use; a running bot (or `papers worker`) delivers them. */
async function runNow(runtime: CliRuntime, channelId: number | undefined): Promise<void> {
  const { config } = runtime;
  const { enqueueDigestsNow } = await import('../../main.ts');
  const result = await enqueueDigestsNow({ redisUrl: config.redis.url, prefix: config.redis.prefix, channels: runtime.context().channels, channelId });
  const paused = result.paused.length > 0 ? `; ${result.paused.length} paused channel(s) left out (${result.paused.map((c) => c.id).join(', ')})` : '';
  runtime.io.out(`Enqueued ${result.enqueued.length} digest(s)${paused}. A running bot (npm start or papers worker) delivers them; a digest already sent today posts nothing new.`);
}


/** The dry run plans for a place that gets no digests, with the options' settings. */
function cliPreviewChannel(timeZone: string, now: Date, options: { top: number; minUpvotes: number }) {
  return unenrolledChannel({ platform: 'cli', workspaceId: 'cli', channelId: 'cli' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone }, now, {
    topN: options.top,
    minUpvotes: options.minUpvotes,
    emptyBehaviour: 'notice',
  });
}

/** `papers digest --dry-run ...`: prints the papers a digest would post. */
export function registerDigest(program: Command, runtime: CliRuntime): Command {
  return program
    .command('digest')
    .description('Preview a digest (--dry-run) for a feed day, optionally filtered by topics, or send every channel its digest now (--run-now)')
    .option('--dry-run', 'print the papers the digest would post, post nothing')
    .option('--date <day>', 'feed day (default: the latest ingested day)', parseDay)
    .option('--top <n>', 'how many papers (1-25)', parseIntIn(1, 25), 5)
    .option('--min-upvotes <n>', 'only papers with at least this many upvotes', parseIntIn(0, 1_000_000), 0)
    .option('--topic <query>', 'only papers matching this search (repeatable)', collect)
    .option('--run-now', "enqueue every enrolled channel's digest now, through the schedule's queue")
    .option('--channel <id>', 'with --run-now: only this channel (ids from papers channels)', parseIntIn(1, 2 ** 31))
    .action(async (options: DigestOptions) => {
      if (options.runNow) return runNow(runtime, options.channel);
      if (!options.dryRun) throw new UsageError('Say what to do: --dry-run previews a digest, --run-now sends them.', USAGE);
      const ctx = runtime.context();
      for (const topic of options.topic ?? []) ctx.search.compile(topic);
      const day = options.date ?? ctx.papers.latestFeedDay(feedDayAt(ctx.clock.now()));
      if (!day) {
        runtime.io.out('No papers have been ingested yet: run papers ingest --today first.');
        return;
      }
      const plan = ctx.planner.plan(cliPreviewChannel(ctx.config.defaults.timeZone, ctx.clock.now(), options), ctx.clock.now(), {
        feedDay: day,
        topics: options.topic ?? [],
      });
      const header = `Digest for ${day}: ${plan.picks.length} paper${plan.picks.length === 1 ? '' : 's'}`;
      if (plan.empty) {
        runtime.io.out(`${header}. ${plan.view.notice ?? ''}`.trim());
        return;
      }
      const lines = plan.view.papers.flatMap((v, i) => paperLines(v, i + 1, v.matchedTopic ? `topic: ${v.matchedTopic} · ${v.summary}` : v.summary));
      if (plan.view.overflow) lines.push(`+${plan.view.overflow.count} more: ${plan.view.overflow.url}`);
      runtime.io.out([header, '', ...lines].join('\n'));
    });
}
