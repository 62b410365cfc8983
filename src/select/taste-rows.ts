import { NEAREST_MIN } from './taste-model.ts';

/** A taste as the rows are read for it: each example's voted-paper slot and net votes. */
export interface RowTaste {
  slots: Int32Array;
  nets: Float64Array;
}

/**
 * A taste's examples as one {@link CosineRows} reads them, made once per taste and candidate set: the
 * stored examples in order (their rows' offsets, net votes and indices among the taste's examples), the
 * liked ones among them, and what a Rocchio score is divided by.
 */
export interface RowPlan {
  offsets: Int32Array;
  nets: Float64Array;
  examples: Int32Array;
  /** How many of the arrays' entries hold stored examples. */
  size: number;
  /** Of those, the liked ones (a positive net): their offsets and indices among the taste's examples. */
  likedOffsets: Int32Array;
  likedExamples: Int32Array;
  liked: number;
  /** The stored examples' absolute net votes summed. */
  total: number;
}

/**
 * Voted papers' cosines to one candidate set, one row of `n` per voted paper's slot in a single flat array
 * (each computed once, when a taste first needs it, and shared by every channel that voted on the paper):
 * scoring a channel reads its examples' rows without a lookup or an object per channel. The sums are
 * TasteScorer's (taste-model.ts), in the same order, so the scores are the same numbers.
 */
export class CosineRows {
  private sims: Float64Array;
  /** By slot: 0 not computed yet, 1 its row holds its cosines, -1 not stored (it counts for nothing). */
  private state: Int8Array;

  /** `n`: the candidates; `cosines(slot)`: the voted paper's cosines to them, or null when it is not stored. */
  constructor(
    private readonly n: number,
    private readonly cosines: (slot: number) => Float64Array | null,
    rows = 64,
  ) {
    this.sims = new Float64Array(rows * n);
    this.state = new Int8Array(rows);
  }

  /** Whether the voted paper at `slot` is stored (its row is computed on the first ask). */
  has(slot: number): boolean {
    let state = this.state[slot] ?? 0;
    if (state === 0) {
      if (slot >= this.state.length) this.grow(slot + 1);
      const row = this.cosines(slot);
      if (row) this.sims.set(row, slot * this.n);
      this.state[slot] = state = row ? 1 : -1;
    }
    return state === 1;
  }

  /** Drops the row at `slot` (its voted paper's text changed): the next ask computes it again. */
  reset(slot: number): void {
    if (slot < this.state.length) this.state[slot] = 0;
  }

  private grow(least: number): void {
    const rows = Math.max(least, 2 * this.state.length);
    const sims = new Float64Array(rows * this.n);
    sims.set(this.sims);
    const state = new Int8Array(rows);
    state.set(this.state);
    this.sims = sims;
    this.state = state;
  }

  /** The sum of the taste's examples' absolute net votes over those stored: what a Rocchio score is divided by. */
  total(taste: RowTaste): number {
    let total = 0;
    for (let e = 0; e < taste.slots.length; e++) if (this.has(taste.slots[e]!)) total += Math.abs(taste.nets[e]!);
    return total;
  }

  /**
   * The taste's {@link RowPlan} here (computing its examples' rows on the way), into `into` when given (its
   * arrays reused when long enough): what {@link scorePlanned} and {@link nearestPlanned} read.
   */
  plan(taste: RowTaste, into?: RowPlan): RowPlan {
    const { slots, nets } = taste;
    const m = slots.length;
    const out: RowPlan =
      into && into.offsets.length >= m
        ? into
        : { offsets: new Int32Array(m), nets: new Float64Array(m), examples: new Int32Array(m), size: 0, likedOffsets: new Int32Array(m), likedExamples: new Int32Array(m), liked: 0, total: 0 };
    let size = 0;
    let liked = 0;
    let total = 0;
    for (let e = 0; e < m; e++) {
      const slot = slots[e]!;
      if (!this.has(slot)) continue;
      const net = nets[e]!;
      out.offsets[size] = slot * this.n;
      out.nets[size] = net;
      out.examples[size++] = e;
      total += Math.abs(net);
      if (net > 0) {
        out.likedOffsets[liked] = slot * this.n;
        out.likedExamples[liked++] = e;
      }
    }
    out.size = size;
    out.liked = liked;
    out.total = total;
    return out;
  }

  /** {@link score} from the taste's {@link plan}: the same sums in the same order, one candidate at a time. */
  scorePlanned(plan: RowPlan, at: Int32Array, q: number, scores: Float64Array): void {
    const { sims } = this;
    const { offsets, nets, size, total } = plan;
    for (let k = 0; k < q; k++) {
      const i = at[k]!;
      let sum = 0;
      for (let e = 0; e < size; e++) sum += nets[e]! * sims[offsets[e]! + i]!;
      scores[k] = total > 0 ? sum / total : sum;
    }
  }

  /** {@link nearestLiked} from the taste's {@link plan}. */
  nearestPlanned(plan: RowPlan, i: number, min = NEAREST_MIN): number {
    const { sims } = this;
    const { likedOffsets, likedExamples } = plan;
    let best = min;
    let found = -1;
    for (let e = 0; e < plan.liked; e++) {
      const sim = sims[likedOffsets[e]! + i]!;
      if (sim > best) {
        best = sim;
        found = likedExamples[e]!;
      }
    }
    return found;
  }

  /**
   * The Rocchio score of each candidate at `at[k]` for k below `q`, into `scores` (examples in order,
   * each candidate's sum in turn, then over `total`). Call {@link total} for the taste first.
   */
  score(taste: RowTaste, at: Int32Array, q: number, scores: Float64Array, total: number): void {
    const { slots, nets } = taste;
    const { sims, state, n } = this;
    for (let k = 0; k < q; k++) scores[k] = 0;
    for (let e = 0; e < slots.length; e++) {
      const slot = slots[e]!;
      if (state[slot] !== 1) continue;
      const net = nets[e]!;
      const row = slot * n;
      for (let k = 0; k < q; k++) scores[k]! += net * sims[row + at[k]!]!;
    }
    if (total > 0) for (let k = 0; k < q; k++) scores[k]! /= total;
  }

  /** The liked example (index into the taste's examples) most like the candidate at `i`, or -1 when none has a cosine above `min`. */
  nearestLiked(taste: RowTaste, i: number, min = NEAREST_MIN): number {
    let best = min;
    let liked = -1;
    for (let e = 0; e < taste.slots.length; e++) {
      const slot = taste.slots[e]!;
      if (this.state[slot] !== 1 || !(taste.nets[e]! > 0)) continue;
      const sim = this.sims[slot * this.n + i]!;
      if (sim > best) {
        best = sim;
        liked = e;
      }
    }
    return liked;
  }
}
