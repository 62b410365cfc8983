import { stemmer } from 'stemmer';
import type { Paper } from '../core/types.ts';
import { wordsOf } from '../core/words.ts';
import { ACRONYM_LIST } from './acronym-list.ts';
import { isStopWord } from './query.ts';

/**
 * Function words the query language keeps (it drops only a few): they carry no topic, and their document
 * frequency is capped like any common term's, so left in they would weigh as much as "model".
 */
const FUNCTION_WORDS = new Set(
  `about above after again against all also am among any because been before being below between both but can
  could did do does doing down during each few further had having here how however i if more most much must
  no nor not now only other ought over own same should so some such than then there these they those through
  thus too under until up upon very via what when where whether while who whom why will within without would
  yet you your us using use used based
  paper propose proposed present introduce show shows shown demonstrate results approach method methods novel new
  existing achieve achieves outperform outperforms significantly experiments extensive framework effective`.split(/\s+/),
);

/**
 * A field's weight in a paper's vector: a title word counts twice, an author keyword twice, an abstract
 * word once (the search index weighs titles ten times the abstract; cosine needs a gentler tilt, or two
 * papers with one shared title word would look alike whatever their abstracts say).
 */
const FIELD_WEIGHTS = { title: 2, keywords: 2, abstract: 1 } as const;

/** One stem of a paper. */
export interface Term {
  /** Weighted count in the paper (title and keywords twice, abstract once). */
  tf: number;
  /** A word as written that has this stem: what the index is asked about (it stems on its own), and what people read. */
  surface: string;
}

/** The sublinear weight of a term count: `1 + ln tf`. */
export function tfWeight(tf: number): number {
  return 1 + Math.log(tf);
}

const NON_ASCII = /[^\p{ASCII}]/u;
const ASCII_WORD = /[a-z0-9]+/g;

/** {@link wordsOf}, several times faster on plain ASCII text (most abstracts), where it splits the same. */
function words(text: string): string[] {
  return !NON_ASCII.test(text) ? (text.toLowerCase().match(ASCII_WORD) ?? []) : wordsOf(text);
}

/**
 * The TF-IDF vectoriser's first half, shared by "more like this" (src/search/similar.ts) and the taste a
 * channel learns from votes (src/select/taste-model.ts): a paper's Porter stems (as search makes them) over
 * title, keywords and abstract, with weighted counts; function words, numbers and single letters dropped;
 * a known acronym counts as the words it stands for too. Stems are memoised per instance.
 */
export class PaperTerms {
  private readonly stems = new Map<string, string | null>();
  private readonly folds = new Map<string, [string, string][]>();

  /** The paper's stems with their weighted counts (title, keywords, abstract). */
  termsOf(paper: Pick<Paper, 'title' | 'abstract' | 'aiKeywords'>): Map<string, Term> {
    const terms = new Map<string, Term>();
    const count = (stem: string, surface: string, weight: number) => {
      const term = terms.get(stem);
      if (term) term.tf += weight;
      else terms.set(stem, { tf: weight, surface });
    };
    const add = (text: string, weight: number) => {
      for (const word of words(text)) {
        const stem = this.stem(word);
        if (stem === null) continue;
        count(stem, word, weight);
        for (const [also, surface] of this.spelledOut(word)) count(also, surface, weight);
      }
    };
    add(paper.title, FIELD_WEIGHTS.title);
    add(paper.aiKeywords.join(' , '), FIELD_WEIGHTS.keywords);
    add(paper.abstract, FIELD_WEIGHTS.abstract);
    return terms;
  }

  /** The word's stem, or null for a word that carries no topic (a function word, a number, one letter). */
  stem(word: string): string | null {
    let s = this.stems.get(word);
    if (s === undefined) {
      s = word.length < 2 || /^\d+$/.test(word) || isStopWord(word) || FUNCTION_WORDS.has(word) ? null : stemmer(word);
      this.stems.set(word, s);
    }
    return s;
  }

  /**
   * The stems of what a known acronym stands for (its usual sense in the built-in list: "gnn" gives graph,
   * neural, network), each with a word as written, so that a paper writing "GNN" and one writing "graph
   * neural networks" share words. Empty for any other word.
   */
  private spelledOut(word: string): [string, string][] {
    let out = this.folds.get(word);
    if (out === undefined) {
      const key = Object.hasOwn(ACRONYM_LIST, word) ? word : word.endsWith('s') && Object.hasOwn(ACRONYM_LIST, word.slice(0, -1)) ? word.slice(0, -1) : undefined;
      const sense = key === undefined ? undefined : ACRONYM_LIST[key]![0];
      const own = this.stem(word);
      out = [];
      for (const w of sense ? words(sense) : []) {
        const stem = this.stem(w);
        if (stem !== null && stem !== own && !out.some(([s]) => s === stem)) out.push([stem, w]);
      }
      this.folds.set(word, out);
    }
    return out;
  }
}
