import type { DigestDecisions } from '../core/decisions.ts';
import type { ChannelTarget } from '../core/ports.ts';
import type { Day } from '../core/time.ts';
import type { Paper } from '../core/types.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import { voteKey, VotesRepo } from '../db/votes-repo.ts';
import { PaperTerms, type Term } from '../search/paper-terms.ts';
import { selectPapers, type Candidate, type Selection, type SelectionInput } from './select-papers.ts';
import { fitTaste, tallyVotes, TasteSpace, type ChannelTaste, type TasteTerm, type VotedPaper } from './taste-model.ts';
import { rankIndices, recordDecisions, whyLine, type TasteParts, type TasteRanking } from './taste-ranking.ts';
import type { DigestPick } from './select-papers.ts';

/** A selection re-ranked by taste and/or recorded, with each pick's why line when taste ranked it. */
export interface TastedSelection {
  selection: Selection;
  /** By pick position: why it was picked (only when the channel's taste re-ranked the digest). */
  why?: string[];
  decisions?: DigestDecisions;
}

/** What `/papers taste` shows: the channel's taste in words. */
export interface TasteReport {
  votes: number;
  people: number;
  positive: TasteTerm[];
  negative: TasteTerm[];
  /** Every voted paper (strongest pull first) with its title when stored. */
  papers: (VotedPaper & { title?: string })[];
}

/** Votes read once for many channels (see {@link TasteCache.batch}). */
export interface VoteBatch {
  generation: string;
  versions: () => ReadonlyMap<string, string>;
}

interface TasteEntry {
  /** The channel's votes fingerprint the taste was fitted from, and the votes generation it was last checked at. */
  version: string;
  checkedAt: string;
  taste: ChannelTaste | undefined;
}

interface VotedTerms {
  terms: Map<string, Term>;
  title: string;
}

interface Space {
  space: TasteSpace;
  positions: Map<string, number>;
  /** Each taste's scores of these candidates and the liked paper nearest each: computed once per set of days until its votes change. */
  scores: WeakMap<ChannelTaste, { scores: Float64Array; liked: Int32Array }>;
}

const MAX_SPACES = 16;
/** Channels whose taste (or lack of one) is kept; beyond it the cache starts again. */
const MAX_TASTES = 100_000;

/**
 * The planner's taste state: each channel's taste, fitted from its votes once and kept until they change
 * (one indexed fingerprint read per plan: no votes, no other work); voted papers' term vectors; and one
 * {@link TasteSpace} per set of covered days (a planning bundle), shared by every channel.
 * `invalidate` (after an ingest) drops the vectors and spaces, whose papers may have changed.
 */
export class TasteCache {
  private readonly vectoriser = new PaperTerms();
  private readonly tastes = new Map<string, TasteEntry>();
  private readonly voted = new Map<string, VotedTerms | null>();
  private readonly spaces = new Map<string, Space>();
  private readonly termsOf = (paperId: string) => this.votedPaper(paperId)?.terms;

  constructor(private readonly deps: { papers: Pick<PapersRepo, 'get'>; votes?: Pick<VotesRepo, 'version' | 'versions' | 'forChannel' | 'generation'> }) {}

  /**
   * The channel's taste, or undefined when its votes teach nothing (none, or all cancelled out). Costs one
   * `data_version` read while nothing was voted since the last check; `batch` saves even that for many channels.
   */
  tasteOf(target: ChannelTarget, batch?: VoteBatch): ChannelTaste | undefined {
    return this.entry(target, batch)?.taste;
  }

  /** What {@link tasteOf} reads once for many channels: the votes generation now, and every channel's fingerprint when needed. */
  batch(): VoteBatch | undefined {
    const votes = this.deps.votes;
    if (!votes) return undefined;
    let versions: ReadonlyMap<string, string> | undefined;
    return { generation: votes.generation(), versions: () => (versions ??= votes.versions()) };
  }

  private entry(target: ChannelTarget, batch?: VoteBatch): TasteEntry | undefined {
    const votes = this.deps.votes;
    if (!votes) return undefined;
    const key = voteKey(target);
    const generation = batch?.generation ?? votes.generation();
    const cached = this.tastes.get(key);
    // Nothing was written since the last check: no per-channel read at all (the common, no-votes path).
    if (cached?.checkedAt === generation) return cached;
    // A channel seen before is checked by its fingerprint; one not seen yet has its votes read at once.
    const known = batch ? (batch.versions().get(key) ?? '') : cached ? votes.version(target) : undefined;
    if (cached && cached.version === known) {
      cached.checkedAt = generation;
      return cached;
    }
    const read = known === '' ? [] : votes.forChannel(target);
    const entry: TasteEntry = { version: VotesRepo.versionOf(read), checkedAt: generation, taste: read.length === 0 ? undefined : fitTaste(read) };
    if (this.tastes.size >= MAX_TASTES) this.tastes.clear();
    this.tastes.set(key, entry);
    return entry;
  }

  /**
   * Every qualifying paper of `input` (today's rules), re-ranked by momentum and taste when there is a
   * taste, cut to top N; with `record`, what was decided about every candidate.
   */
  select(
    input: SelectionInput & { ranked: true },
    o: { bundleKey: string; newestDay: Day; taste: ChannelTaste | undefined; record: boolean; days: Day[]; topics: string[] },
  ): TastedSelection {
    const rejected: { candidate: Candidate; reason: 'delivered' | 'off-topic' | 'low' }[] = [];
    const all = selectPapers({ ...input, topN: Number.MAX_SAFE_INTEGER, ...(o.record ? { onRejected: (candidate, reason) => void rejected.push({ candidate, reason }) } : {}) });
    const topN = Math.max(0, input.topN);
    let order: readonly number[] | undefined;
    let ranking: TasteRanking | undefined;
    let why: string[] | undefined;
    const { taste } = o;
    if (taste) {
      const { space, positions, scores: cached } = this.space(o.bundleKey, input.candidates);
      let scored = cached.get(taste);
      if (!scored) cached.set(taste, (scored = space.evaluate(taste, this.termsOf)));
      const { scores, liked } = scored;
      const at = all.picks.map((p) => positions.get(p.paper.id)!);
      ranking = rankIndices(all.picks, (_p, i) => scores[at[i]!]!, o.newestDay, taste.weight);
      order = ranking.order;
      why = order.slice(0, topN).map((i) => {
        const pick = all.picks[i]!;
        const e = ranking!.taste[i]! > 0 ? liked[at[i]!]! : -1;
        const like = e >= 0 ? taste.examples[e]! : undefined;
        const title = like ? this.votedPaper(like.paperId)?.title : undefined;
        return whyLine(pick, like && title !== undefined ? { paperId: like.paperId, title, up: like.up } : undefined);
      });
    }
    const ranked = order ?? all.picks.map((_, i) => i);
    const picks = ranked.slice(0, topN).map((i) => all.picks[i]!);
    const selection = { picks, overflow: ranked.length - picks.length };
    const qualified: { pick: DigestPick; parts?: TasteParts }[] = o.record
      ? ranked.map((i) => ({ pick: all.picks[i]!, ...(ranking ? { parts: { momentum: ranking.momentum[i]!, taste: ranking.taste[i]!, score: ranking.score[i]! } } : {}) }))
      : [];
    const decisions = o.record
      ? recordDecisions({
          days: o.days,
          topics: o.topics,
          topN,
          minUpvotes: input.minUpvotes,
          ...(taste ? { taste: { votes: taste.votes, papers: taste.papers.length } } : {}),
          qualified,
          rejected,
        })
      : undefined;
    return { selection, ...(why ? { why } : {}), ...(decisions ? { decisions } : {}) };
  }

  /** The channel's taste in words, its terms weighed in the idf of `recent` papers (and the voted ones). */
  report(target: ChannelTarget, recent: readonly Paper[]): TasteReport | undefined {
    const votes = this.deps.votes?.forChannel(target) ?? [];
    if (votes.length === 0) return undefined;
    const taste = fitTaste(votes);
    const tally = taste ?? tallyVotes(votes);
    const papers = tally.papers.map((p) => {
      const title = this.votedPaper(p.paperId)?.title;
      return title !== undefined ? { ...p, title } : { ...p };
    });
    const counts = { votes: tally.votes, people: tally.people, papers };
    if (!taste) return { ...counts, positive: [], negative: [] };
    const seen = new Set(recent.map((p) => p.id));
    const collection: Pick<Paper, 'id' | 'title' | 'abstract' | 'aiKeywords'>[] = [...recent];
    for (const p of taste.examples) {
      const paper = seen.has(p.paperId) ? undefined : this.deps.papers.get(p.paperId);
      if (paper) collection.push(paper);
    }
    const { positive, negative } = new TasteSpace(collection, this.vectoriser).terms(taste, this.termsOf);
    return { ...counts, positive, negative };
  }

  invalidate(): void {
    this.voted.clear();
    this.spaces.clear();
  }

  private space(key: string, candidates: readonly Candidate[]): Space {
    let s = this.spaces.get(key);
    if (!s) {
      if (this.spaces.size >= MAX_SPACES) this.spaces.clear();
      const papers = candidates.map((c) => c.paper);
      s = { space: new TasteSpace(papers, this.vectoriser), positions: new Map(papers.map((p, i) => [p.id, i])), scores: new WeakMap() };
      this.spaces.set(key, s);
    }
    return s;
  }

  private votedPaper(paperId: string): VotedTerms | undefined {
    let v = this.voted.get(paperId);
    if (v === undefined) {
      const paper = this.deps.papers.get(paperId);
      v = paper ? { terms: this.vectoriser.termsOf(paper), title: paper.title } : null;
      this.voted.set(paperId, v);
    }
    return v ?? undefined;
  }
}
