import { distance } from 'fastest-levenshtein';
import { stemmer } from 'stemmer';

/** A vocabulary word and how many papers contain it. */
export interface VocabularyWord {
  term: string;
  doc: number;
}

/** Where spelling correction looks words up: the index's own vocabulary. */
export interface Vocabulary {
  /** Every title word (as written, lower case) with its paper count. */
  titleWords(): Promise<VocabularyWord[]>;
  /** Stemmed index terms (as the search index has them) starting with `prefix`. */
  stemVocabulary(prefix: string, minLength: number, maxLength: number): Promise<VocabularyWord[]>;
  /** A real word whose stem is `stem`, as written in some paper. */
  surfaceForm(stem: string): Promise<string | undefined>;
}

/** One way to correct a word, with what it costs (lower is better). */
export interface Suggestion {
  word: string;
  /** Edits from the typed word (a swap of two neighbouring letters counts as one). */
  edits: number;
  /** Papers containing the word (for stems: the stem). */
  doc: number;
  /** `edits`, plus a little when the first letter changed, minus a little for a common word. */
  cost: number;
}

/** The most edits a correction of a word this long may make. */
export function maxEdits(length: number): number {
  if (length <= 4) return 1;
  if (length <= 7) return 2;
  return 3;
}

/** Whether a word is one spelling correction leaves alone: too short, or with digits (GPT4, 3d). */
export function isCorrectable(word: string): boolean {
  return word.length >= 3 && !/\d/.test(word);
}

const FIRST_LETTER_COST = 0.35;
/** Words this short are corrected only with their first letter kept. */
const SHORT_WORD = 4;
const FREQUENCY_WEIGHT = 0.08;

function costOf(typed: string, word: string, edits: number, doc: number): number {
  return edits + (typed[0] === word[0] ? 0 : FIRST_LETTER_COST) - FREQUENCY_WEIGHT * Math.log1p(doc);
}

/** A bit per letter a-z (and one for anything else) that occurs in `word`. */
function letterMask(word: string): number {
  let mask = 0;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i) - 97;
    mask |= c >= 0 && c < 26 ? 1 << c : 1 << 26;
  }
  return mask;
}

function popcount(x: number): number {
  let n = x - ((x >>> 1) & 0x55555555);
  n = (n & 0x33333333) + ((n >>> 2) & 0x33333333);
  return (((n + (n >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Optimal string alignment distance (Levenshtein plus swaps of neighbouring letters), or `max + 1` once it
 * is certain to exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const sub = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + sub);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The title vocabulary in memory, for corrections anywhere in a word (the first letter too): words are
 * bucketed by length and carry a letter mask, so a look-up compares only words of a near length whose
 * letters could be reached in the allowed edits (each edit changes at most two letters of the set).
 */
export class SpellingIndex {
  private readonly byLength = new Map<number, { terms: string[]; docs: number[]; masks: number[] }>();
  private readonly docs = new Map<string, number>();

  constructor(words: Iterable<VocabularyWord>) {
    for (const { term, doc } of words) {
      this.docs.set(term, doc);
      if (!isCorrectable(term)) continue;
      let bucket = this.byLength.get(term.length);
      if (!bucket) this.byLength.set(term.length, (bucket = { terms: [], docs: [], masks: [] }));
      bucket.terms.push(term);
      bucket.docs.push(doc);
      bucket.masks.push(letterMask(term));
    }
  }

  /** Papers whose title has `word` as written (0 when none). */
  wordDocs(word: string): number {
    return this.docs.get(word) ?? 0;
  }

  /** Up to `limit` title words within the edit limit of `word`'s length, cheapest first. */
  suggest(word: string, limit = 4): Suggestion[] {
    if (!isCorrectable(word)) return [];
    const max = maxEdits(word.length);
    const mask = letterMask(word);
    const out: Suggestion[] = [];
    for (let length = word.length - max; length <= word.length + max; length++) {
      const bucket = this.byLength.get(length);
      if (!bucket) continue;
      for (let i = 0; i < bucket.terms.length; i++) {
        if (popcount(mask ^ bucket.masks[i]!) > 2 * max) continue;
        const term = bucket.terms[i]!;
        // A short word with another first letter is too often another word (beta, zeta): keep it to long ones.
        if (word.length <= SHORT_WORD && term[0] !== word[0]) continue;
        // Levenshtein (fast, bit-parallel) first: it counts a swap of neighbouring letters as two edits, so
        // allowing one more than the limit keeps every correction with one swap in it.
        if (term === word || distance(word, term) > max + 1) continue;
        const edits = editDistance(word, term, max);
        if (edits <= max) out.push({ word: term, edits, doc: bucket.docs[i]!, cost: costOf(word, term, edits, bucket.docs[i]!) });
      }
    }
    return out.sort((a, b) => a.cost - b.cost || b.doc - a.doc || (a.word < b.word ? -1 : 1)).slice(0, limit);
  }
}

/**
 * Corrections from the Porter stems of titles and abstracts, for words no title has: read by prefix from
 * the index (its whole vocabulary is too large to hold), so only a first letter that is right, dropped
 * from the front or swapped with the second is found. Each is read back as a word some paper wrote.
 */
export async function stemSuggestions(word: string, vocabulary: Omit<Vocabulary, 'titleWords'>, limit = 4): Promise<Suggestion[]> {
  if (!isCorrectable(word)) return [];
  const stem = stemmer(word);
  const max = maxEdits(stem.length);
  const seen = new Map<string, Suggestion>();
  for (const prefix of new Set([stem[0]!, stem[1] ?? stem[0]!])) {
    for (const candidate of await vocabulary.stemVocabulary(prefix, stem.length - max, stem.length + max)) {
      if (candidate.term === stem) return [];
      const edits = editDistance(stem, candidate.term, max);
      if (edits > max || seen.has(candidate.term)) continue;
      seen.set(candidate.term, { word: candidate.term, edits, doc: candidate.doc, cost: costOf(stem, candidate.term, edits, candidate.doc) });
    }
  }
  const best = [...seen.values()].sort((a, b) => a.cost - b.cost || b.doc - a.doc).slice(0, limit);
  return Promise.all(best.map(async (s) => ({ ...s, word: (await vocabulary.surfaceForm(s.word)) ?? s.word })));
}
