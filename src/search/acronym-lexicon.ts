import { stemmer } from 'stemmer';
import { COMMON_ACRONYMS } from './acronyms.ts';
import { isStopWord } from './query.ts';

/**
 * How many definitions a built-in sense counts as, beside those the corpus wrote: the usual sense (listed
 * first) one, the others half, so that a corpus defining the usual sense a few times settles it.
 */
const BUILT_IN_COUNT = 1;
const BUILT_IN_OTHER_COUNT = 0.5;

/** Senses kept per acronym (most defined first): enough for real ambiguity, bounded for the query size. */
const MAX_SENSES = 4;

/**
 * Another sense stops an acronym standing for this one on its own when it has more than this share of
 * this sense's definitions: "continual learning (CL)" defined 10 times and "contrastive learning (CL)" once
 * leaves `cl` meaning continual learning; defined 10 and 3 times, `cl` needs a word of the sense beside it.
 */
const NOISE_SHARE = 0.1;

/** One meaning of an acronym: the ways the corpus writes it and how often it was defined so. */
export interface AcronymSense {
  /** The expansions as written (lower case words), most defined first: "generative pretrained transformer". */
  surfaces: string[];
  /** Definitions seen (learned count plus {@link BUILT_IN_COUNT} when built in). */
  count: number;
  /** The sense's words (as written) whose stems no other sense of the acronym has ("contrastive" beside "continual"). */
  distinctive: string[];
}

interface SenseEntry {
  key: string;
  surfaces: Map<string, number>;
  count: number;
}

/**
 * A sense's identity, whatever its plural, hyphens or stop words: its words run together, stemmed
 * ("fine tuning" and "finetuning", "pre-trained" and "pretrained", "models" and "model" meet).
 */
export function senseKey(words: string[]): string {
  const kept = words.filter((w) => !isStopWord(w));
  return kept.length === 0 ? '' : stemmer(kept.join(''));
}

/** An acronym's key: its words run together ("gpt 4o" and "gpt4o" meet). */
export function acronymKey(acronym: string): string {
  return acronym.replace(/\s+/g, '');
}

/**
 * Acronyms and their senses: the field's common ones plus those learned from abstracts, each sense
 * weighted by how often the corpus defines it so.
 */
export class AcronymLexicon {
  private readonly senseMap = new Map<string, SenseEntry[]>();
  private readonly literals = new Map<string, string[]>();
  private readonly byExpansion = new Map<string, string>();
  private longest = 0;
  private resolved = new Map<string, AcronymSense[]>();

  constructor(learned: { acronym: string; expansion: string; count: number }[] = []) {
    for (const [acronym, list] of Object.entries(COMMON_ACRONYMS)) {
      list.forEach((e, i) => this.add(acronym, e, i === 0 ? BUILT_IN_COUNT : BUILT_IN_OTHER_COUNT));
    }
    for (const { acronym, expansion, count } of learned) this.add(acronym, expansion, count);
    for (const [acronym, entries] of this.senseMap) {
      entries.sort((a, b) => b.count - a.count);
      entries.splice(MAX_SENSES);
      for (const entry of entries) {
        const previous = this.byExpansion.get(entry.key);
        if (!previous || this.countOf(previous, entry.key) < entry.count) this.byExpansion.set(entry.key, acronym);
      }
    }
  }

  private add(acronym: string, expansion: string, count: number): void {
    const words = expansion.split(' ').filter(Boolean);
    const key = senseKey(words);
    const ak = acronymKey(acronym);
    if (!key || !ak || words.length < 2) return;
    if (!this.literals.has(ak) || acronym.includes(' ')) this.literals.set(ak, acronym.split(/\s+/));
    const entries = this.senseMap.get(ak) ?? [];
    let entry = entries.find((e) => e.key === key);
    if (!entry) {
      entry = { key, surfaces: new Map(), count: 0 };
      entries.push(entry);
    }
    entry.count += count;
    entry.surfaces.set(expansion, (entry.surfaces.get(expansion) ?? 0) + count);
    this.senseMap.set(ak, entries);
    this.longest = Math.max(this.longest, words.length);
  }

  private countOf(acronym: string, key: string): number {
    return this.senseMap.get(acronym)?.find((e) => e.key === key)?.count ?? 0;
  }

  private keyFor(acronym: string): string | undefined {
    const key = acronymKey(acronym);
    if (this.senseMap.has(key)) return key;
    const singular = key.replace(/s$/, '');
    return this.senseMap.has(singular) ? singular : undefined;
  }

  /** The senses of an acronym (any case of its words run together: "t2i", "gpt4o"), most defined first. */
  senses(acronym: string): AcronymSense[] {
    const key = this.keyFor(acronym);
    if (!key) return [];
    let out = this.resolved.get(key);
    if (!out) {
      const entries = this.senseMap.get(key)!;
      const wordsOf = (e: SenseEntry) => [...new Set([...e.surfaces.keys()].flatMap((s) => s.split(' ').filter((w) => !isStopWord(w))))];
      const words = entries.map(wordsOf);
      const stems = words.map((list) => new Set(list.map((w) => stemmer(w))));
      out = entries.map((e, i) => {
        const seen = new Set<string>();
        const distinctive = words[i]!.filter((w) => {
          const stem = stemmer(w);
          if (seen.has(stem) || stems.some((other, j) => j !== i && other.has(stem))) return false;
          seen.add(stem);
          return true;
        });
        return { surfaces: [...e.surfaces.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s), count: e.count, distinctive };
      });
      this.resolved.set(key, out);
    }
    return out;
  }

  /** Expansions of an acronym (lower case), most defined first. */
  expand(acronym: string): string[] {
    return this.senses(acronym).flatMap((s) => s.surfaces);
  }

  /** The acronym's words as the index has them ("gpt 4o" is two words there), for matching it literally. */
  literal(acronym: string): string[] {
    const key = this.keyFor(acronym);
    return (key && this.literals.get(key)) || acronym.split(/\s+/);
  }

  /** The acronym for a sequence of words, when they spell out a known one (its most defined, when several do). */
  acronymFor(words: string[]): string | undefined {
    return this.byExpansion.get(senseKey(words));
  }

  /**
   * Whether the acronym standing alone may be taken to mean the sense spelt by `words`: false when another
   * of its senses is defined often enough that the acronym alone would bring that sense's papers in.
   */
  standsAloneFor(acronym: string, words: string[]): boolean {
    const senses = this.senses(acronym);
    const key = senseKey(words);
    const entries = this.senseMap.get(this.keyFor(acronym) ?? '') ?? [];
    const mine = entries.find((e) => e.key === key)?.count ?? 0;
    const others = senses.reduce((sum, s) => sum + s.count, 0) - mine;
    return others <= Math.max(0, NOISE_SHARE * mine);
  }

  /** The distinctive words of the sense spelt by `words` (see {@link AcronymSense.distinctive}). */
  distinctiveFor(acronym: string, words: string[]): string[] {
    const key = senseKey(words);
    const entries = this.senseMap.get(this.keyFor(acronym) ?? '') ?? [];
    const i = entries.findIndex((e) => e.key === key);
    return i === -1 ? [] : this.senses(acronym)[i]!.distinctive;
  }

  /** The longest known expansion length in words (bounds the n-gram search). */
  get maxWords(): number {
    return this.longest;
  }
}
