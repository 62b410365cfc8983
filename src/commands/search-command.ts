import type { CommandReply } from '../core/commands.ts';
import { toPaperView } from '../format/paper-view.ts';
import { QUERY_SYNTAX_HELP } from '../search/query.ts';
import type { SearchResult } from '../search/search-service.ts';
import { NOTHING_INGESTED, type BeyondMode, type BeyondResult, type WideResult } from '../search/wider-search.ts';
import { UsageError } from '../errors.ts';
import { clip, freeText } from './command-args.ts';
import type { Command, CommandEnv } from './command.ts';
import { worded } from './command-wording.ts';
import { validateTopic } from './subscribe-command.ts';

/** Results per page (and per "More"). */
export const SEARCH_PAGE_SIZE = 5;
const MAX_OFFSET = 500;
/** The cursor of the "Search all of Hugging Face" button: the first page, asking Hugging Face too. */
export const BEYOND_CURSOR = 'hf';

/** A page cursor (`5`, `10`, ...) or the Hugging Face one; anything else is the first page. */
function pageOf(cursor: string | undefined): { offset: number; mode: BeyondMode } {
  if (cursor === BEYOND_CURSOR) return { offset: 0, mode: 'always' };
  const n = Number(cursor ?? '');
  return { offset: cursor && Number.isInteger(n) && n >= 0 && n <= MAX_OFFSET ? n : 0, mode: 'auto' };
}

function searchWide(env: CommandEnv, query: string, offset: number, mode: BeyondMode): Promise<WideResult> {
  return env.wider.search(query, { limit: SEARCH_PAGE_SIZE, offset }, mode);
}

function correctionNotes(req: Parameters<Command['run']>[0], result: SearchResult): string[] {
  if (!result.correctedQuery || !result.original) return [];
  // The way back to the words as typed is the same command with spell:off (it pages as usual).
  const fixed = (result.corrections ?? []).map((c) => `${c.from} → ${c.to}`).join(', ');
  const asWritten = worded(req, 'searchUsage').split('\n')[0]!.replace(/<[^>]*>/, clip(result.original, 200));
  return [`Showing results for "${clip(result.correctedQuery, 100)}"${fixed ? ` (${fixed})` : ''}.`, `Search for the words as written instead: ${asWritten}`];
}

function beyondNote(beyond: BeyondResult | undefined): string[] {
  if (!beyond) return [];
  if (beyond.kind === 'unavailable') return ["Hugging Face's search could not be reached just now, so these are the papers stored here only."];
  if (beyond.hits.length === 0) return ["Hugging Face's search found nothing more."];
  const fresh = beyond.hits.filter((h) => h.newToUs).length;
  return [`${beyond.hits.length} more from Hugging Face's search${fresh > 0 ? ` (${fresh} new here, stored now so topics can match them)` : ''}.`];
}

/** The "Subscribe to this search" button's command: only for a query `/papers subscribe` would take as it is. */
function subscribeTo(query: string, env: CommandEnv): { subscribe: { command: 'subscribe'; text: string } } | Record<string, never> {
  try {
    return { subscribe: { command: 'subscribe', text: validateTopic(query, (t) => env.ctx.search.validate(t)) } };
  } catch (error) {
    if (error instanceof UsageError) return {};
    throw error;
  }
}

function nothingFound(query: string, offset: number, { beyond, nothingIngested }: WideResult): CommandReply {
  return {
    kind: 'text',
    visibility: 'ephemeral',
    title: `No results for "${clip(query, 100)}"`,
    lines: [
      offset > 0 ? 'There are no more results.' : nothingIngested ? NOTHING_INGESTED : `No paper matches "${clip(query, 200)}".`,
      ...beyondNote(beyond).filter((line) => !line.endsWith('found nothing more.')),
      'Try fewer or broader words, or check the syntax with /papers help.',
    ],
  };
}

export const searchCommand = {
  name: 'search',
  description: 'Search every paper we know of; results are visible only to you.',
  usage: { wording: 'searchUsage' },
  manages: false,
  async run(req, env) {
    const query = freeText(req, 'query');
    if (query === '') throw new UsageError('Tell me what to search for.', `${worded(req, 'searchUsage').split('\n')[0]}\n${QUERY_SYNTAX_HELP}`);
    const { offset, mode } = pageOf(req.cursor);
    const wide = await searchWide(env, query, offset, mode);
    const { local: result, beyond } = wide;
    const found = beyond?.kind === 'found' ? beyond.hits : [];
    if (result.hits.length === 0 && found.length === 0) return nothingFound(query, offset, wide);
    const notes = [...correctionNotes(req, result)];
    const shown = result.hits.length > 0 ? `Papers ${offset + 1}-${offset + result.hits.length} of ${result.approximate ? 'more than ' : ''}${result.total} matching.` : 'No stored paper matches.';
    notes.push(shown, ...beyondNote(beyond));
    const badge = (newToUs: boolean) => (newToUs ? "New here: found by Hugging Face's search" : "Found by Hugging Face's search");
    return {
      kind: 'papers',
      visibility: 'ephemeral',
      title: `Results for "${clip(query, 100)}"`,
      note: notes.join('\n'),
      papers: [...result.hits.map((h) => toPaperView(h.paper, { snippet: h.snippet })), ...found.map((h) => ({ ...toPaperView(h.paper), badge: badge(h.newToUs) }))],
      shareable: true,
      ...(result.hasMore ? { more: { command: 'search', text: query, cursor: String(offset + result.hits.length) } } : {}),
      ...(env.wider.reachesBeyond && !beyond && offset === 0 ? { beyond: { command: 'search', text: query, cursor: BEYOND_CURSOR } } : {}),
      ...subscribeTo(query, env),
    };
  },
} satisfies Command;
