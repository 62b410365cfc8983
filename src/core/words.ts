const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The lower-case words of `text` as the full-text index sees them (letters and digits, diacritics removed;
 * everything else separates). Shared by the query language and the index, so a word offset means the same
 * on both sides.
 */
export function wordsOf(text: string): string[] {
  return (text.normalize('NFKC').toLowerCase().match(WORD) ?? []).map((w) => w.normalize('NFD').replace(/\p{M}/gu, ''));
}
