import { z } from 'zod';
import type { DigestDecisions, PaperDecision, PaperDecisionKind } from '../core/decisions.ts';
import { isDay } from '../core/time.ts';

/** The version of `deliveries.decisions`; bump it (and read the old one in {@link readStoredDecisions}) when the shape changes. */
export const STORED_DECISIONS_VERSION = 1;

const CODES: Record<PaperDecisionKind, string> = { posted: 'p', overflow: 'o', low: 'u', 'off-topic': 't', delivered: 'd' };
const KINDS = new Map(Object.entries(CODES).map(([kind, code]) => [code, kind as PaperDecisionKind]));

const day = z.string().refine(isDay, 'not a YYYY-MM-DD day');
const count = z.number().int().min(0);

/**
 * Stored compactly, as ids and short tuples (10,000 channels x ~50 candidates a day): posted, overflow and
 * low papers as `[paperId, code, dayIndex, upvotes]`, for posted/overflow `..., rank, topicIndex (-1: none)`,
 * and when taste re-ranked `..., momentum, taste` (3 decimals); off-topic and delivered papers as
 * space-separated id lists (`t`, `d`), which is all `why` needs of them.
 */
const storedSchema = z.object({
  v: z.literal(STORED_DECISIONS_VERSION),
  days: z.array(day),
  topics: z.array(z.string()),
  topN: count,
  min: count,
  taste: z.tuple([count, count]).optional(),
  q: count,
  c: z.array(z.tuple([z.string().min(1), z.enum(['p', 'o', 'u']), count, z.number().int()], z.number())),
  t: z.string().optional(),
  d: z.string().optional(),
});

const round = (n: number) => Math.round(n * 1000) / 1000;
const ids = (list: string | undefined) => (list ? list.split(' ').filter((id) => id !== '') : []);

/** The JSON stored in `deliveries.decisions`. */
export function writeStoredDecisions(d: DigestDecisions): string {
  const dayIndex = new Map(d.days.map((day, i) => [day, i]));
  const topicIndex = new Map(d.topics.map((t, i) => [t, i]));
  const c: (string | number)[][] = [];
  const listed: Record<'t' | 'd', string[]> = { t: [], d: [] };
  for (const p of d.papers) {
    if (p.decision === 'off-topic' || p.decision === 'delivered') {
      listed[CODES[p.decision] as 't' | 'd'].push(p.paperId);
      continue;
    }
    const row: (string | number)[] = [p.paperId, CODES[p.decision], p.day !== undefined ? (dayIndex.get(p.day) ?? 0) : 0, p.upvotes ?? 0];
    if (p.rank !== undefined) row.push(p.rank, p.topic !== undefined ? (topicIndex.get(p.topic) ?? -1) : -1);
    if (p.rank !== undefined && p.momentum !== undefined && p.taste !== undefined) row.push(round(p.momentum), round(p.taste));
    c.push(row);
  }
  return JSON.stringify({
    v: STORED_DECISIONS_VERSION,
    days: d.days,
    topics: d.topics,
    topN: d.topN,
    min: d.minUpvotes,
    ...(d.taste ? { taste: [d.taste.votes, d.taste.papers] } : {}),
    q: d.qualified,
    c,
    ...(listed.t.length > 0 ? { t: listed.t.join(' ') } : {}),
    ...(listed.d.length > 0 ? { d: listed.d.join(' ') } : {}),
  });
}

/** Reads stored decisions, validated; anything malformed is an error with the reason (never a guess). */
export function readStoredDecisions(json: string): { decisions: DigestDecisions } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { error: 'stored digest decisions are not JSON' };
  }
  const parsed = storedSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `stored digest decisions are invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  const s = parsed.data;
  const papers: PaperDecision[] = [];
  for (const [paperId, code, dayIndex, upvotes, ...rest] of s.c) {
    const dayOf = s.days[dayIndex];
    if (dayOf === undefined) return { error: `stored digest decisions name day ${dayIndex} of ${s.days.length}` };
    const p: PaperDecision = { paperId, decision: KINDS.get(code)!, day: dayOf, upvotes };
    const [rank, topic, momentum, taste] = rest;
    if (rank !== undefined) p.rank = rank;
    if (topic !== undefined && topic >= 0 && s.topics[topic] !== undefined) p.topic = s.topics[topic];
    if (momentum !== undefined && taste !== undefined) Object.assign(p, { momentum, taste });
    papers.push(p);
  }
  for (const paperId of ids(s.t)) papers.push({ paperId, decision: 'off-topic' });
  for (const paperId of ids(s.d)) papers.push({ paperId, decision: 'delivered' });
  return {
    decisions: { days: s.days, topics: s.topics, topN: s.topN, minUpvotes: s.min, ...(s.taste ? { taste: { votes: s.taste[0], papers: s.taste[1] } } : {}), qualified: s.q, papers },
  };
}
