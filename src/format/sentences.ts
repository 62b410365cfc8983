/**
 * Abbreviations that end in a full stop without ending a sentence in a paper abstract (compared in lower
 * case, without the stop). Unicode sentence rules already keep "e.g. experts" together; these cover the
 * cases where the next word starts with a capital or a digit ("et al. Smith", "Fig. 3", "vs. GPT-4").
 * "etc." and "no." are left out on purpose: they end sentences more often than not.
 */
const ABBREVIATIONS = new Set([
  'al', 'approx', 'cf', 'co', 'corp', 'dr', 'eq', 'eqs', 'fig', 'figs', 'inc', 'jr', 'ltd', 'mr', 'mrs', 'ms',
  'pp', 'prof', 'ref', 'refs', 'resp', 'sec', 'secs', 'sr', 'st', 'tab', 'vol', 'vs', 'viz',
]);

/** "e.g.", "i.e.", "i.i.d.", "U.S.", "w.r.t.": letters each followed by a stop. */
const DOTTED = /(?:^|[\s(])(?:\p{L}\.){2,}$/u;
/** A capital initial, as in "J. Smith" or "A. B. Jones". */
const INITIAL = /(?:^|[\s(])\p{Lu}\.$/u;
const LAST_WORD = /(?:^|[\s(])(\p{L}+)\.$/u;

let segmenter: Intl.Segmenter | undefined;
/** Made on first use: building it costs ~30 ms, which a CLI command that prints no summary should not pay. */
const sentenceSegmenter = (): Intl.Segmenter => (segmenter ??= new Intl.Segmenter('en', { granularity: 'sentence' }));

/** Runs of whitespace (line breaks, tabs, non-breaking spaces) become one space; ends trimmed. */
export function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function endsWithAbbreviation(sentence: string): boolean {
  const text = sentence.trimEnd();
  if (DOTTED.test(text) || INITIAL.test(text)) return true;
  const word = LAST_WORD.exec(text)?.[1]?.toLowerCase();
  return word !== undefined && ABBREVIATIONS.has(word);
}

/**
 * The sentences of `text`, lazily: Unicode sentence rules (`Intl.Segmenter`), with the breaks that follow an
 * abbreviation, a dotted initialism or a capital initial joined back. Whitespace is collapsed first, so the
 * sentences joined with single spaces give back the collapsed text exactly.
 */
export function* sentencesOf(text: string): Generator<string> {
  let pending = '';
  for (const { segment } of sentenceSegmenter().segment(collapseSpaces(text))) {
    pending += segment;
    if (endsWithAbbreviation(pending)) continue;
    if (pending.trim() !== '') yield pending.trim();
    pending = '';
  }
  if (pending.trim() !== '') yield pending.trim();
}

/** Every sentence of `text`; see {@link sentencesOf}. */
export function splitSentences(text: string): string[] {
  return [...sentencesOf(text)];
}
