import { COMMON_ACRONYMS } from './acronyms.ts';
import { isStopWord, type Clause, type ParsedQuery } from './query.ts';
import { spellingVariant } from './spelling-variants.ts';
import type { CompiledQuery, QueryTerm } from '../core/compiled-query.ts';

/** One way to match: all `words` (anywhere, or next to each other when `phrase`). */
export type Alternative = QueryTerm;

/** A query after expansion, as storage runs it: each group matches when any alternative does; every group must match. */
export type ExpandedQuery = CompiledQuery;

/** Acronyms and their expansions: the field's common ones plus those learned from abstracts. */
export class AcronymLexicon {
  private readonly expansions = new Map<string, string[]>();
  private readonly acronymByExpansion = new Map<string, string>();

  constructor(learned: { acronym: string; expansion: string; count: number }[] = []) {
    for (const [acronym, list] of Object.entries(COMMON_ACRONYMS)) for (const e of list) this.add(acronym, e);
    const ordered = [...learned].sort((a, b) => b.count - a.count);
    for (const { acronym, expansion } of ordered) this.add(acronym, expansion);
  }

  private add(acronym: string, expansion: string): void {
    this.longest = undefined;
    const list = this.expansions.get(acronym) ?? [];
    if (!list.includes(expansion) && list.length < 3) list.push(expansion);
    this.expansions.set(acronym, list);
    for (const key of [singular(expansion), singular(withoutStopWords(expansion))]) {
      if (!this.acronymByExpansion.has(key)) this.acronymByExpansion.set(key, acronym);
    }
  }

  /** Expansions of an acronym (lower case), most used first. */
  expand(acronym: string): string[] {
    return this.expansions.get(acronym) ?? this.expansions.get(acronym.replace(/s$/, '')) ?? [];
  }

  /** The acronym for a sequence of words, when they spell out a known one. */
  acronymFor(words: string[]): string | undefined {
    return this.acronymByExpansion.get(singular(words.join(' ')));
  }

  private longest: number | undefined;

  /** The longest known expansion length in words (bounds the n-gram search). */
  get maxWords(): number {
    if (this.longest === undefined) {
      this.longest = 0;
      for (const key of this.acronymByExpansion.keys()) this.longest = Math.max(this.longest, key.split(' ').length);
    }
    return this.longest;
  }
}

function withoutStopWords(phrase: string): string {
  return phrase
    .split(' ')
    .filter((w) => !isStopWord(w))
    .join(' ');
}

function singular(phrase: string): string {
  return phrase
    .split(' ')
    .map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w))
    .join(' ');
}

function alternativesFor(clause: Clause, lexicon: AcronymLexicon): Alternative[] {
  const base: Alternative = { words: clause.words, phrase: clause.kind === 'phrase' };
  const out = [base];
  const push = (alt: Alternative) => {
    if (!out.some((o) => o.phrase === alt.phrase && o.words.join(' ') === alt.words.join(' '))) out.push(alt);
  };
  if (clause.kind === 'word') {
    const word = clause.words[0]!;
    const variant = spellingVariant(word);
    if (variant) push({ words: [variant], phrase: false });
    for (const e of lexicon.expand(word)) push({ words: e.split(' '), phrase: true });
  } else {
    const acronym = lexicon.acronymFor(clause.words);
    if (acronym) push({ words: [acronym], phrase: false });
    const variants = clause.words.map((w) => spellingVariant(w) ?? w);
    if (variants.join(' ') !== clause.words.join(' ')) push({ words: variants, phrase: true });
  }
  return out;
}

/**
 * Widens each clause with what a researcher means by it: the other spelling (optimise/optimize), an
 * acronym's expansions (LoRA / "low rank adaptation") and, for runs of words that spell out an
 * acronym, the acronym itself.
 */
export function expandQuery(query: ParsedQuery, lexicon: AcronymLexicon): ExpandedQuery {
  const groups: Alternative[][] = [];
  const maxN = lexicon.maxWords;
  const single = query.groups.map((g) => (g.length === 1 ? g[0]!.words : undefined));
  for (let i = 0; i < query.groups.length; i++) {
    const run = longestAcronymRun(single, i, maxN, lexicon);
    if (run) {
      groups.push([
        { words: run.words, phrase: false },
        { words: [run.acronym], phrase: false },
      ]);
      i += run.clauses - 1;
      continue;
    }
    groups.push(query.groups[i]!.flatMap((c) => alternativesFor(c, lexicon)));
  }
  return {
    groups,
    exclude: query.exclude.map((c) => ({ words: c.words, phrase: c.kind === 'phrase' })),
    authors: query.authors.map((a) => a.toLowerCase().split(/\s+/)),
    since: query.since,
    upvotes: query.upvotes,
  };
}

/** The longest run of two or more words, made of whole consecutive clauses from `start`, that spells out an acronym. */
function longestAcronymRun(
  single: (string[] | undefined)[],
  start: number,
  maxWords: number,
  lexicon: AcronymLexicon,
): { clauses: number; words: string[]; acronym: string } | undefined {
  let best: { clauses: number; words: string[]; acronym: string } | undefined;
  const words: string[] = [];
  for (let end = start; end < single.length; end++) {
    const clause = single[end];
    if (!clause) break;
    words.push(...clause);
    if (words.length > maxWords) break;
    const acronym = words.length >= 2 ? lexicon.acronymFor(words) : undefined;
    if (acronym) best = { clauses: end - start + 1, words: [...words], acronym };
  }
  return best;
}
