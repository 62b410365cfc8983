import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../errors.ts';
import { toPaperView } from '../../format/paper-view.ts';
import { paperIdFrom } from '../../search/similar.ts';
import { parseIntIn } from '../args.ts';
import { paperLines } from '../format-text.ts';
import type { CliRuntime } from '../runtime.ts';

/** `papers similar <arxiv-id | link> [--limit N] [--json]` */
export function registerSimilar(program: Command, runtime: CliRuntime): void {
  program
    .command('similar')
    .description('Stored papers most like one paper (TF-IDF cosine over title, abstract and keywords)')
    .argument('<arxiv-id>', 'e.g. 2503.10407, 2503.10407v2, or its arxiv.org or huggingface.co/papers link')
    .option('-n, --limit <n>', 'how many papers (1-100)', parseIntIn(1, 100), 10)
    .option('--json', 'print a JSON array (the items of papers search --json, with score 0-1) instead of text')
    .action(async (raw: string, options: { limit: number; json?: boolean }) => {
      const id = paperIdFrom(raw);
      if (!id) throw new UsageError(`"${raw}" is not an arXiv id or a paper's arxiv.org or huggingface.co link.`, 'papers similar 2503.10407');
      const result = await (await runtime.app()).similar(id, options.limit);
      if (!result) throw new NotFoundError(`Paper ${id} is not in the database; ingest its day first (papers ingest --date YYYY-MM-DD).`);
      const views = result.similar.map((s) => ({
        ...toPaperView(s.paper, { snippet: s.snippet }),
        publishedAt: s.paper.publishedAt,
        feedDay: s.feedDay,
        score: Math.round(s.score * 10_000) / 10_000,
      }));
      if (options.json) {
        runtime.io.out(JSON.stringify(views, null, 2));
        return;
      }
      runtime.io.err(`Papers like ${result.paper.id}: ${result.paper.title}\n`);
      if (views.length === 0) {
        runtime.io.out(`No stored paper is like ${result.paper.id} yet.`);
        return;
      }
      const lines = views.flatMap((v, i) => paperLines(v, i + 1, `similarity ${v.score.toFixed(2)} · shares ${result.similar[i]!.shared.join(', ')}`));
      runtime.io.out(lines.join('\n'));
    });
}
