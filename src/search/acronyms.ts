import { ACRONYM_LIST } from './acronym-list.ts';
import { wordsOf } from './query.ts';

/**
 * The field's common acronyms (see acronym-list.ts), for when the corpus has not defined them yet.
 * Expansions in lower case, the usual sense first.
 */
export const COMMON_ACRONYMS: Readonly<Record<string, readonly string[]>> = ACRONYM_LIST;

/**
 * One definition found in a text. `acronym` is its words as the index splits them, space separated
 * ("t2i", "3dgs", "gpt 4o" for GPT-4o); `expansion` the long form's words, space separated.
 */
export interface AcronymDefinition {
  acronym: string;
  expansion: string;
}

/** "long form (ACRONYM)": an acronym-like token in parentheses, optionally plural ("(LLMs)"). */
const SHORT_IN_PARENS = /\(([A-Za-z0-9][A-Za-z0-9-]{0,11}?)(s)?\)/g;
/** "ACRONYM (long form)": an acronym-like token followed by a parenthesised run of words. */
const LONG_IN_PARENS = /(?:^|[\s"'([])([A-Za-z0-9][A-Za-z0-9-]{1,11}?)(s)? \(([A-Za-z][A-Za-z -]{3,80})\)/g;

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
 * Finds the long form that an acronym abbreviates, Schwartz & Hearst style: walk the acronym's letters
 * backwards through the preceding words; the first letter must start a word. A digit matches itself or
 * a whole word it stands for ("2" for "to"). Returns the long form's words, as written.
 */
export function longFormFor(acronym: string, precedingWords: string[]): string[] | undefined {
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
  const startWord = text.slice(0, startChar).split(' ').filter(Boolean).length;
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

const splitWords = (clause: string) => clause.split(/[\s\-–/]+/).filter(Boolean);

/**
 * Acronym definitions written in `text`: "Low-Rank Adaptation (LoRA)" gives lora = low rank adaptation,
 * "text-to-image (T2I)" gives t2i = text to image, "3D Gaussian Splatting (3DGS)" gives 3dgs, and the
 * other way round, "T2I (text-to-image)".
 */
export function extractAcronyms(text: string): AcronymDefinition[] {
  const found: AcronymDefinition[] = [];
  for (const match of text.matchAll(SHORT_IN_PARENS)) {
    const candidate = match[1]!;
    if (!isAcronymLike(candidate)) continue;
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    const clause = before.split(/[.;:()[\]]/).pop() ?? '';
    const found1 = definition(candidate, longFormFor(candidate, splitWords(clause)));
    if (found1) found.push(found1);
  }
  for (const match of text.matchAll(LONG_IN_PARENS)) {
    const candidate = match[1]!;
    if (!isAcronymLike(candidate)) continue;
    const words = splitWords(match[3]!);
    const longForm = longFormFor(candidate, words);
    // The whole parenthesis must be the long form, not a clause that happens to end like one.
    const found2 = longForm && longForm.length === words.length ? definition(candidate, longForm) : undefined;
    if (found2) found.push(found2);
  }
  return found;
}
