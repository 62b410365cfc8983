import type { Command } from 'commander';
import { NOTHING_INGESTED, type BeyondHit, type BeyondMode, type BeyondResult } from '../../search/wider-search.ts';
import type { Day } from '../../core/time.ts';
import type { Paper } from '../../core/types.ts';
import { toPaperView } from '../../format/paper-view.ts';
import { parseIntIn } from '../args.ts';
import { paperLines } from '../format-text.ts';
import type { CliRuntime } from '../runtime.ts';

interface SearchOptions {
  limit: number;
  offset: number;
  json?: boolean;
  hf?: boolean;
  exact?: boolean;
}

/** One result as `--json` prints it: the paper's view, when it was published and the feed day that listed it. */
function item(paper: Paper, feedDay: Day | null, extra: Record<string, unknown> = {}) {
  return { ...toPaperView(paper, extra.snippet ? { snippet: extra.snippet as string } : {}), publishedAt: paper.publishedAt, feedDay, ...extra };
}

const feedNote = (feedDay: Day | null) => (feedDay ? `on the feed ${feedDay}` : 'not on the Daily Papers feed');

/**
 * `--hf` always asks Hugging Face, `--no-hf` never; otherwise the text output asks when few stored papers
 * match, while `--json` keeps to the stored papers unless `--hf` is given (its array stays what it was).
 */
function modeOf(options: SearchOptions): BeyondMode {
  if (options.hf === true) return 'always';
  if (options.hf === false || options.json) return 'never';
  return 'auto';
}

function beyondLines(beyond: BeyondResult, offset: number): string[] {
  if (beyond.kind === 'unavailable') return [];
  if (beyond.hits.length === 0) return ['', `Hugging Face's search found nothing more for "${beyond.asked}".`];
  const lines = ['', `From Hugging Face's search ("${beyond.asked}"):`];
  beyond.hits.forEach((hit: BeyondHit, i) => {
    const mark = hit.newToUs ? 'new to us, stored now · ' : '';
    lines.push(...paperLines(toPaperView(hit.paper), offset + i + 1, `${mark}${feedNote(hit.feedDay)}`));
  });
  return lines;
}

/** `papers search <query...> [--limit N] [--offset N] [--json] [--hf | --no-hf] [--exact]` */
export function registerSearch(program: Command, runtime: CliRuntime): void {
  program
    .command('search')
    .description('Search stored papers (words, "exact phrase", -exclude, author:name, since:YYYY-MM-DD, upvotes:>=N, stars:>=N, has:code, sort:new|top)')
    .argument('<query...>', 'what to look for (put -- before a query that starts with -)')
    .option('-n, --limit <n>', 'how many results (1-100)', parseIntIn(1, 100), 10)
    .option('--offset <n>', 'skip this many results (paging)', parseIntIn(0, 100_000), 0)
    .option('--json', 'print a JSON array instead of text')
    .option('--hf', "also ask Hugging Face's own search (papers found are stored on the way)")
    .option('--no-hf', "never ask Hugging Face's search, even when few stored papers match")
    .option('--exact', 'search the words as written, without correcting misspellings')
    .allowUnknownOption(false)
    .action(async (words: string[], options: SearchOptions) => {
      const app = await runtime.app();
      const page = { limit: options.limit, offset: options.offset, ...(options.exact ? { correct: false } : {}) };
      const { local: result, beyond, nothingIngested } = await app.searchWide(words.join(' '), page, modeOf(options));
      if (result.correctedQuery) runtime.io.err(`Showing results for: ${result.correctedQuery} (search the words as written: add --exact)`);
      if (beyond?.kind === 'unavailable') runtime.io.err(`Hugging Face's search could not be reached (${beyond.reason}); showing stored papers only.`);
      if (options.json) {
        const found = beyond?.kind === 'found' ? beyond.hits.map((h) => item(h.paper, h.feedDay, { source: 'huggingface', newToUs: h.newToUs })) : [];
        runtime.io.out(JSON.stringify([...result.hits.map((h) => item(h.paper, h.feedDay, { snippet: h.snippet })), ...found], null, 2));
        return;
      }
      const lines = result.hits.flatMap((h, i) => paperLines(toPaperView(h.paper), options.offset + i + 1, [h.snippet?.replace(/\*\*/g, ''), feedNote(h.feedDay)].filter(Boolean).join(' · ')));
      if (lines.length === 0) lines.push(nothingIngested ? NOTHING_INGESTED : `No papers match "${result.query}".`);
      if (beyond) lines.push(...beyondLines(beyond, options.offset + result.hits.length));
      runtime.io.out(lines.join('\n'));
      const more = result.approximate ? `best of the ${result.total.toLocaleString('en')} newest matches` : `${result.total} match${result.total === 1 ? '' : 'es'}`;
      runtime.io.err(`\n${more}${result.hasMore ? `; next page: --offset ${options.offset + options.limit}` : ''}${beyond ? '' : "; --hf also asks Hugging Face's search"}`);
    });
}
