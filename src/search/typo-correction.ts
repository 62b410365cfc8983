import type { Clause, ParsedQuery } from './query.ts';
import { isCorrectable, type Suggestion } from './spelling.ts';

/** One word the search replaced. */
export interface Correction {
  from: string;
  to: string;
}

/** What correction needs from the index. */
export interface CorrectionSource {
  /** Whether a word finds anything as search looks for it (its stems, spellings and acronym expansions). */
  known(word: string): Promise<boolean>;
  /** Corrections for a word that finds nothing, cheapest first. */
  suggest(word: string): Promise<Suggestion[]>;
  /** How many papers the whole query's text matches, counting at most to `cap`. */
  count(query: ParsedQuery, cap: number): Promise<number>;
}

/** Matches counted per candidate query: enough to prefer a combination that finds more. */
const COUNT_CAP = 200;
/** How much finding more papers together is worth, per e-fold of matches (against about 1 per edit). */
const TOGETHER_WEIGHT = 0.15;
/** At most this many candidate queries are counted. */
const MAX_TRIES = 48;
/** At most this many unknown words are corrected (any further are searched as written). */
const MAX_WORDS = 6;

/** The query with each word replaced as `replace` says (words of the wanted groups only, never exclusions or authors). */
export function replaceWords(query: ParsedQuery, replace: ReadonlyMap<string, string>): ParsedQuery {
  const fix = (clause: Clause): Clause => {
    const words = clause.words.map((w) => replace.get(w) ?? w);
    return { ...clause, words, text: clause.kind === 'word' ? words.join(' ') : clause.text };
  };
  return { ...query, groups: query.groups.map((g) => g.map(fix)) };
}

/**
 * Corrects every word of the query that finds nothing: each gets its few cheapest suggestions (any letter,
 * the first one too), and the combination chosen is the one with the best total: the words' own costs
 * (edits, first letter, how common) less a bonus for how many papers the corrected query matches as a
 * whole, among combinations that match at least one. Undefined when no word needs correcting or no
 * combination finds anything.
 */
export async function correctQuery(query: ParsedQuery, source: CorrectionSource): Promise<{ query: ParsedQuery; corrections: Correction[] } | undefined> {
  const words = [...new Set(query.groups.flatMap((g) => g.flatMap((c) => c.words)))];
  const unknown: string[] = [];
  for (const w of words) {
    if (unknown.length === MAX_WORDS) break;
    if (isCorrectable(w) && !(await source.known(w))) unknown.push(w);
  }
  if (unknown.length === 0) return undefined;
  const perWord = unknown.length <= 2 ? 4 : unknown.length === 3 ? 3 : 2;
  const options: Suggestion[][] = [];
  for (const w of unknown) {
    const suggestions = (await source.suggest(w)).slice(0, perWord);
    options.push(suggestions.length > 0 ? suggestions : [{ word: w, edits: 0, doc: 0, cost: 0 }]);
  }
  const combos = product(options).sort((a, b) => a.cost - b.cost);
  const maxBonus = TOGETHER_WEIGHT * Math.log1p(COUNT_CAP);
  let best: { score: number; picks: Suggestion[] } | undefined;
  for (const combo of combos.slice(0, MAX_TRIES)) {
    if (best && combo.cost - maxBonus >= best.score) break;
    const replace = new Map(unknown.map((w, i) => [w, combo.picks[i]!.word]));
    const n = await source.count(replaceWords(query, replace), COUNT_CAP);
    if (n === 0) continue;
    const score = combo.cost - TOGETHER_WEIGHT * Math.log1p(n);
    if (!best || score < best.score) best = { score, picks: combo.picks };
  }
  if (!best) return undefined;
  const corrections = unknown.map((from, i) => ({ from, to: best.picks[i]!.word })).filter((c) => c.from !== c.to);
  if (corrections.length === 0) return undefined;
  return { query: replaceWords(query, new Map(corrections.map((c) => [c.from, c.to]))), corrections };
}

function product(options: Suggestion[][]): { cost: number; picks: Suggestion[] }[] {
  let out: { cost: number; picks: Suggestion[] }[] = [{ cost: 0, picks: [] }];
  for (const choices of options) out = out.flatMap((c) => choices.map((s) => ({ cost: c.cost + s.cost, picks: [...c.picks, s] })));
  return out;
}
