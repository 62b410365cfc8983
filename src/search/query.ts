import { UsageError } from '../errors.ts';
import { isDay, type Day } from '../core/time.ts';
import type { CountFilter, SortOrder, UpvotesFilter } from '../core/compiled-query.ts';
import { wordsOf } from '../core/words.ts';

/** One thing to look for: a word or an exact phrase. `words` are the lower-case words inside it. */
export interface Clause {
  kind: 'word' | 'phrase';
  text: string;
  words: string[];
}

export type { CountFilter, SortOrder, UpvotesFilter };
export { wordsOf };

/**
 * A search in our own small syntax, parsed. Every group must match; a group matches when any of its
 * clauses does (`a OR b`). `exclude` clauses must not match.
 */
export interface ParsedQuery {
  groups: Clause[][];
  exclude: Clause[];
  authors: string[];
  since?: Day;
  upvotes?: UpvotesFilter;
  /** `stars:>=N`: on the paper's GitHub stars. */
  stars?: CountFilter;
  /** `has:code`: only papers with a GitHub repository. */
  hasCode?: boolean;
  /** `sort:new` or `sort:top`; relevance when absent. */
  sort?: Exclude<SortOrder, 'relevance'>;
  /** `spell:off`: search the words as written, never corrected. */
  asWritten?: boolean;
}

export const MAX_QUERY_LENGTH = 500;

export const QUERY_SYNTAX_HELP = [
  'words           papers that mention every word (any form: "model" finds "models", "modelling")',
  '"exact phrase"  the words next to each other, in order',
  'a OR b          either word',
  '-word           leave out papers that mention it (also -"a phrase")',
  'author:name     by an author (author:"Yann LeCun")',
  'since:YYYY-MM-DD  published on or after that day',
  'upvotes:>=N     at least N upvotes (also >, <=, <, =)',
  'stars:>=N       its GitHub repository has at least N stars (also >, <=, <, =)',
  'has:code        only papers with a GitHub repository',
  'sort:new        newest on the feed first (sort:top: most upvoted first)',
  'spell:off       search the words exactly as written, without correcting them',
].join('\n');

const STOP_WORDS = new Set(
  'a an and are as at be by for from has have in into is it its of on or that the their this to was were which with we our'.split(' '),
);

/** Whether a lone word is too common to require ("the", "of"). */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g;

/** Cleans raw user text: drops control and invisible characters, folds compatibility forms, trims. */
export function cleanQueryText(raw: string): string {
  return raw.normalize('NFKC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

interface RawToken {
  value: string;
  quoted: boolean;
  negated: boolean;
}

function tokenize(text: string): RawToken[] {
  const tokens: RawToken[] = [];
  let i = 0;
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    let negated = false;
    if (text[i] === '-' && i + 1 < text.length && text[i + 1] !== ' ') {
      negated = true;
      i++;
    }
    const start = i;
    let prefix = '';
    if (text[i] !== '"') {
      const colon = /^([A-Za-z]+):"/.exec(text.slice(i));
      if (colon) {
        prefix = `${colon[1]}:`;
        i += prefix.length;
      }
    }
    if (text[i] === '"') {
      const end = text.indexOf('"', i + 1);
      const inner = end === -1 ? text.slice(i + 1) : text.slice(i + 1, end);
      i = end === -1 ? text.length : end + 1;
      tokens.push({ value: prefix + inner, quoted: true, negated });
      continue;
    }
    while (i < text.length && text[i] !== ' ') i++;
    tokens.push({ value: text.slice(start, i), quoted: false, negated });
  }
  return tokens;
}

function clauseOf(text: string, quoted: boolean): Clause | undefined {
  const words = wordsOf(text);
  if (words.length === 0) return undefined;
  return { kind: quoted || words.length > 1 ? 'phrase' : 'word', text, words };
}

const FILTER_USAGE = {
  author: 'author:name or author:"First Last"',
  since: 'since:YYYY-MM-DD, e.g. since:2025-01-31',
  upvotes: 'upvotes:>=N, e.g. upvotes:>=20 (also >, <=, <, =)',
  stars: 'stars:>=N, e.g. stars:>=100 (also >, <=, <, =)',
  has: 'has:code (papers with a GitHub repository)',
  sort: 'sort:new (newest first) or sort:top (most upvoted first)',
  spell: 'spell:off (search the words as written)',
};

function parseCount(name: 'upvotes' | 'stars', value: string): CountFilter {
  if (/^(>=|<=|>|<|=)?$/.test(value)) throw new UsageError(`${name}:${value} needs a number of ${name}.`, FILTER_USAGE[name]);
  const m = /^(>=|<=|>|<|=)?(\d{1,9})$/.exec(value);
  if (!m) throw new UsageError(`"${name}:${value}" is not a valid filter.`, FILTER_USAGE[name]);
  return { op: (m[1] ?? '>=') as CountFilter['op'], value: Number(m[2]) };
}

function oneOf<T extends string>(name: 'has' | 'sort' | 'spell', value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if ((allowed as readonly string[]).includes(v)) return v as T;
  const shown = value.length > 30 ? `${value.slice(0, 30)}…` : value;
  throw new UsageError(value === '' ? `${name}: needs a value.` : `"${name}:${shown}" is not a valid filter.`, FILTER_USAGE[name]);
}

function applyOperator(name: string, value: string, query: ParsedQuery): boolean {
  switch (name.toLowerCase()) {
    case 'author': {
      if (wordsOf(value).length === 0) throw new UsageError('author: needs a name.', FILTER_USAGE.author);
      query.authors.push(value);
      return true;
    }
    case 'since': {
      if (value === '') throw new UsageError('since: needs a date.', FILTER_USAGE.since);
      if (!isDay(value)) throw new UsageError(`"since:${value}" is not a date.`, FILTER_USAGE.since);
      query.since = value;
      return true;
    }
    case 'upvotes':
      query.upvotes = parseCount('upvotes', value);
      return true;
    case 'stars':
      query.stars = parseCount('stars', value);
      return true;
    case 'has':
      query.hasCode = oneOf('has', value, ['code'] as const) === 'code';
      return true;
    case 'sort': {
      const sort = oneOf('sort', value, ['new', 'top', 'relevance'] as const);
      if (sort === 'relevance') delete query.sort;
      else query.sort = sort;
      return true;
    }
    case 'spell':
      query.asWritten = oneOf('spell', value, ['off', 'on'] as const) === 'off';
      return true;
    default:
      return false;
  }
}

/**
 * Parses user text into a {@link ParsedQuery}. Never throws on odd characters: anything that is not our
 * syntax is searched as words. Throws {@link UsageError} for an empty or operator-only query, a query
 * over {@link MAX_QUERY_LENGTH} characters, or a malformed filter.
 */
export function parseQuery(raw: string): ParsedQuery {
  const text = cleanQueryText(raw);
  if (text.length > MAX_QUERY_LENGTH) {
    throw new UsageError(`That search is ${text.length} characters long; keep it under ${MAX_QUERY_LENGTH}.`, QUERY_SYNTAX_HELP);
  }
  const query: ParsedQuery = { groups: [], exclude: [], authors: [] };
  let joinNext = false;
  for (const token of tokenize(text)) {
    if (!token.quoted && !token.negated && token.value === 'OR') {
      joinNext = query.groups.length > 0;
      continue;
    }
    // `author:` with nothing after it is an empty filter (a usage error), not the word "author".
    const op = /^([A-Za-z]+):(.*)$/s.exec(token.value);
    if (op && !token.negated && applyOperator(op[1]!, op[2]!, query)) continue;
    const clause = clauseOf(token.value, token.quoted);
    if (!clause) continue;
    if (token.negated) query.exclude.push(clause);
    else if (joinNext) query.groups[query.groups.length - 1]!.push(clause);
    else query.groups.push([clause]);
    joinNext = false;
  }
  dropStopWords(query);
  if (query.groups.length === 0 && query.authors.length === 0) {
    throw new UsageError(
      text === '' ? 'Tell me what to search for.' : 'That search has nothing to look for: add at least one word.',
      QUERY_SYNTAX_HELP,
    );
  }
  return query;
}

/** Drops lone stop words ("the", "of") from an AND query, unless nothing else would be left. */
function dropStopWords(query: ParsedQuery): void {
  const isStop = (g: Clause[]) => g.length === 1 && g[0]!.kind === 'word' && STOP_WORDS.has(g[0]!.words[0]!);
  const kept = query.groups.filter((g) => !isStop(g));
  if (kept.length > 0 || query.authors.length > 0) query.groups = kept;
}

/** Renders a parsed query back into our syntax (used for "showing results for ..."). */
export function formatQuery(query: ParsedQuery): string {
  const clause = (c: Clause) => (c.kind === 'phrase' ? `"${c.words.join(' ')}"` : c.text);
  const parts = query.groups.map((g) => g.map(clause).join(' OR '));
  for (const c of query.exclude) parts.push(`-${clause(c)}`);
  for (const a of query.authors) parts.push(/\s/.test(a) ? `author:"${a}"` : `author:${a}`);
  if (query.since) parts.push(`since:${query.since}`);
  if (query.upvotes) parts.push(`upvotes:${query.upvotes.op}${query.upvotes.value}`);
  if (query.stars) parts.push(`stars:${query.stars.op}${query.stars.value}`);
  if (query.hasCode) parts.push('has:code');
  if (query.sort) parts.push(`sort:${query.sort}`);
  if (query.asWritten) parts.push('spell:off');
  return parts.join(' ');
}
