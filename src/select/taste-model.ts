import type { Paper } from '../core/types.ts';
import type { Vote } from '../db/votes-repo.ts';
import { tfWeight, type PaperTerms, type Term } from '../search/paper-terms.ts';

/** One paper a channel voted on, with its people's votes. */
export interface VotedPaper {
  paperId: string;
  up: number;
  down: number;
  /** `up - down`: how much, and which way, the paper pulls the channel's taste. */
  net: number;
}

/**
 * What a channel has taught by its votes: every voted paper with its counts (strongest pull first), and
 * how many votes by how many people. Rocchio's centroid is taken lazily against each collection (see
 * {@link TasteSpace}), so fitting is only counting.
 */
export interface ChannelTaste {
  votes: number;
  people: number;
  /** Voted papers, net votes first (most liked first, most disliked last), then paper id. */
  papers: VotedPaper[];
  /** The papers with a net vote either way: the model's examples. */
  examples: VotedPaper[];
  /** How much taste weighs against upvote momentum: `n / (n + 1)` for n examples (1: 0.5, 3: 0.75, 9: 0.9). */
  weight: number;
}

/** Counts a channel's votes per paper (strongest pull first: net votes, then ups, then paper id). */
export function tallyVotes(votes: readonly Vote[]): Pick<ChannelTaste, 'votes' | 'people' | 'papers'> {
  const byPaper = new Map<string, VotedPaper>();
  const people = new Set<string>();
  for (const v of votes) {
    people.add(v.userId);
    let p = byPaper.get(v.paperId);
    if (!p) byPaper.set(v.paperId, (p = { paperId: v.paperId, up: 0, down: 0, net: 0 }));
    if (v.value > 0) p.up++;
    else p.down++;
    p.net = p.up - p.down;
  }
  const papers = [...byPaper.values()].sort((a, b) => b.net - a.net || b.up - a.up || a.paperId.localeCompare(b.paperId));
  return { votes: votes.length, people: people.size, papers };
}

/** Fits a channel's taste from its votes; undefined when no paper has a net vote (then ranking is today's). */
export function fitTaste(votes: readonly Vote[]): ChannelTaste | undefined {
  const tally = tallyVotes(votes);
  const examples = tally.papers.filter((p) => p.net !== 0);
  if (examples.length === 0) return undefined;
  return { ...tally, examples, weight: examples.length / (examples.length + 1) };
}

/** A term of the taste, as people read it. */
export interface TasteTerm {
  word: string;
  weight: number;
}

/** A voted paper's terms, or undefined when it is not stored. */
export type TermsOf = (paperId: string) => Map<string, Term> | undefined;

/** The least cosine at which a why line says a paper is like a liked one. */
export const NEAREST_MIN = 0.1;

interface Postings {
  /** The term's idf in the collection. */
  idf: number;
  idx: number[];
  w: number[];
}

/**
 * TF-IDF over one collection of papers (a planning bundle's candidates): idf `ln(1 + N / df)` counted in the
 * collection, each paper a unit vector of `(1 + ln tf) * idf`. A channel's taste score for a paper is the
 * Rocchio score: the mean cosine to the papers it voted on, each weighted by its net votes (a disliked
 * paper's cosine counts negatively). Each voted paper's cosines to the whole collection are computed once
 * per collection and shared by every channel that voted on it.
 */
export class TasteSpace {
  private readonly postings = new Map<string, Postings>();
  private readonly df = new Map<string, number>();
  private readonly sims = new Map<string, Float64Array | null>();
  readonly size: number;

  constructor(
    papers: readonly Pick<Paper, 'id' | 'title' | 'abstract' | 'aiKeywords'>[],
    private readonly vectoriser: PaperTerms,
  ) {
    this.size = papers.length;
    const all = papers.map((p) => vectoriser.termsOf(p));
    for (const terms of all) for (const stem of terms.keys()) this.df.set(stem, (this.df.get(stem) ?? 0) + 1);
    all.forEach((terms, i) => {
      for (const [stem, w] of this.unit(terms)) {
        let post = this.postings.get(stem);
        if (!post) this.postings.set(stem, (post = { idf: this.idf(stem), idx: [], w: [] }));
        post.idx.push(i);
        post.w.push(w);
      }
    });
  }

  private idf(stem: string): number {
    return Math.log(1 + this.size / Math.max(1, this.df.get(stem) ?? 0));
  }

  /** A paper's unit TF-IDF vector in this collection's idf (a term it alone has weighs as if in one paper). */
  unit(terms: Map<string, Term>): Map<string, number> {
    const out = new Map<string, number>();
    let sum = 0;
    for (const [stem, term] of terms) {
      const w = tfWeight(term.tf) * this.idf(stem);
      out.set(stem, w);
      sum += w * w;
    }
    const norm = Math.sqrt(sum);
    if (norm > 0) for (const [stem, w] of out) out.set(stem, w / norm);
    return out;
  }

  /** Cosines of one voted paper to every paper of the collection (cached), or null when it is not stored. */
  similarities(paperId: string, termsOf: TermsOf): Float64Array | null {
    let sims = this.sims.get(paperId);
    if (sims === undefined) {
      const terms = termsOf(paperId);
      sims = terms ? this.cosines(terms) : null;
      this.sims.set(paperId, sims);
    }
    return sims;
  }

  /** Drops a voted paper's cached cosines (its text changed): the next ask computes them again. */
  forget(paperId: string): void {
    this.sims.delete(paperId);
  }

  /** {@link unit} of `terms` dotted with every paper of the collection, without building the vector. */
  private cosines(terms: Map<string, Term>): Float64Array {
    const sims = new Float64Array(this.size);
    const weights = new Float64Array(terms.size);
    const posts: (Postings | undefined)[] = new Array(terms.size);
    const unknown = Math.log(1 + this.size);
    let sum = 0;
    let k = 0;
    for (const [stem, term] of terms) {
      const post = this.postings.get(stem);
      const w = tfWeight(term.tf) * (post ? post.idf : unknown);
      weights[k] = w;
      posts[k++] = post;
      sum += w * w;
    }
    const norm = Math.sqrt(sum);
    for (let t = 0; t < k; t++) {
      const post = posts[t];
      if (!post) continue;
      const w = norm > 0 ? weights[t]! / norm : weights[t]!;
      for (let j = 0; j < post.idx.length; j++) sims[post.idx[j]!]! += w * post.w[j]!;
    }
    return sims;
  }

  /** The taste's scores of this collection's papers, each computed when first asked (see {@link TasteScorer}). */
  scorer(taste: ChannelTaste, termsOf: TermsOf): TasteScorer {
    return new TasteScorer(taste, (e) => this.similarities(taste.examples[e]!.paperId, termsOf));
  }

  /**
   * The channel's taste score of every paper of the collection, by position (-1: unlike its votes, to 1),
   * and the liked paper most like each (index into `taste.examples`; -1 when none has a cosine above
   * `min`): what the why lines name. One pass over the examples' cached cosines.
   */
  evaluate(taste: ChannelTaste, termsOf: TermsOf, min = NEAREST_MIN): { scores: Float64Array; liked: Int32Array } {
    const n = this.size;
    const scores = new Float64Array(n);
    const liked = new Int32Array(n).fill(-1);
    const best = new Float64Array(n).fill(min);
    let total = 0;
    for (let e = 0; e < taste.examples.length; e++) {
      const ex = taste.examples[e]!;
      const sims = this.similarities(ex.paperId, termsOf);
      if (!sims) continue;
      total += Math.abs(ex.net);
      for (let i = 0; i < n; i++) {
        const s = sims[i]!;
        scores[i]! += ex.net * s;
        if (ex.net > 0 && s > best[i]!) {
          best[i] = s;
          liked[i] = e;
        }
      }
    }
    if (total > 0) for (let i = 0; i < n; i++) scores[i]! /= total;
    return { scores, liked };
  }

  /**
   * The taste's terms in this collection's weights (Rocchio's centroid: the voted papers' unit vectors,
   * each times its net votes, over the total): the strongest positive ones first and the strongest negative.
   */
  terms(taste: ChannelTaste, termsOf: TermsOf, limit = 5): { positive: TasteTerm[]; negative: TasteTerm[] } {
    const weights = new Map<string, number>();
    const surfaces = new Map<string, string>();
    let total = 0;
    for (const ex of taste.examples) {
      const terms = termsOf(ex.paperId);
      if (!terms) continue;
      total += Math.abs(ex.net);
      for (const [stem, w] of this.unit(terms)) {
        weights.set(stem, (weights.get(stem) ?? 0) + ex.net * w);
        if (!surfaces.has(stem)) surfaces.set(stem, terms.get(stem)!.surface);
      }
    }
    const all = [...weights].map(([stem, w]) => ({ stem, word: surfaces.get(stem)!, weight: total > 0 ? w / total : 0 }));
    const order = (a: { weight: number; stem: string }, b: { weight: number; stem: string }) => Math.abs(b.weight) - Math.abs(a.weight) || a.stem.localeCompare(b.stem);
    const pick = (keep: (w: number) => boolean) =>
      all.filter((t) => keep(t.weight)).sort(order).slice(0, limit).map(({ word, weight }) => ({ word, weight }));
    return { positive: pick((w) => w > 1e-9), negative: pick((w) => w < -1e-9) };
  }
}

/**
 * A channel's taste over one collection, paper by paper: the same Rocchio score and nearest liked paper as
 * {@link TasteSpace.evaluate} (the same sums in the same order, so the same numbers), computed only for the
 * papers asked about (those that qualified for the channel's digest; the nearest liked one only for its
 * picks). Each voted paper's cosines are the collection's, shared by every channel.
 */
export class TasteScorer {
  /** By example: its cosines, or null when it is not stored (it then counts for nothing). */
  private readonly sims: (Float64Array | null)[];
  private readonly nets: Float64Array;
  private readonly total: number;

  /**
   * `simsOf(e)`: the cosines of `taste.examples[e]` to every paper of the collection, or null when it is not
   * stored; `nets`: the examples' net votes (see {@link netsOf}), shared by every collection.
   */
  constructor(taste: ChannelTaste, simsOf: (e: number) => Float64Array | null, nets: Float64Array = netsOf(taste)) {
    const n = taste.examples.length;
    this.sims = new Array<Float64Array | null>(n);
    this.nets = nets;
    let total = 0;
    for (let e = 0; e < n; e++) {
      const sims = simsOf(e);
      this.sims[e] = sims;
      if (sims) total += Math.abs(nets[e]!);
    }
    this.total = total;
  }

  /** The taste score of the collection's paper at `i` (-1: unlike its votes, to 1). */
  score(i: number): number {
    let s = 0;
    for (let e = 0; e < this.sims.length; e++) {
      const sims = this.sims[e];
      if (sims) s += this.nets[e]! * sims[i]!;
    }
    return this.total > 0 ? s / this.total : s;
  }

  /** The liked paper most like the collection's paper at `i` (index into `taste.examples`), or -1 when none has a cosine above `min`. */
  nearestLiked(i: number, min = NEAREST_MIN): number {
    let best = min;
    let liked = -1;
    for (let e = 0; e < this.sims.length; e++) {
      const sims = this.sims[e];
      if (sims && this.nets[e]! > 0 && sims[i]! > best) {
        best = sims[i]!;
        liked = e;
      }
    }
    return liked;
  }
}

/** A taste's examples' net votes, as the scorer reads them. */
export function netsOf(taste: ChannelTaste): Float64Array {
  return Float64Array.from(taste.examples, (ex) => ex.net);
}
