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
}

export interface Selection {
  picks: DigestPick[];
  /** How many more papers qualified than `topN` let through. */
  overflow: number;
}

/** Best first: upvotes, then the newer feed day, then feed rank. */
function compareCandidates(a: Candidate, b: Candidate): number {
  return b.paper.upvotes - a.paper.upvotes || b.feedDay.localeCompare(a.feedDay) || a.rank - b.rank;
}

/** Candidates best first, each paper once (its best listing). Planners rank a day's candidates once and reuse them. */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  const seen = new Set<string>();
  return [...candidates].sort(compareCandidates).filter((c) => !seen.has(c.paper.id) && seen.add(c.paper.id));
}

/** The first of `topics` (in order) that matched each paper. */
function firstTopicByPaper(topics: string[], topicMatches: Map<string, Set<string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const topic of topics) for (const id of topicMatches.get(topic) ?? []) if (!out.has(id)) out.set(id, topic);
  return out;
}

/**
 * The pure heart of a digest: candidates not yet delivered, matching a topic (when there are topics),
 * with at least `minUpvotes`, best first (upvotes, then feed day, then feed rank), top N, and how many
 * were left over. Pass `ranked: true` when `candidates` come from {@link rankCandidates}.
 */
export function selectPapers(input: SelectionInput & { ranked?: boolean }): Selection {
  const ordered = input.ranked ? input.candidates : rankCandidates(input.candidates);
  const byTopic = input.topics.length > 0 ? firstTopicByPaper(input.topics, input.topicMatches) : undefined;
  const topN = Math.max(0, input.topN);
  const picks: DigestPick[] = [];
  let qualified = 0;
  for (const c of ordered) {
    if (c.paper.upvotes < input.minUpvotes || input.delivered.has(c.paper.id)) continue;
    const topic = byTopic?.get(c.paper.id);
    if (byTopic && topic === undefined) continue;
    qualified++;
    if (picks.length < topN) picks.push(topic === undefined ? c : { ...c, topic });
  }
  return { picks, overflow: qualified - picks.length };
}
