import { distance } from 'fastest-levenshtein';

/** Where spelling correction looks words up: the index's own vocabulary. */
export interface Vocabulary {
  /** Papers containing `word` exactly. */
  wordDocs(word: string): number;
  /** Vocabulary words starting with `prefix`, of a length in range, in at least `minDocs` papers. */
  vocabulary(prefix: string, minLength: number, maxLength: number, minDocs?: number): { term: string; doc: number }[];
}

function maxEdits(length: number): number {
  if (length <= 4) return 1;
  if (length <= 7) return 2;
  return 3;
}

/**
 * The word of the index's vocabulary closest to a misspelt `word`: fewest edits (Levenshtein, at most 1
 * to 3 by length), then the most common. Assumes the first letter is right, as spellers mostly do.
 */
export function correctWord(word: string, vocabulary: Vocabulary): string | undefined {
  if (word.length < 3 || /\d/.test(word)) return undefined;
  const limit = maxEdits(word.length);
  let best: { term: string; edits: number; doc: number } | undefined;
  for (const candidate of vocabulary.vocabulary(word[0]!, word.length - limit, word.length + limit)) {
    if (candidate.term === word) return undefined;
    const edits = distance(word, candidate.term);
    if (edits > limit) continue;
    if (!best || edits < best.edits || (edits === best.edits && candidate.doc > best.doc)) {
      best = { term: candidate.term, edits, doc: candidate.doc };
    }
  }
  return best?.term;
}
