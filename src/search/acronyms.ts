import { ACRONYM_LIST } from './acronym-list.ts';
import { isStopWord, wordsOf } from './query.ts';

/**
 * The field's common acronyms (see acronym-list.ts), for when the corpus has not defined them yet.
 * Expansions in lower case, the usual sense first.
 */
export const COMMON_ACRONYMS: Readonly<Record<string, readonly string[]>> = ACRONYM_LIST;

/**
 * Bumped whenever {@link extractAcronyms} learns more: definitions stored by an older version should be
 * extracted again from the stored abstracts (2: digits, mixed case, hyphenated compounds, "ACRONYM (long form)").
 */
export const ACRONYM_EXTRACTOR_VERSION = 2;

/**
 * One definition found in a text. `acronym` is its words as the index splits them, space separated
 * ("t2i", "3dgs", "gpt 4o" for GPT-4o); `expansion` the long form's words, space separated.
 */
export interface AcronymDefinition {
  acronym: string;
  expansion: string;
}

/** Any parenthesis without nested ones: each is a candidate definition, one way or the other. */
const PARENS = /\(([^()]{1,82})\)/g;
/** An acronym-like token, optionally plural ("LLMs"). */
const SHORT_FORM = /^([A-Za-z0-9][A-Za-z0-9-]{0,11}?)(s)?$/;
/** The token right before a parenthesis ("T2I (text-to-image)"). */
const TOKEN_BEFORE = /(?:^|[\s"'[])([A-Za-z0-9][A-Za-z0-9-]{1,11}?)(s)? $/;
/** A parenthesis that may be a long form: words only. */
const LONG_FORM = /^[A-Za-z][A-Za-z -]{3,80}$/;

/** Digits an acronym writes for a word: "text-to-image (T2I)", "peer-for-peer (P4P)". */
const DIGIT_WORDS: Record<string, string[]> = { '2': ['to', 'two'], '4': ['for', 'four'] };

/**
 * Whether a token looks like an acronym: two capitals (RAG, LoRA, ViT, LLaMA, 3DGS, T2I), or one capital
 * with a digit (R1 is too short: at least three characters then). Not a capitalised word ("Fig", "Ours").
 */
function isAcronymLike(candidate: string): boolean {
  if (!/[A-Za-z]/.test(candidate)) return false;
  const upper = (candidate.match(/[A-Z]/g) ?? []).length;
  if (/^[A-Z][a-z]+$/.test(candidate)) return false;
  return upper >= 2 || (upper === 1 && /\d/.test(candidate) && candidate.replace(/-/g, '').length >= 3);
}

/**
 * Matches the acronym's letters to the words' initials, from the end: each word gives its initial and
 * possibly more letters inside it ("Vision" gives v and i of ViT, "3D" gives 3 and d of 3DGS); a stop word
 * that gives none is skipped ("of" in "mixture of experts" may give o, or nothing). Returns the index of the
 * long form's first word, or undefined when the words do not spell the acronym this way.
 */
function initialsStart(letters: string, window: string[]): number | undefined {
  // Depth-first from the last word; fewer letters per word first, so "Tree of Thoughts" spells ToT word by word.
  const visit = (wi: number, li: number): number | undefined => {
    if (li < 0) return wi + 1;
    if (wi < 0) return undefined;
    const word = window[wi]!;
    for (let k = 1; k <= li + 1; k++) {
      const part = letters.slice(li - k + 1, li + 1);
      if (word[0] !== part[0]) continue;
      let at = 1;
      for (const ch of part.slice(1)) {
        at = word.indexOf(ch, at) + 1;
        if (at === 0) break;
      }
      if (at === 0) continue;
      const start = visit(wi - 1, li - k);
      if (start !== undefined) return start;
    }
    return isStopWord(word) && wi < window.length - 1 ? visit(wi - 1, li) : undefined;
  };
  return visit(window.length - 1, letters.length - 1);
}

/** The classic character walk (Schwartz & Hearst): the acronym's letters backwards through the text, the first at a word start. */
function characterStart(letters: string, window: string[]): number | undefined {
  const text = window.join(' ');
  let li = letters.length - 1;
  let ti = text.length - 1;
  while (li >= 0) {
    const ch = letters[li]!;
    while (ti >= 0 && (text[ti] !== ch || (li === 0 && ti > 0 && text[ti - 1] !== ' '))) ti--;
    if (ti < 0) return undefined;
    li--;
    ti--;
  }
  const startChar = text.lastIndexOf(' ', ti + 1) + 1;
  return text.slice(0, startChar).split(' ').filter(Boolean).length;
}

/**
 * Finds the long form that an acronym abbreviates in the words before it: by word initials first ("Tree
 * of Thoughts (ToT)"), else Schwartz & Hearst's character walk ("Large Language Model Meta AI (LLaMA)").
 * A digit matches itself or a whole word it stands for ("2" for "to"); a hyphenated compound stays whole.
 * Returns the long form's words, as written.
 */
export function longFormFor(acronym: string, precedingWords: string[], joinedToPrevious: boolean[] = []): string[] | undefined {
  const letters = acronym.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (letters.length < 2) return undefined;
  const maxWords = Math.min(precedingWords.length, Math.max(letters.length + 3, letters.length * 2));
  const original = precedingWords.slice(precedingWords.length - maxWords);
  // A word a digit stands for becomes that digit (one word for one word, so positions still line up).
  const window = original.map((w) => {
    const lower = w.toLowerCase();
    for (const [digit, words] of Object.entries(DIGIT_WORDS)) if (letters.includes(digit) && words.includes(lower)) return digit;
    return lower;
  });
  let startWord = initialsStart(letters, window) ?? characterStart(letters, window);
  if (startWord === undefined) return undefined;
  // A hyphenated compound is one word of the long form: "Self-supervised learning (SSL)", not "supervised learning".
  const offset = precedingWords.length - original.length;
  while (startWord > 0 && joinedToPrevious[offset + startWord]) startWord--;
  const longForm = original.slice(startWord);
  if (longForm.length < 2 || longForm.length > letters.length + 2) return undefined;
  return longForm;
}

function definition(candidate: string, longForm: string[] | undefined): AcronymDefinition | undefined {
  if (!longForm) return undefined;
  const expansion = wordsOf(longForm.join(' ')).join(' ');
  const acronym = wordsOf(candidate).join(' ');
  if (!expansion || !acronym || expansion.split(' ').length < 2) return undefined;
  return { acronym, expansion };
}

/** The words of a clause, and for each whether a hyphen (not a space) joins it to the one before. */
function splitWords(clause: string): { words: string[]; joined: boolean[] } {
  const words: string[] = [];
  const joined: boolean[] = [];
  for (const token of clause.split(/\s+/)) {
    token
      .split(/[-–/]+/)
      .filter(Boolean)
      .forEach((w, i) => {
        words.push(w);
        joined.push(i > 0);
      });
  }
  return { words, joined };
}

/**
 * Acronym definitions written in `text`: "Low-Rank Adaptation (LoRA)" gives lora = low rank adaptation,
 * "text-to-image (T2I)" gives t2i = text to image, "3D Gaussian Splatting (3DGS)" gives 3dgs, and the
 * other way round, "T2I (text-to-image)".
 */
export function extractAcronyms(text: string): AcronymDefinition[] {
  const found: AcronymDefinition[] = [];
  for (const match of text.matchAll(PARENS)) {
    const inside = match[1]!;
    const short = SHORT_FORM.exec(inside);
    if (short) {
      const candidate = short[1]!;
      if (!isAcronymLike(candidate)) continue;
      const before = text.slice(Math.max(0, match.index - 200), match.index);
      const clause = before.split(/[.;:()[\]]/).pop() ?? '';
      const { words, joined } = splitWords(clause);
      const d = definition(candidate, longFormFor(candidate, words, joined));
      if (d) found.push(d);
      continue;
    }
    if (!LONG_FORM.test(inside)) continue;
    const token = TOKEN_BEFORE.exec(text.slice(Math.max(0, match.index - 14), match.index));
    const candidate = token?.[1];
    if (!candidate || !isAcronymLike(candidate)) continue;
    const { words, joined } = splitWords(inside);
    const longForm = longFormFor(candidate, words, joined);
    // The whole parenthesis must be the long form, not a clause that happens to end like one.
    const d = longForm && longForm.length === words.length ? definition(candidate, longForm) : undefined;
    if (d) found.push(d);
  }
  return found;
}
