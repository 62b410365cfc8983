import type { Day } from './time.ts';

/**
 * What the planner decided about one candidate paper of a digest:
 * `posted` (picked), `overflow` (qualified, beyond top N), `low` (under the minimum upvotes), `off-topic`
 * (no topic of the channel matched), `delivered` (already posted to the channel by an earlier digest).
 */
export type PaperDecisionKind = 'posted' | 'overflow' | 'low' | 'off-topic' | 'delivered';

/** One considered paper, as the planner saw it. */
export interface PaperDecision {
  paperId: string;
  decision: PaperDecisionKind;
  /** The covered feed day that listed it (not kept for `off-topic` and `delivered`, which need no more than the id). */
  day?: Day;
  /** Its upvotes when the digest was planned (not kept for `off-topic` and `delivered`). */
  upvotes?: number;
  /** For `posted` and `overflow`: its place among the papers that qualified (1 = first). */
  rank?: number;
  /** For `posted` and `overflow` in a channel with topics: the first topic that matched it. */
  topic?: string;
  /** When the channel's taste re-ranked the digest: upvote momentum (0-1, log upvotes per day on the feed, relative to the best). */
  momentum?: number;
  /** When the channel's taste re-ranked the digest: the taste part of the score (negative: unlike what it voted for). */
  taste?: number;
}

/** Everything the planner decided for one digest: what `/papers why` answers from, never guessing. */
export interface DigestDecisions {
  /** The feed days covered, oldest first. */
  days: Day[];
  /** The channel's topics in order (empty: the day's top papers). */
  topics: string[];
  topN: number;
  minUpvotes: number;
  /** Set when the channel's votes re-ranked the digest: how many votes on how many papers. */
  taste?: { votes: number; papers: number };
  /** How many papers qualified (posted + overflow). */
  qualified: number;
  /** Every candidate of the covered days: those that qualified in final order, then the others. */
  papers: PaperDecision[];
}
