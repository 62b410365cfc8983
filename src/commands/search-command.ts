import { toPaperView } from '../format/paper-view.ts';
import { QUERY_SYNTAX_HELP } from '../search/query.ts';
import { UsageError } from '../errors.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

/** Results per page (and per "More"). */
export const SEARCH_PAGE_SIZE = 5;
const MAX_OFFSET = 500;

function offsetFrom(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const n = Number(cursor);
  return Number.isInteger(n) && n >= 0 && n <= MAX_OFFSET ? n : 0;
}

export const searchCommand = {
  name: 'search',
  description: 'Search every paper we know of; results are visible only to you.',
  usage: { wording: 'searchUsage' },
  manages: false,
  run(req, { ctx }) {
    const query = freeText(req, 'query');
    if (query === '') throw new UsageError('Tell me what to search for.', `${worded(req, 'searchUsage').split('\n')[0]}\n${QUERY_SYNTAX_HELP}`);
    const offset = offsetFrom(req.cursor);
    const result = ctx.search.search(query, { limit: SEARCH_PAGE_SIZE, offset });
    if (result.hits.length === 0) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: `No results for "${clip(query, 100)}"`,
        lines: [
          offset > 0 ? 'There are no more results.' : `No paper matches "${clip(query, 200)}".`,
          'Try fewer or broader words, or check the syntax with /papers help.',
        ],
      };
    }
    const notes: string[] = [];
    if (result.correctedQuery && result.original) {
      // The way back to the words as typed is the same command with spell:off (it pages as usual).
      const fixed = (result.corrections ?? []).map((c) => `${c.from} → ${c.to}`).join(', ');
      notes.push(`Showing results for "${clip(result.correctedQuery, 100)}"${fixed ? ` (${fixed})` : ''}.`);
      const asWritten = worded(req, 'searchUsage').split('\n')[0]!.replace(/<[^>]*>/, clip(result.original, 200));
      notes.push(`Search for the words as written instead: ${asWritten}`);
    }
    const shown = `${offset + 1}-${offset + result.hits.length}`;
    notes.push(`Papers ${shown} of ${result.approximate ? 'more than ' : ''}${result.total} matching.`);
    return {
      kind: 'papers',
      visibility: 'ephemeral',
      title: `Results for "${clip(query, 100)}"`,
      note: notes.join('\n'),
      papers: result.hits.map((h) => toPaperView(h.paper, { snippet: h.snippet })),
      shareable: true,
      ...(result.hasMore ? { more: { command: 'search', text: query, cursor: String(offset + result.hits.length) } } : {}),
    };
  },
} satisfies Command;
