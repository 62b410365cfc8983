import { distance } from 'fastest-levenshtein';
import { stemmer } from 'stemmer';

/** Where spelling correction looks words up: the index's own vocabulary. */
export interface Vocabulary {
  /** Papers containing `word` exactly. */
  wordDocs(word: string): number;
  /** Vocabulary words starting with `prefix`, of a length in range, in at least `minDocs` papers. */
  vocabulary(prefix: string, minLength: number, maxLength: number, minDocs?: number): { term: string; doc: number }[];
  /** Stemmed index terms (Porter, as the search index has them) starting with `prefix`. */
  stemVocabulary(prefix: string, minLength: number, maxLength: number): { term: string; doc: number }[];
  /** A real word whose stem is `stem`, as written in some paper. */
  surfaceForm(stem: string): string | undefined;
}

function maxEdits(length: number): number {
  if (length <= 4) return 1;
  if (length <= 7) return 2;
  return 3;
}

/**
 * The word of the index's vocabulary closest to a misspelt `word`: fewest edits (Levenshtein, at most 1
 * to 3 by length), then the most common. Assumes the first letter is right, as spellers mostly do.
 * Title words (as written) first, then the Porter stems of titles and abstracts, read back as a word.
 */
export function correctWord(word: string, vocabulary: Vocabulary): string | undefined {
  if (word.length < 3 || /\d/.test(word)) return undefined;
  const titleWord = closest(word, (min, max) => vocabulary.vocabulary(word[0]!, min, max));
  if (titleWord !== undefined) return titleWord || undefined;
  const stem = stemmer(word);
  const best = closest(stem, (min, max) => vocabulary.stemVocabulary(stem[0]!, min, max));
  return best ? (vocabulary.surfaceForm(best) ?? best) : undefined;
}

/**
 * The candidate closest to `target` within the edit limit for its length: '' when `target` itself is a
 * candidate (nothing to correct), undefined when none is close enough.
 */
function closest(target: string, candidates: (minLength: number, maxLength: number) => { term: string; doc: number }[]): string | undefined {
  const limit = maxEdits(target.length);
  let best: { term: string; edits: number; doc: number } | undefined;
  for (const candidate of candidates(target.length - limit, target.length + limit)) {
    if (candidate.term === target) return '';
    const edits = distance(target, candidate.term);
    if (edits > limit) continue;
    if (!best || edits < best.edits || (edits === best.edits && candidate.doc > best.doc)) best = { term: candidate.term, edits, doc: candidate.doc };
  }
  return best?.term;
}
