import type { DigestDecisions } from '../core/decisions.ts';
import type { PaperView } from '../core/views.ts';
import type { ChannelTarget } from '../core/ports.ts';
import type { Day } from '../core/time.ts';
import type { Paper } from '../core/types.ts';
import type { PapersRepo, PaperText } from '../db/papers-repo.ts';
import { voteKey, VotesRepo } from '../db/votes-repo.ts';
import { PaperTerms, type Term } from '../search/paper-terms.ts';
import { forEachQualifying, pickOf, type Candidate, type Rejection, type SelectionInput } from './select-papers.ts';
import { fitTaste, netsOf, tallyVotes, TasteSpace, type ChannelTaste, type TasteTerm, type VotedPaper } from './taste-model.ts';
import { CosineRows, type RowPlan } from './taste-rows.ts';
import { rankScored, rawMomentum, recordDecisions, shortTitle, whyLine, type TasteParts } from './taste-ranking.ts';
import type { DigestPick, Selection } from './select-papers.ts';

/** A selection re-ranked by taste and/or recorded, with each pick's why line when taste ranked it. */
export interface TastedSelection {
  selection: Selection;
  /** By pick position: why it was picked (only when the channel's taste re-ranked the digest). */
  why?: PickWhy[];
  /**
   * Where the planner keeps the picks' views with their why lines, for the next plan that finds the same top
   * N (the same picks with the same lines): it then reuses them (a copy of the array) instead of mapping again.
   */
  views?: { papers?: PaperView[] };
  decisions?: DigestDecisions;
}

/**
 * A pick's why line, kept while the channel's taste and the candidates are the same, with a slot where the
 * planner keeps the pick's view carrying the line (so that channels planned again share it).
 */
export interface PickWhy {
  line: string;
  view?: PaperView;
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
  taste: PlannedTaste | undefined;
}

/** A channel's taste as the planner holds it (see {@link TasteCache.tasteOf}): what select needs, found without lookups. */
export interface PlannedTaste extends ChannelTaste {
  /** Each example's slot among the voted papers the cache knows. */
  slots: Int32Array;
  /** Each example's net votes. */
  nets: Float64Array;
  /** Its scorer over the candidates it was last ranked against, and its last top N there. */
  plan?: TastePlan;
}

/** A taste's state in one set of candidates (the planner's business only). */
export interface TastePlan {
  space: object;
  /** Its examples as the space's cosine rows read them (with what a Rocchio score is divided by). */
  rows: RowPlan;
  last?: LastTop | undefined;
}

interface VotedTerms {
  terms: Map<string, Term>;
  title: string;
  /** The title as why lines quote it. */
  short: string;
  /** What the terms were made from besides the title. */
  abstract: string;
  keywords: readonly string[];
}

interface VotedEntry {
  /** The {@link TasteCache} epoch the paper was last read at (an ingest starts a new one). */
  epoch: number;
  /** Undefined when the paper is not stored. */
  voted: VotedTerms | undefined;
}

interface Space {
  space: TasteSpace;
  /** The candidates the space was built from: a position in them is a position in the space. */
  candidates: readonly Candidate[];
  /** Each voted paper's cosines to these candidates, by slot. */
  rows: CosineRows;
  /**
   * Why lines by the liked paper named (its slot plus one; 0 for none), then candidate position, then topic
   * (the line says how many liked it, `up`): shared by every channel that says one, found with one lookup.
   */
  why: (Map<string | undefined, SaidWhy> | undefined)[][];
  /** Each candidate's raw upvote momentum, by the newest day it is counted to. */
  momentum: Map<Day, Float64Array>;
}

/** A why line as a space keeps it, with how many liked the paper it names. */
interface SaidWhy extends PickWhy {
  up: number;
}

/** The last top N a taste's ranking gave, and from which qualifying papers: the same qualifying papers give the same top N. */
export interface LastTop {
  at: number[];
  topics: (string | undefined)[];
  topN: number;
  /** Positions in `at`, best first. */
  order: number[];
  why: PickWhy[];
  /** The picks' views with their lines, once the planner made them. */
  papers?: PaperView[];
}

interface Scratch {
  at: Int32Array;
  topicAt: (string | undefined)[];
  momentum: Float64Array;
  taste: Float64Array;
  score: Float64Array;
}

/** Whether a taste's last top N came from these qualifying papers, with these topics. */
function sameQualifying(last: LastTop, at: Int32Array, topics: readonly (string | undefined)[], q: number): boolean {
  if (last.at.length !== q) return false;
  for (let k = 0; k < q; k++) if (last.at[k] !== at[k] || last.topics[k] !== topics[k]) return false;
  return true;
}

const MAX_SPACES = 16;
/** Channels whose taste (or lack of one) is kept; beyond it the cache starts again. */
const MAX_TASTES = 100_000;
/** Voted papers whose terms are kept; beyond it the cache starts again. */
const MAX_VOTED = 100_000;

/** Whether a paper's stored text is still what a voted paper's terms were made from. */
function sameText(voted: VotedTerms, paper: PaperText): boolean {
  const { aiKeywords } = paper;
  if (voted.title !== paper.title || voted.abstract !== paper.abstract || voted.keywords.length !== aiKeywords.length) return false;
  for (let k = 0; k < aiKeywords.length; k++) if (voted.keywords[k] !== aiKeywords[k]) return false;
  return true;
}

/**
 * The planner's taste state: each channel's taste, fitted from its votes once and kept until they change
 * (one indexed fingerprint read per plan: no votes, no other work); voted papers' term vectors; and one
 * {@link TasteSpace} per set of covered days (a planning bundle), shared by every channel.
 * `invalidate` (after an ingest) drops the vectors and spaces, whose papers may have changed.
 */
export class TasteCache {
  private readonly vectoriser = new PaperTerms();
  private readonly tastes = new Map<string, TasteEntry>();
  /** The same entries by enrolled channel id (a channel row names one chat channel for good). */
  private readonly byId = new Map<number, TasteEntry>();
  private readonly voted = new Map<string, VotedEntry>();
  private epoch = 0;
  /** Voted papers by slot (see {@link slotOf}): slots are never reused, so a cached taste's slots stay right. */
  private readonly slots = new Map<string, number>();
  private readonly slotIds: string[] = [];
  private readonly votedBySlot: (VotedEntry | undefined)[] = [];
  private scratch: Scratch = { at: new Int32Array(0), topicAt: [], momentum: new Float64Array(0), taste: new Float64Array(0), score: new Float64Array(0) };
  private readonly spaces = new Map<string, Space>();
  private readonly termsOf = (paperId: string) => this.votedPaper(paperId)?.terms;

  constructor(private readonly deps: { papers: Pick<PapersRepo, 'get' | 'textsOf'>; votes?: Pick<VotesRepo, 'version' | 'versions' | 'forChannel' | 'generation'> }) {}

  /**
   * The channel's taste, or undefined when its votes teach nothing (none, or all cancelled out). Costs one
   * `data_version` read while nothing was voted since the last check; `batch` saves even that for many channels.
   */
  tasteOf(target: ChannelTarget, batch?: VoteBatch, enrolledId?: number): PlannedTaste | undefined {
    if (enrolledId === undefined) return this.entry(target, batch)?.taste;
    // An enrolled channel's entry by its id: while nothing was voted, no key is built at all.
    const known = this.byId.get(enrolledId);
    if (known && known.checkedAt === (batch?.generation ?? this.deps.votes?.generation())) return known.taste;
    const entry = this.entry(target, batch);
    if (entry) this.byId.set(enrolledId, entry);
    return entry?.taste;
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
    const fitted = read.length === 0 ? undefined : fitTaste(read);
    const taste = fitted && { ...fitted, slots: Int32Array.from(fitted.examples, (ex) => this.slotOf(ex.paperId)), nets: netsOf(fitted) };
    const entry: TasteEntry = { version: VotesRepo.versionOf(read), checkedAt: generation, taste };
    if (this.tastes.size >= MAX_TASTES) {
      this.tastes.clear();
      this.byId.clear();
    }
    this.tastes.set(key, entry);
    return entry;
  }

  /**
   * Every qualifying paper of `input` (today's rules), re-ranked by momentum and taste when there is a
   * taste, cut to top N; with `record`, what was decided about every candidate. Only the qualifying papers
   * are scored, only the picks get a nearest liked paper, and without `record` only the top N are ordered.
   */
  select(
    input: SelectionInput & { ranked: true },
    o: { bundleKey: string; newestDay: Day; taste: PlannedTaste | undefined; record: boolean; days: Day[]; topics: string[] },
  ): TastedSelection {
    const rejected: { candidate: Candidate; reason: Rejection }[] = [];
    const { candidates } = input;
    const topN = Math.max(0, input.topN);
    const scratch = this.scratchFor(candidates.length);
    const { at, topicAt } = scratch;
    let q = 0;
    const take = (_c: Candidate, i: number, topic: string | undefined) => {
      at[q] = i;
      topicAt[q++] = topic;
    };
    forEachQualifying(o.record ? { ...input, onRejected: (candidate, reason) => void rejected.push({ candidate, reason }) } : input, take);
    const pickAt = (k: number) => pickOf(candidates[at[k]!]!, topicAt[k]);
    const { taste } = o;
    if (!taste) {
      const order = Array.from({ length: q }, (_, k) => k);
      const picks = order.slice(0, topN).map(pickAt);
      return { selection: { picks, overflow: q - picks.length }, decisions: this.record(input, o, order.map((k) => ({ pick: pickAt(k) })), rejected) };
    }
    const s = this.space(o.bundleKey, candidates);
    let scored = taste.plan;
    if (scored?.space !== s) {
      this.freshen(taste.slots);
      // A taste meets a new space (after an ingest): its state from the last one is overwritten, not reallocated.
      if (scored) {
        scored.space = s;
        scored.rows = s.rows.plan(taste, scored.rows);
        scored.last = undefined;
      } else taste.plan = scored = { space: s, rows: s.rows.plan(taste) };
    }
    if (!o.record) {
      // Planning again with the same qualifying papers (nothing delivered or voted since): the same top N.
      const last = scored.last;
      if (last && last.topN === topN && sameQualifying(last, at, topicAt, q)) {
        const picks = last.order.map(pickAt);
        return { selection: { picks, overflow: q - picks.length }, why: last.why, views: last };
      }
    }
    let momentumOf = s.momentum.get(o.newestDay);
    if (!momentumOf) s.momentum.set(o.newestDay, (momentumOf = Float64Array.from(candidates, (c) => rawMomentum(c, o.newestDay))));
    // Planning without a record keeps nothing of the ranking but its top N: it runs in scratch arrays.
    const momentum = o.record ? new Float64Array(q) : scratch.momentum;
    const scores = o.record ? new Float64Array(q) : scratch.taste;
    for (let k = 0; k < q; k++) momentum[k] = momentumOf[at[k]!]!;
    s.rows.scorePlanned(scored.rows, at, q, scores);
    const ranking = rankScored(momentum, scores, taste.weight, o.record ? undefined : topN, q, o.record ? new Float64Array(q) : scratch.score);
    const { order } = ranking;
    const top = Math.min(topN, order.length);
    const picks = new Array<DigestPick>(top);
    const why = new Array<PickWhy>(top);
    for (let j = 0; j < top; j++) {
      const k = order[j]!;
      const pick = (picks[j] = pickAt(k));
      const e = ranking.taste[k]! > 0 ? s.rows.nearestPlanned(scored.rows, at[k]!) : -1;
      const like = e >= 0 ? taste.examples[e]! : undefined;
      const voted = like ? this.votedAt(taste.slots[e]!) : undefined;
      const code = voted ? taste.slots[e]! + 1 : 0;
      const up = voted ? like!.up : 0;
      const byCandidate = (this.whysOf(s, code)[code] ??= new Array<Map<string | undefined, SaidWhy> | undefined>(candidates.length));
      const byTopic = (byCandidate[at[k]!] ??= new Map());
      let said = byTopic.get(pick.topic);
      if (said?.up !== up) byTopic.set(pick.topic, (said = { up, line: whyLine(pick, like && voted ? { paperId: like.paperId, title: voted.title, short: voted.short, up } : undefined) }));
      why[j] = said;
    }
    const selection: Selection = { picks, overflow: q - top };
    if (!o.record) {
      const last: LastTop = { at: new Array<number>(q), topics: new Array<string | undefined>(q), topN, order: order.length > top ? order.slice(0, top) : order, why };
      for (let k = 0; k < q; k++) {
        last.at[k] = at[k]!;
        last.topics[k] = topicAt[k];
      }
      scored.last = last;
      return { selection, why, views: last };
    }
    const qualified = order.map((k, j) => ({
      pick: j < top ? picks[j]! : pickAt(k),
      parts: { momentum: ranking.momentum[k]!, taste: ranking.taste[k]!, score: ranking.score[k]! },
    }));
    return { selection, why, decisions: this.record(input, o, qualified, rejected) };
  }

  private record(
    input: SelectionInput,
    o: { taste: ChannelTaste | undefined; days: Day[]; topics: string[] },
    qualified: { pick: DigestPick; parts?: TasteParts }[],
    rejected: { candidate: Candidate; reason: Rejection }[],
  ): DigestDecisions {
    const { taste } = o;
    return recordDecisions({
      days: o.days,
      topics: o.topics,
      topN: Math.max(0, input.topN),
      minUpvotes: input.minUpvotes,
      ...(taste ? { taste: { votes: taste.votes, papers: taste.papers.length } } : {}),
      qualified,
      rejected,
    });
  }

  /** Arrays for one selection at a time (planning is synchronous), grown to the largest candidate list seen. */
  private scratchFor(n: number): Scratch {
    if (this.scratch.at.length < n) {
      const size = Math.max(n, 2 * this.scratch.at.length);
      this.scratch = { at: new Int32Array(size), topicAt: new Array(size), momentum: new Float64Array(size), taste: new Float64Array(size), score: new Float64Array(size) };
    }
    return this.scratch;
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

  /** After an ingest: the spaces go, and each voted paper is read again (its terms kept when its text is the same). */
  invalidate(): void {
    this.epoch++;
    this.spaces.clear();
  }

  private space(key: string, candidates: readonly Candidate[]): Space {
    let s = this.spaces.get(key);
    if (!s || s.candidates !== candidates) {
      if (this.spaces.size >= MAX_SPACES) this.spaces.clear();
      const space = new TasteSpace(candidates.map((c) => c.paper), this.vectoriser);
      const rows = new CosineRows(candidates.length, (slot) => space.similarities(this.slotIds[slot]!, this.termsOf), Math.max(64, this.slotIds.length));
      s = { space, candidates, rows, why: new Array(this.slotIds.length + 1), momentum: new Map() };
      this.spaces.set(key, s);
    }
    return s;
  }

  /** The space's why lines by liked paper, long enough for `code` (grown by copying, so that it stays a plain array). */
  private whysOf(s: Space, code: number): Space['why'] {
    if (code >= s.why.length) {
      const grown: Space['why'] = new Array(Math.max(code + 1, 2 * s.why.length));
      for (let c = 0; c < s.why.length; c++) if (s.why[c]) grown[c] = s.why[c]!;
      s.why = grown;
    }
    return s.why;
  }

  /** A voted paper's slot: its place in the arrays that replace lookups by id on the planning path. */
  private slotOf(paperId: string): number {
    let slot = this.slots.get(paperId);
    if (slot === undefined) {
      this.slots.set(paperId, (slot = this.slotIds.length));
      this.slotIds.push(paperId);
    }
    return slot;
  }

  /**
   * Reads again, in one query, the voted papers at `slots` not read since the last ingest (their terms kept
   * when their text is the same): a taste's examples, before it is scored against a new space.
   */
  private freshen(slots: Int32Array): void {
    let stale: string[] | undefined;
    for (let e = 0; e < slots.length; e++) {
      const slot = slots[e]!;
      if (this.votedBySlot[slot]?.epoch === this.epoch) continue;
      const id = this.slotIds[slot]!;
      const known = this.voted.get(id);
      if (known?.epoch === this.epoch) this.votedBySlot[slot] = known;
      else (stale ??= []).push(id);
    }
    if (!stale) return;
    const texts = this.deps.papers.textsOf(stale);
    for (const id of stale) this.votedBySlot[this.slots.get(id)!] = this.readVoted(id, texts.get(id));
  }

  private votedAt(slot: number): VotedTerms | undefined {
    let entry = this.votedBySlot[slot];
    if (entry?.epoch !== this.epoch) this.votedBySlot[slot] = entry = this.votedEntry(this.slotIds[slot]!);
    return entry.voted;
  }

  private votedPaper(paperId: string): VotedTerms | undefined {
    return this.votedEntry(paperId).voted;
  }

  private votedEntry(paperId: string): VotedEntry {
    const entry = this.voted.get(paperId);
    return entry?.epoch === this.epoch ? entry : this.readVoted(paperId, this.deps.papers.get(paperId));
  }

  /** A voted paper's entry for this epoch from its stored text (`paper`; undefined when not stored), its terms kept when the text is the same. */
  private readVoted(paperId: string, paper: PaperText | undefined): VotedEntry {
    const entry = this.voted.get(paperId);
    const kept = paper && entry?.voted && sameText(entry.voted, paper) ? entry.voted : undefined;
    const voted = kept ?? (paper ? { terms: this.vectoriser.termsOf(paper), title: paper.title, short: shortTitle(paper.title), abstract: paper.abstract, keywords: paper.aiKeywords } : undefined);
    if (!entry && this.voted.size >= MAX_VOTED) this.voted.clear();
    const fresh = { epoch: this.epoch, voted };
    this.voted.set(paperId, fresh);
    return fresh;
  }
}
