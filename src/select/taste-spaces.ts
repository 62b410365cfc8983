import type { Day } from '../core/time.ts';
import type { PaperView } from '../core/views.ts';
import type { PaperTerms } from '../search/paper-terms.ts';
import type { Candidate } from './select-papers.ts';
import { TasteSpace, type TermsOf } from './taste-model.ts';
import { CosineRows } from './taste-rows.ts';
import { rawMomentum } from './taste-ranking.ts';

/**
 * A pick's why line, kept while the channel's taste and the candidates are the same, with a slot where the
 * planner keeps the pick's view carrying the line (so that channels planned again share it) and the plain
 * view it was made from (the pick's view without a line: a new one means the paper changed).
 */
export interface PickWhy {
  line: string;
  view?: PaperView;
  viewOf?: PaperView;
}

/** A why line as a space keeps it, with how many liked the paper it names. */
export interface SaidWhy extends PickWhy {
  up: number;
}

/** One planning bundle's candidates as tastes are scored against them (see {@link TasteSpaces}). */
export interface Space {
  space: TasteSpace;
  /** The candidates the space stands for now: a position in them is a position in the space. */
  candidates: readonly Candidate[];
  /** Each voted paper's cosines to these candidates, by slot. */
  rows: CosineRows;
  /**
   * Why lines by the liked paper named (its slot plus one; 0 for none), then candidate position, then topic
   * (the line says how many liked it, `up`): shared by every channel that says one, found with one lookup.
   */
  why: ((Map<string | undefined, SaidWhy> | undefined)[] | undefined)[];
  /** Each candidate's raw upvote momentum, by the newest day it is counted to. */
  momentum: Map<Day, Float64Array>;
  /** Bumped each time the space is kept for candidates read again (after an ingest). */
  version: number;
  /** By candidate position: the {@link version} its upvotes or feed day last changed at (a top N with it is ranked again). */
  changed: Int32Array;
  /** Bumped when a voted paper's row is dropped (its text changed, or it is stored or gone): tastes plan their rows again. */
  rowsVersion: number;
}

const MAX_SPACES = 16;

/** Whether two candidate lists hold the same papers with the same text (what the vectors are made of), in the same order. */
function sameTexts(a: readonly Candidate[], b: readonly Candidate[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const p = a[i]!.paper;
    const q = b[i]!.paper;
    if (p.id !== q.id || p.title !== q.title || p.abstract !== q.abstract || p.aiKeywords.length !== q.aiKeywords.length) return false;
    for (let k = 0; k < p.aiKeywords.length; k++) if (p.aiKeywords[k] !== q.aiKeywords[k]) return false;
  }
  return true;
}

/**
 * The {@link TasteSpace} of each planning bundle's candidates (TF-IDF over them), with its voted papers'
 * cosine rows and why lines, shared by every channel. The idf and the vectors depend only on the candidates'
 * text, so a bundle read again after an ingest keeps its space while its papers and their text are the same
 * (in the same order); only what changed in upvotes or feed days is marked, and a voted paper whose text
 * changed has its rows made again ({@link forget}).
 */
export class TasteSpaces {
  private readonly spaces = new Map<string, Space>();

  /** `voted.ids`: the voted papers by slot; `voted.termsOf`: a voted paper's terms, undefined when not stored. */
  constructor(
    private readonly vectoriser: PaperTerms,
    private readonly voted: { ids: readonly string[]; termsOf: TermsOf },
  ) {}

  /** The space of the bundle `key` for `candidates`. */
  of(key: string, candidates: readonly Candidate[]): Space {
    let s = this.spaces.get(key);
    if (s && s.candidates !== candidates) {
      if (sameTexts(s.candidates, candidates)) this.keep(s, candidates);
      else s = undefined;
    }
    if (!s) {
      if (this.spaces.size >= MAX_SPACES) this.spaces.clear();
      const space = new TasteSpace(
        candidates.map((c) => c.paper),
        this.vectoriser,
      );
      const { ids, termsOf } = this.voted;
      const rows = new CosineRows(candidates.length, (slot) => space.similarities(ids[slot]!, termsOf), Math.max(64, ids.length));
      s = { space, candidates, rows, why: new Array(ids.length + 1), momentum: new Map(), version: 0, changed: new Int32Array(candidates.length), rowsVersion: 0 };
      this.spaces.set(key, s);
    }
    return s;
  }

  /** The space for the same papers read again: momentum is counted again, and the lines of papers whose upvotes changed go. */
  private keep(s: Space, candidates: readonly Candidate[]): void {
    const before = s.candidates;
    s.version++;
    for (let i = 0; i < candidates.length; i++) {
      if (before[i]!.paper.upvotes === candidates[i]!.paper.upvotes && before[i]!.feedDay === candidates[i]!.feedDay) continue;
      s.changed[i] = s.version;
      for (const byCandidate of s.why) if (byCandidate) byCandidate[i] = undefined;
    }
    s.momentum.clear();
    s.candidates = candidates;
  }

  /** A voted paper's text changed, or it was stored or went: its rows and the lines naming it go, in every space. */
  forget(slot: number, paperId: string): void {
    for (const s of this.spaces.values()) {
      s.rows.reset(slot);
      s.space.forget(paperId);
      if (slot + 1 < s.why.length) s.why[slot + 1] = undefined;
      s.rowsVersion++;
    }
  }

  clear(): void {
    this.spaces.clear();
  }
}

/** Each candidate's raw upvote momentum counted to `newestDay`, by position. */
export function momentumOf(s: Space, newestDay: Day): Float64Array {
  let momentum = s.momentum.get(newestDay);
  if (!momentum) s.momentum.set(newestDay, (momentum = Float64Array.from(s.candidates, (c) => rawMomentum(c, newestDay))));
  return momentum;
}

/** The why lines naming the liked paper `code` (its slot plus one; 0 for none) about the candidate at `i`, by topic. */
export function whysAt(s: Space, code: number, i: number): Map<string | undefined, SaidWhy> {
  if (code >= s.why.length) {
    // Grown by copying, so that it stays a plain array.
    const grown: Space['why'] = new Array(Math.max(code + 1, 2 * s.why.length));
    for (let c = 0; c < s.why.length; c++) if (s.why[c]) grown[c] = s.why[c]!;
    s.why = grown;
  }
  const byCandidate = (s.why[code] ??= new Array(s.candidates.length));
  return (byCandidate[i] ??= new Map());
}
