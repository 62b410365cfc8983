import { stemmer } from 'stemmer';
import { AcronymLexicon, acronymKey } from './acronym-lexicon.ts';
import { type Clause, type ParsedQuery } from './query.ts';
import { spellingVariant } from './spelling-variants.ts';
import { wordFamily } from './word-families.ts';
import type { CompiledQuery, QueryTerm } from '../core/compiled-query.ts';

export { AcronymLexicon };

/** One way to match: all `words` (anywhere, or next to each other when `phrase`). */
export type Alternative = QueryTerm;

/** A query after expansion, as storage runs it: each group matches when any alternative does; every group must match. */
export type ExpandedQuery = CompiledQuery;

/** What to widen a query with; everything is on unless turned off (for measuring one widening against none). */
export interface ExpandOptions {
  /** Derivational families beyond Porter ("detector" finds "detection"). Default true. */
  wordFamilies?: boolean;
}

/**
 * How many times a sense's expansion is listed in its group. bm25 (FTS5) scores every phrase of the
 * expression, a repeated one as often as it is repeated, so this weights one sense of an ambiguous acronym
 * above the others without changing what matches.
 */
const FAVOURED_WEIGHT = 2;

interface Context {
  lexicon: AcronymLexicon;
  options: ExpandOptions;
  /** Stems of the query's words, for telling which sense of an acronym the rest of the query is about. */
  queryStems: Set<string>;
}

/** The alternative that matches an acronym literally for the sense spelt by `words`. */
function acronymAlternative(acronym: string, words: string[], ctx: Context): Alternative {
  const literal = ctx.lexicon.literal(acronym);
  if (ctx.lexicon.standsAloneFor(acronym, words)) return { words: literal, phrase: literal.length > 1, textOnly: true };
  // Ambiguous: the acronym counts only beside a word of this sense ("cl" with "contrastive", not "continual").
  const distinctive = ctx.lexicon.distinctiveFor(acronym, words);
  return { words: [...literal, ...distinctive], phrase: false, textOnly: true };
}

/**
 * Each expansion of an acronym as a phrase; for an ambiguous acronym, the sense the corpus defines most
 * (at least twice as often as any other) or the one the query's other words belong to, listed twice.
 */
function expansionAlternatives(acronym: string, clauseWords: string[], ctx: Context): Alternative[] {
  const senses = ctx.lexicon.senses(acronym);
  const own = new Set(clauseWords.map((w) => stemmer(w)));
  const about = senses.map((s) => s.distinctive.some((w) => !own.has(stemmer(w)) && ctx.queryStems.has(stemmer(w))));
  const favoured = senses.map((s, i) => {
    if (senses.length < 2) return false;
    if (about.some(Boolean)) return about[i]!;
    return senses.every((o, j) => j === i || s.count >= 2 * o.count);
  });
  return senses.flatMap((s, i) => {
    const times = favoured[i] ? FAVOURED_WEIGHT : 1;
    return s.surfaces.flatMap((e) => Array.from({ length: times }, () => ({ words: e.split(' '), phrase: true, textOnly: true })));
  });
}

/** Whether the clause was typed as one token that the index splits ("GPT-4o", "text-to-image"), not quoted. */
const isOneToken = (clause: Clause) => !/\s/.test(clause.text.trim()) && !clause.text.includes('"');

function alternativesFor(clause: Clause, ctx: Context): Alternative[] {
  const { lexicon } = ctx;
  const out: Alternative[] = [{ words: clause.words, phrase: clause.kind === 'phrase' }];
  const stems = new Set(clause.kind === 'word' ? [stemmer(clause.words[0]!)] : []);
  const push = (alt: Alternative) => {
    if (!out.some((o) => o.phrase === alt.phrase && o.words.join(' ') === alt.words.join(' '))) out.push({ ...alt, textOnly: true });
  };
  const asAcronym = clause.kind === 'word' || isOneToken(clause) ? acronymKey(clause.words.join('')) : undefined;
  if (asAcronym && lexicon.senses(asAcronym).length > 0) out.push(...expansionAlternatives(asAcronym, clause.words, ctx));
  if (clause.kind === 'word') {
    const word = clause.words[0]!;
    const variant = spellingVariant(word);
    const forms = variant ? [word, variant] : [word];
    if (variant) {
      push({ words: [variant], phrase: false });
      stems.add(stemmer(variant));
    }
    if (ctx.options.wordFamilies !== false) {
      for (const member of forms.flatMap((f) => wordFamily(f))) {
        const stem = stemmer(member);
        if (stems.has(stem)) continue;
        stems.add(stem);
        push({ words: [member], phrase: false });
      }
    }
  } else {
    const acronym = lexicon.acronymFor(clause.words);
    if (acronym) push(acronymAlternative(acronym, clause.words, ctx));
    const variants = clause.words.map((w) => spellingVariant(w) ?? w);
    if (variants.join(' ') !== clause.words.join(' ')) push({ words: variants, phrase: true });
  }
  return out;
}

/**
 * Widens each clause with what a researcher means by it: the other spelling (optimise/optimize), the rest
 * of its word family (detector/detection), an acronym's senses (LoRA / "low rank adaptation"; an ambiguous
 * one weighted by how often the corpus defines each sense and by the query's other words) and, for runs of
 * words that spell out an acronym, the acronym itself (only beside a word of that sense when ambiguous).
 */
export function expandQuery(query: ParsedQuery, lexicon: AcronymLexicon, options: ExpandOptions = {}): ExpandedQuery {
  const ctx: Context = {
    lexicon,
    options,
    queryStems: new Set(query.groups.flatMap((g) => g.flatMap((c) => c.words.map((w) => stemmer(w))))),
  };
  const groups: Alternative[][] = [];
  const maxN = lexicon.maxWords;
  const single = query.groups.map((g) => (g.length === 1 ? g[0]!.words : undefined));
  for (let i = 0; i < query.groups.length; i++) {
    const run = longestAcronymRun(single, i, maxN, lexicon);
    if (run) {
      groups.push([{ words: run.words, phrase: false }, acronymAlternative(run.acronym, run.words, ctx)]);
      i += run.clauses - 1;
      continue;
    }
    groups.push(query.groups[i]!.flatMap((c) => alternativesFor(c, ctx)));
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
