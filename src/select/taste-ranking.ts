import type { DigestDecisions, PaperDecision } from '../core/decisions.ts';
import type { Day } from '../core/time.ts';
import type { Candidate, DigestPick } from './select-papers.ts';

/** The parts of a pick's score when a channel's taste re-ranks its digest. */
export interface TasteParts {
  /** `ln(1 + upvotes per day on the feed)`, relative to the best qualifying paper's: 0 to 1. */
  momentum: number;
  /** The taste score relative to the strongest, times the taste's weight: -weight to weight. */
  taste: number;
  score: number;
}

/** A qualifying paper with its place in the re-ranked order. */
export interface RankedPick {
  pick: DigestPick;
  parts: TasteParts;
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (0 on the same day). */
function daysFrom(from: Day, to: Day): number {
  return Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS));
}

/** {@link rankByTaste} as arrays by position in the qualifying list: `order` best first, and each paper's parts. */
export interface TasteRanking {
  order: number[];
  momentum: Float64Array;
  taste: Float64Array;
  score: Float64Array;
}

/** Upvote momentum before scaling: `ln(1 + upvotes per day on the feed up to newestDay)`. */
export function rawMomentum(pick: Pick<Candidate, 'paper' | 'feedDay'>, newestDay: Day): number {
  return Math.log1p(Math.max(0, pick.paper.upvotes) / (1 + daysFrom(pick.feedDay, newestDay)));
}

/**
 * {@link rankIndices} from each qualifying paper's {@link rawMomentum} and raw taste score, by position in
 * the qualifying list (the first `n` of both arrays are scaled in place and returned as the parts; `score`
 * receives the sums). With `topN`, `order` holds only the best `topN`: the first `topN` of the full order,
 * found without sorting the rest.
 */
export function rankScored(momentum: Float64Array, taste: Float64Array, weight: number, topN?: number, n = momentum.length, score: Float64Array = new Float64Array(n)): TasteRanking {
  let maxMomentum = 0;
  let maxTaste = 0;
  for (let i = 0; i < n; i++) {
    if (momentum[i]! > maxMomentum) maxMomentum = momentum[i]!;
    if (Math.abs(taste[i]!) > maxTaste) maxTaste = Math.abs(taste[i]!);
  }
  for (let i = 0; i < n; i++) {
    momentum[i] = maxMomentum > 0 ? momentum[i]! / maxMomentum : 0;
    taste[i] = maxTaste > 0 ? (weight * taste[i]!) / maxTaste : 0;
    score[i] = momentum[i]! + taste[i]!;
  }
  let order: number[];
  if (topN === undefined || topN >= n) {
    order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => score[b]! - score[a]! || a - b);
  } else {
    // The best topN by insertion, in the full sort's order (score, then position: a later equal score goes after).
    order = [];
    for (let i = 0; i < n && topN > 0; i++) {
      const s = score[i]!;
      if (order.length === topN && !(s > score[order[topN - 1]!]!)) continue;
      let j = order.length === topN ? topN - 1 : order.length;
      while (j > 0 && score[order[j - 1]!]! < s) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
  }
  return { order, momentum, taste, score };
}

/**
 * Re-ranks the papers that qualified (topics, minimum upvotes and never-twice already applied, in today's
 * order) by upvote momentum plus taste: momentum is upvotes per day on the feed (up to `newestDay`), on a log
 * scale relative to the best; taste is each paper's Rocchio score relative to the strongest, times `weight`.
 * Ties keep today's order, so the result is deterministic. Typed arrays, no object per paper.
 */
export function rankIndices(qualified: readonly DigestPick[], tasteOf: (pick: DigestPick, index: number) => number, newestDay: Day, weight: number): TasteRanking {
  const n = qualified.length;
  const momentum = new Float64Array(n);
  const taste = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    momentum[i] = rawMomentum(qualified[i]!, newestDay);
    taste[i] = tasteOf(qualified[i]!, i);
  }
  return rankScored(momentum, taste, weight);
}

/** {@link rankIndices}, each paper with its parts, best first. */
export function rankByTaste(qualified: readonly DigestPick[], tasteOf: (pick: DigestPick) => number, newestDay: Day, weight: number): RankedPick[] {
  const r = rankIndices(qualified, tasteOf, newestDay, weight);
  return r.order.map((i) => ({ pick: qualified[i]!, parts: { momentum: r.momentum[i]!, taste: r.taste[i]!, score: r.score[i]! } }));
}

/** A title as the why line quotes it: up to its colon when that is short, else its first words, with `…`. */
export function shortTitle(title: string, max = 40): string {
  const clean = title.replace(/\s+/g, ' ').trim();
  const colon = clean.indexOf(':');
  if (colon > 0 && colon <= max) return `${clean.slice(0, colon)}…`;
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;.-]+$/, '')}…`;
}

/** A topic in quotes, once (a phrase topic is quoted already). */
export function quoteTopic(topic: string): string {
  return /^".*"$/.test(topic) ? topic : `"${topic}"`;
}

/** One line saying why a paper was picked (`like.short`: the liked title's {@link shortTitle}, when known already): `matched "diffusion" · ▲ 151 · like "SaRA…", which 3 of you liked`. */
export function whyLine(pick: DigestPick, like?: { paperId: string; title: string; up: number; short?: string }): string {
  const parts: string[] = [];
  const people = like && (like.up === 1 ? 'one' : String(like.up));
  if (pick.topic !== undefined) parts.push(`matched ${quoteTopic(pick.topic)}`);
  parts.push(`▲ ${pick.paper.upvotes}`);
  if (like && like.paperId === pick.paper.id) parts.push(`${people} of you liked it`);
  else if (like) parts.push(`like "${like.short ?? shortTitle(like.title)}", which ${people} of you liked`);
  return parts.join(' · ');
}

/** What the planner decided about every candidate, for the outbox row (see {@link DigestDecisions}). */
export function recordDecisions(input: {
  days: Day[];
  topics: string[];
  topN: number;
  minUpvotes: number;
  taste?: { votes: number; papers: number };
  /** Every paper that qualified, in final order, with its score parts when taste re-ranked. */
  qualified: readonly { pick: DigestPick; parts?: TasteParts }[];
  rejected: readonly { candidate: Candidate; reason: 'delivered' | 'off-topic' | 'low' }[];
}): DigestDecisions {
  const topN = Math.max(0, input.topN);
  const papers: PaperDecision[] = input.qualified.map(({ pick, parts }, i) => ({
    paperId: pick.paper.id,
    decision: i < topN ? 'posted' : 'overflow',
    day: pick.feedDay,
    upvotes: pick.paper.upvotes,
    rank: i + 1,
    ...(pick.topic !== undefined ? { topic: pick.topic } : {}),
    ...(parts ? { momentum: parts.momentum, taste: parts.taste } : {}),
  }));
  for (const { candidate, reason } of input.rejected) {
    papers.push(reason === 'low' ? { paperId: candidate.paper.id, decision: reason, day: candidate.feedDay, upvotes: candidate.paper.upvotes } : { paperId: candidate.paper.id, decision: reason });
  }
  return {
    days: input.days,
    topics: input.topics,
    topN,
    minUpvotes: input.minUpvotes,
    ...(input.taste ? { taste: input.taste } : {}),
    qualified: input.qualified.length,
    papers,
  };
}
