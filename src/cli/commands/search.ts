import type { Command } from 'commander';
import { toPaperView } from '../../format/paper-view.ts';
import { parseIntIn } from '../args.ts';
import { paperLines } from '../format-text.ts';
import type { CliRuntime } from '../runtime.ts';

/** `papers search <query...> [--limit N] [--json]` */
export function registerSearch(program: Command, runtime: CliRuntime): void {
  program
    .command('search')
    .description('Search stored papers (words, "exact phrase", -exclude, author:name, since:YYYY-MM-DD, upvotes:>=N)')
    .argument('<query...>', 'what to look for (put -- before a query that starts with -)')
    .option('-n, --limit <n>', 'how many results (1-100)', parseIntIn(1, 100), 10)
    .option('--offset <n>', 'skip this many results (paging)', parseIntIn(0, 100_000), 0)
    .option('--json', 'print a JSON array instead of text')
    .allowUnknownOption(false)
    .action(async (words: string[], options: { limit: number; offset: number; json?: boolean }) => {
      const result = (await runtime.app()).search(words.join(' '), { limit: options.limit, offset: options.offset });
      const views = result.hits.map((h) => ({ ...toPaperView(h.paper, { snippet: h.snippet }), publishedAt: h.paper.publishedAt }));
      if (result.correctedQuery) runtime.io.err(`Showing results for: ${result.correctedQuery}`);
      if (options.json) {
        runtime.io.out(JSON.stringify(views, null, 2));
        return;
      }
      if (views.length === 0) {
        runtime.io.out(`No papers match "${result.query}".`);
        return;
      }
      const lines = views.flatMap((v, i) => paperLines(v, options.offset + i + 1, v.snippet?.replace(/\*\*/g, '')));
      runtime.io.out(lines.join('\n'));
      const more = result.approximate ? `best of the ${result.total.toLocaleString('en')} newest matches` : `${result.total} match${result.total === 1 ? '' : 'es'}`;
      runtime.io.err(`\n${more}${result.hasMore ? `; next page: --offset ${options.offset + options.limit}` : ''}`);
    });
}
