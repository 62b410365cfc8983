import type { Paper } from '../core/types.ts';
import type { Day } from '../core/time.ts';

/** A paper listed on a feed day, as selection sees it. */
export interface Candidate {
  paper: Paper;
  feedDay: Day;
  /** Position in the day's feed (0 = first). */
  rank: number;
}

export interface DigestPick extends Candidate {
  /** The channel topic that selected this paper (the first one it matched), when the channel has topics. */
  topic?: string;
}

export interface SelectionInput {
  candidates: Candidate[];
  /** The channel's topics in order; empty means "the day's top papers". */
  topics: string[];
  /** For each topic, the ids of the candidates it matches. */
  topicMatches: Map<string, Set<string>>;
  /** Papers already posted to this channel (never again). */
  delivered: Set<string>;
  minUpvotes: number;
  topN: number;
  /** Told of each candidate left out and why (the planner records it for `/papers why`). */
  onRejected?: (candidate: Candidate, reason: Rejection) => void;
}

export interface Selection {
  picks: DigestPick[];
  /** How many more papers qualified than `topN` let through. */
  overflow: number;
}

/** Within one day: upvotes, then feed rank. */
const withinDay = (a: Candidate, b: Candidate) => b.paper.upvotes - a.paper.upvotes || a.rank - b.rank;

/**
 * Each candidate's place within its own feed day (0 = the day's best). Ranking by it is fair to newer days:
 * an older paper has had more time to collect upvotes, so raw upvotes would favour it.
 */
function placesWithinDay(candidates: Candidate[]): Map<Candidate, number> {
  const byDay = new Map<string, Candidate[]>();
  for (const c of candidates) byDay.set(c.feedDay, [...(byDay.get(c.feedDay) ?? []), c]);
  const places = new Map<Candidate, number>();
  for (const day of byDay.values()) day.sort(withinDay).forEach((c, i) => places.set(c, i));
  return places;
}

/**
 * Candidates best first, each paper once (its best listing): every covered day's best paper, then every
 * day's second, and so on (newer day first at the same place). On one day that is upvotes, then feed rank.
 * Planners rank a set of days once and reuse it.
 */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  const places = placesWithinDay(candidates);
  const seen = new Set<string>();
  return [...candidates]
    .sort((a, b) => places.get(a)! - places.get(b)! || b.feedDay.localeCompare(a.feedDay) || withinDay(a, b))
    .filter((c) => !seen.has(c.paper.id) && seen.add(c.paper.id));
}

/** The first of `topics` (in order) that matched each paper. */
function firstTopicByPaper(topics: string[], topicMatches: Map<string, Set<string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const topic of topics) for (const id of topicMatches.get(topic) ?? []) if (!out.has(id)) out.set(id, topic);
  return out;
}

/** Why a candidate did not qualify. */
export type Rejection = 'delivered' | 'off-topic' | 'low';

/**
 * The rules of a digest, in one place: walks `candidates` (already ranked) and calls `take` with each one
 * not yet delivered, matching a topic (when there are topics) and with at least `minUpvotes` (its position
 * in `candidates` and the first topic it matched), `onRejected` with the others. `topN` is not applied.
 */
export function forEachQualifying(
  input: Pick<SelectionInput, 'candidates' | 'topics' | 'topicMatches' | 'delivered' | 'minUpvotes' | 'onRejected'>,
  take: (candidate: Candidate, index: number, topic: string | undefined) => void,
): void {
  const byTopic = input.topics.length > 0 ? firstTopicByPaper(input.topics, input.topicMatches) : undefined;
  const { onRejected: rejected, minUpvotes, delivered, candidates } = input;
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    if (c.paper.upvotes < minUpvotes || delivered.has(c.paper.id)) {
      if (rejected) rejected(c, delivered.has(c.paper.id) ? 'delivered' : byTopic && !byTopic.has(c.paper.id) ? 'off-topic' : 'low');
      continue;
    }
    const topic = byTopic?.get(c.paper.id);
    if (byTopic && topic === undefined) {
      if (rejected) rejected(c, 'off-topic');
      continue;
    }
    take(c, i, topic);
  }
}

/** A candidate as picked: itself, or with the topic that selected it. */
export function pickOf(c: Candidate, topic: string | undefined): DigestPick {
  return topic === undefined ? c : { paper: c.paper, feedDay: c.feedDay, rank: c.rank, topic };
}

/**
 * The pure heart of a digest: candidates not yet delivered, matching a topic (when there are topics),
 * with at least `minUpvotes` (see {@link forEachQualifying}), best first (see {@link rankCandidates}), top N,
 * and how many were left over. Pass `ranked: true` when `candidates` come from {@link rankCandidates}.
 */
export function selectPapers(input: SelectionInput & { ranked?: boolean }): Selection {
  const candidates = input.ranked ? input.candidates : rankCandidates(input.candidates);
  const topN = Math.max(0, input.topN);
  const picks: DigestPick[] = [];
  let qualified = 0;
  forEachQualifying(input.ranked ? input : { ...input, candidates }, (c, _i, topic) => {
    qualified++;
    if (picks.length < topN) picks.push(pickOf(c, topic));
  });
  return { picks, overflow: qualified - picks.length };
}
