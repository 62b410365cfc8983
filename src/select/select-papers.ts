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

/**
 * The pure heart of a digest: candidates not yet delivered, matching a topic (when there are topics),
 * with at least `minUpvotes`, best first (upvotes, then feed rank), top N, and how many were left over.
 */
export function selectPapers(input: SelectionInput): Selection {
  const seen = new Set<string>();
  const qualified: DigestPick[] = [];
  for (const c of input.candidates) {
    if (seen.has(c.paper.id) || input.delivered.has(c.paper.id) || c.paper.upvotes < input.minUpvotes) continue;
    seen.add(c.paper.id);
    if (input.topics.length === 0) {
      qualified.push(c);
      continue;
    }
    const topic = input.topics.find((t) => input.topicMatches.get(t)?.has(c.paper.id));
    if (topic !== undefined) qualified.push({ ...c, topic });
  }
  qualified.sort((a, b) => b.paper.upvotes - a.paper.upvotes || b.feedDay.localeCompare(a.feedDay) || a.rank - b.rank);
  const topN = Math.max(0, input.topN);
  return { picks: qualified.slice(0, topN), overflow: Math.max(0, qualified.length - topN) };
}
