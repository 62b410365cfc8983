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
 */
export function correctWord(word: string, vocabulary: Vocabulary): string | undefined {
  return closestTitleWord(word, vocabulary) ?? closestIndexWord(word, vocabulary);
}

/** Closest in the stemmed vocabulary of titles and abstracts, shown as a word some paper wrote. */
function closestIndexWord(word: string, vocabulary: Vocabulary): string | undefined {
  if (word.length < 3 || /\d/.test(word)) return undefined;
  const stem = stemmer(word);
  const limit = maxEdits(stem.length);
  let best: { term: string; edits: number; doc: number } | undefined;
  for (const candidate of vocabulary.stemVocabulary(stem[0]!, stem.length - limit, stem.length + limit)) {
    if (candidate.term === stem) return undefined;
    const edits = distance(stem, candidate.term);
    if (edits > limit) continue;
    if (!best || edits < best.edits || (edits === best.edits && candidate.doc > best.doc)) best = { term: candidate.term, edits, doc: candidate.doc };
  }
  return best ? (vocabulary.surfaceForm(best.term) ?? best.term) : undefined;
}

/** Closest among the words of titles (unstemmed): the words people search for, spelled as written. */
function closestTitleWord(word: string, vocabulary: Vocabulary): string | undefined {
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
