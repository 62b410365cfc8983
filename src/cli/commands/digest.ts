import type { Command } from 'commander';
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
  const result = await (await runtime.app()).runDigestsNow(channelId);
  const paused = result.paused.length > 0 ? `; ${result.paused.length} paused channel(s) left out (${result.paused.map((c) => c.id).join(', ')})` : '';
  runtime.io.out(`Enqueued ${result.enqueued.length} digest(s)${paused}. A running bot (npm start or papers worker) delivers them; a digest already sent today posts nothing new.`);
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
      const preview = await (await runtime.app()).previewDigest({ date: options.date, top: options.top, minUpvotes: options.minUpvotes, topics: options.topic ?? [] });
      if (preview.kind === 'nothing-ingested') {
        runtime.io.out('No papers have been ingested yet: run papers ingest --today first.');
        return;
      }
      const { day, plan } = preview;
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
