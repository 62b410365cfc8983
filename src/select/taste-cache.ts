import type { DigestDecisions } from '../core/decisions.ts';
import type { PaperView } from '../core/views.ts';
import type { ChannelTarget } from '../core/ports.ts';
import type { Day } from '../core/time.ts';
import type { Paper } from '../core/types.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { Async } from '../db/stores.ts';
import { voteKey, VotesRepo } from '../db/votes-repo.ts';
import { PaperTerms } from '../search/paper-terms.ts';
import { VotedPapers } from './voted-papers.ts';
import { forEachQualifying, pickOf, type Candidate, type Rejection, type SelectionInput } from './select-papers.ts';
import { fitTaste, netsOf, tallyVotes, TasteSpace, type ChannelTaste, type TasteTerm, type VotedPaper } from './taste-model.ts';
import type { RowPlan } from './taste-rows.ts';
import { momentumOf, TasteSpaces, whysAt, type PickWhy } from './taste-spaces.ts';
import { rankScored, recordDecisions, whyLine, type TasteParts } from './taste-ranking.ts';
import type { DigestPick, Selection } from './select-papers.ts';

/** A selection re-ranked by taste and/or recorded, with each pick's why line when taste ranked it. */
export interface TastedSelection {
  selection: Selection;
  /** By pick position: why it was picked (only when the channel's taste re-ranked the digest). */
  why?: PickWhy[];
  /**
   * Where the planner keeps the picks' views with their why lines (and the papers they were made from), for
   * the next plan that finds the same top N (the same picks with the same lines) of the same papers (the
   * planner keeps a paper's object while it is unchanged): it then reuses them (a copy of the array).
   */
  views?: { papers?: PaperView[]; papersFrom?: readonly Paper[] };
  decisions?: DigestDecisions;
}

export type { PickWhy } from './taste-spaces.ts';

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
  /** Every channel's votes fingerprint, read at most once for the batch. */
  versions: () => Promise<ReadonlyMap<string, string>>;
}

/** What the taste cache reads: voted papers' texts and the channels' votes, on any database dialect. */
export interface TasteDeps {
  papers: Pick<Async<PapersRepo>, 'textsOf'>;
  votes?: Pick<Async<VotesRepo>, 'version' | 'versions' | 'forChannel' | 'generation'>;
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
  /** The space's rows version {@link rows} was planned at. */
  rowsVersion: number;
  /** The cache epoch its voted papers were last read at. */
  epoch: number;
  last?: LastTop | undefined;
}

/**
 * The last top N a taste's ranking gave, and from which qualifying papers: the same qualifying papers give
 * the same top N while their upvotes and feed days are the same.
 */
export interface LastTop {
  at: number[];
  topics: (string | undefined)[];
  topN: number;
  /** The space's version it was ranked at. */
  version: number;
  /** Positions in `at`, best first. */
  order: number[];
  why: PickWhy[];
  /** The picks' views with their lines, once the planner made them, and the papers they were made from. */
  papers?: PaperView[];
  papersFrom?: readonly Paper[];
}

interface Scratch {
  at: Int32Array;
  topicAt: (string | undefined)[];
  momentum: Float64Array;
  taste: Float64Array;
  score: Float64Array;
}

/** Whether a taste's last top N came from these qualifying papers, with these topics, none changed since (`changed`: see {@link TasteSpaces}). */
function sameQualifying(last: LastTop, at: Int32Array, topics: readonly (string | undefined)[], q: number, changed: Int32Array): boolean {
  if (last.at.length !== q) return false;
  for (let k = 0; k < q; k++) if (last.at[k] !== at[k] || last.topics[k] !== topics[k] || changed[at[k]!]! > last.version) return false;
  return true;
}

/** Channels whose taste (or lack of one) is kept; beyond it the cache starts again. */
const MAX_TASTES = 100_000;
/** Channels not seen before whose votes are read one by one in a votes generation before every fingerprint is read at once. */
const UNSEEN_BEFORE_VERSIONS = 16;

/**
 * The planner's taste state: each channel's taste, fitted from its votes once and kept until they change
 * (one indexed fingerprint read per plan: no votes, no other work); voted papers' term vectors; and one
 * {@link TasteSpace} per set of covered days (a planning bundle), shared by every channel.
 * `invalidate` (after an ingest) drops the vectors and spaces, whose papers may have changed.
 */
export class TasteCache {
  private readonly vectoriser = new PaperTerms();
  private readonly tastes = new Map<string, TasteEntry>();
  /** The votes generation's channels seen for the first time, and every fingerprint once read for it (see {@link unseenVersion}). */
  private unseen: { generation: string; count: number; versions?: Promise<ReadonlyMap<string, string> | undefined> } = { generation: '', count: 0 };
  /** How many fingerprints the last such read found. */
  private lastVersions = 0;
  /** The same entries by enrolled channel id (a channel row names one chat channel for good). */
  private readonly byId = new Map<number, TasteEntry>();
  /** The voted papers' terms, by slot; an ingest starts a new epoch, in which each is read again before use. */
  private readonly voted: VotedPapers;
  private readonly spaces: TasteSpaces;
  private scratch: Scratch = { at: new Int32Array(0), topicAt: [], momentum: new Float64Array(0), taste: new Float64Array(0), score: new Float64Array(0) };
  private readonly termsOf = (paperId: string) => this.voted.of(paperId)?.terms;
  /** How many papers qualified in the selection under way, and what records each (made once: planning is synchronous). */
  private qualifying = 0;
  private readonly take = (_c: Candidate, i: number, topic: string | undefined) => {
    const n = this.qualifying++;
    this.scratch.at[n] = i;
    this.scratch.topicAt[n] = topic;
  };

  constructor(private readonly deps: TasteDeps) {
    // A voted paper whose text changed drops the rows and lines made from it; forgetting them all drops every space.
    this.voted = new VotedPapers(deps.papers, this.vectoriser, { forget: (slot, paperId) => this.spaces.forget(slot, paperId), clear: () => this.spaces.clear() });
    this.spaces = new TasteSpaces(this.vectoriser, { ids: this.voted.slotIds, termsOf: this.termsOf });
  }

  /**
   * The channel's taste, or undefined when its votes teach nothing (none, or all cancelled out). Costs one
   * `data_version` read while nothing was voted since the last check; `batch` saves even that for many channels.
   * The taste's voted papers are read again here after an ingest, so {@link select} reads nothing. An enrolled
   * channel planned in a batch, with nothing voted or ingested since, is answered at once (no promise): the
   * common path of planning many channels.
   */
  tasteOf(target: ChannelTarget, batch?: VoteBatch, enrolledId?: number): PlannedTaste | undefined | Promise<PlannedTaste | undefined> {
    if (batch && enrolledId !== undefined) {
      const known = this.byId.get(enrolledId);
      if (known && known.checkedAt === batch.generation) {
        const { taste } = known;
        // After an ingest, a taste whose voted papers other tastes read again already needs no read either.
        if (!taste || taste.plan?.epoch === this.voted.epoch || this.voted.fresh(taste.slots)) return taste;
      }
    }
    return this.tasteRead(target, batch, enrolledId);
  }

  private async tasteRead(target: ChannelTarget, batch?: VoteBatch, enrolledId?: number): Promise<PlannedTaste | undefined> {
    const taste = await this.currentTaste(target, batch, enrolledId);
    if (taste && taste.plan?.epoch !== this.voted.epoch) await this.voted.freshen(taste.slots);
    return taste;
  }

  private async currentTaste(target: ChannelTarget, batch?: VoteBatch, enrolledId?: number): Promise<PlannedTaste | undefined> {
    if (!this.deps.votes) return undefined;
    const generation = batch?.generation ?? (await this.deps.votes.generation());
    if (enrolledId === undefined) return (await this.entry(target, generation, batch))?.taste;
    // An enrolled channel's entry by its id: while nothing was voted, no key is built at all.
    const known = this.byId.get(enrolledId);
    if (known && known.checkedAt === generation) return known.taste;
    const entry = await this.entry(target, generation, batch);
    if (entry) this.byId.set(enrolledId, entry);
    return entry?.taste;
  }

  /** What {@link tasteOf} reads once for many channels: the votes generation now, and every channel's fingerprint when needed. */
  async batch(): Promise<VoteBatch | undefined> {
    const votes = this.deps.votes;
    if (!votes) return undefined;
    let versions: Promise<ReadonlyMap<string, string>> | undefined;
    return { generation: await votes.generation(), versions: () => (versions ??= votes.versions()) };
  }

  /**
   * The fingerprint of a channel not seen before, from every channel's fingerprints read once for the votes
   * generation; or undefined (read its votes alone) until a generation has had more such channels than
   * {@link UNSEEN_BEFORE_VERSIONS} and than the last read had fingerprints (so reading them all never costs
   * more than the single reads it saves). Planning many channels one job at a time then costs one read.
   */
  private async unseenVersion(key: string, generation: string): Promise<string | undefined> {
    if (this.unseen.generation !== generation) this.unseen = { generation, count: 0 };
    const unseen = this.unseen;
    if (!unseen.versions) {
      if (++unseen.count <= Math.max(UNSEEN_BEFORE_VERSIONS, this.lastVersions)) return undefined;
      // A read that fails leaves this channel and the next ones to their own reads, until as many again were read.
      unseen.versions = Promise.resolve(this.deps.votes!.versions()).then(
        (all) => {
          this.lastVersions = all.size;
          return all;
        },
        () => {
          unseen.versions = undefined;
          unseen.count = 0;
          return undefined;
        },
      );
    }
    const all = await unseen.versions;
    return all ? (all.get(key) ?? '') : undefined;
  }


  private async entry(target: ChannelTarget, generation: string, batch?: VoteBatch): Promise<TasteEntry | undefined> {
    const votes = this.deps.votes;
    if (!votes) return undefined;
    const key = voteKey(target);
    const cached = this.tastes.get(key);
    // Nothing was written since the last check: no per-channel read at all (the common, no-votes path).
    if (cached?.checkedAt === generation) return cached;
    // A channel seen before is checked by its fingerprint; one not seen yet has its votes read at once.
    const known = batch ? ((await batch.versions()).get(key) ?? '') : cached ? await votes.version(target) : await this.unseenVersion(key, generation);
    if (cached && cached.version === known) {
      cached.checkedAt = generation;
      return cached;
    }
    const read = known === '' ? [] : await votes.forChannel(target);
    const fitted = read.length === 0 ? undefined : fitTaste(read);
    const taste = fitted && { ...fitted, slots: Int32Array.from(fitted.examples, (ex) => this.voted.slotOf(ex.paperId)), nets: netsOf(fitted) };
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
    this.qualifying = 0;
    forEachQualifying(o.record ? { ...input, onRejected: (candidate, reason) => void rejected.push({ candidate, reason }) } : input, this.take);
    const q = this.qualifying;
    const { taste } = o;
    if (!taste) {
      const all = Array.from({ length: q }, (_, k) => pickOf(candidates[at[k]!]!, topicAt[k]));
      const picks = all.slice(0, topN);
      return { selection: { picks, overflow: q - picks.length }, decisions: this.record(input, o, all.map((pick) => ({ pick })), rejected) };
    }
    const s = this.spaces.of(o.bundleKey, candidates);
    // After an ingest, tasteOf read the taste's voted papers again (one whose text changed has its rows made again).
    let scored = taste.plan;
    if (!scored) taste.plan = scored = { space: s, rows: s.rows.plan(taste), rowsVersion: s.rowsVersion, epoch: this.voted.epoch };
    else if (scored.space !== s || scored.rowsVersion !== s.rowsVersion) {
      // A taste meets a new space, or its rows changed: its state is overwritten, not reallocated.
      scored.space = s;
      scored.rows = s.rows.plan(taste, scored.rows);
      scored.rowsVersion = s.rowsVersion;
      scored.last = undefined;
    }
    scored.epoch = this.voted.epoch;
    if (!o.record) {
      // Planning again with the same qualifying papers (nothing delivered, voted or upvoted since): the same top N.
      const last = scored.last;
      if (last && last.topN === topN && sameQualifying(last, at, topicAt, q, s.changed)) {
        const picks = new Array<DigestPick>(last.order.length);
        for (let j = 0; j < picks.length; j++) picks[j] = pickOf(candidates[at[last.order[j]!]!]!, topicAt[last.order[j]!]);
        return { selection: { picks, overflow: q - picks.length }, why: last.why, views: last };
      }
    }
    const momentumAt = momentumOf(s, o.newestDay);
    // Planning without a record keeps nothing of the ranking but its top N: it runs in scratch arrays.
    const momentum = o.record ? new Float64Array(q) : scratch.momentum;
    const scores = o.record ? new Float64Array(q) : scratch.taste;
    for (let k = 0; k < q; k++) momentum[k] = momentumAt[at[k]!]!;
    s.rows.scorePlanned(scored.rows, at, q, scores);
    const ranking = rankScored(momentum, scores, taste.weight, o.record ? undefined : topN, q, o.record ? new Float64Array(q) : scratch.score);
    const { order } = ranking;
    const top = Math.min(topN, order.length);
    const picks = new Array<DigestPick>(top);
    const why = new Array<PickWhy>(top);
    for (let j = 0; j < top; j++) {
      const k = order[j]!;
      const pick = (picks[j] = pickOf(candidates[at[k]!]!, topicAt[k]));
      const e = ranking.taste[k]! > 0 ? s.rows.nearestPlanned(scored.rows, at[k]!) : -1;
      const like = e >= 0 ? taste.examples[e]! : undefined;
      const voted = like ? this.voted.at(taste.slots[e]!) : undefined;
      const code = voted ? taste.slots[e]! + 1 : 0;
      const up = voted ? like!.up : 0;
      const byTopic = whysAt(s, code, at[k]!);
      let said = byTopic.get(pick.topic);
      if (said?.up !== up) byTopic.set(pick.topic, (said = { up, line: whyLine(pick, like && voted ? { paperId: like.paperId, title: voted.title, short: voted.short, up } : undefined) }));
      why[j] = said;
    }
    const selection: Selection = { picks, overflow: q - top };
    if (!o.record) {
      const last: LastTop = { at: new Array<number>(q), topics: new Array<string | undefined>(q), topN, version: s.version, order: order.length > top ? order.slice(0, top) : order, why };
      for (let k = 0; k < q; k++) {
        last.at[k] = at[k]!;
        last.topics[k] = topicAt[k];
      }
      scored.last = last;
      return { selection, why, views: last };
    }
    const qualified = order.map((k, j) => ({
      pick: j < top ? picks[j]! : pickOf(candidates[at[k]!]!, topicAt[k]),
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
  async report(target: ChannelTarget, recent: readonly Paper[]): Promise<TasteReport | undefined> {
    const votes = (await this.deps.votes?.forChannel(target)) ?? [];
    if (votes.length === 0) return undefined;
    const taste = fitTaste(votes);
    const tally = taste ?? tallyVotes(votes);
    await this.voted.freshenIds(tally.papers.map((p) => p.paperId));
    const papers = tally.papers.map((p) => {
      const title = this.voted.of(p.paperId)?.title;
      return title !== undefined ? { ...p, title } : { ...p };
    });
    const counts = { votes: tally.votes, people: tally.people, papers };
    if (!taste) return { ...counts, positive: [], negative: [] };
    const seen = new Set(recent.map((p) => p.id));
    const collection: Pick<Paper, 'id' | 'title' | 'abstract' | 'aiKeywords'>[] = [...recent];
    // The examples were read again above, with every voted paper.
    for (const p of taste.examples) {
      const voted = seen.has(p.paperId) ? undefined : this.voted.of(p.paperId);
      if (voted) collection.push({ id: p.paperId, title: voted.title, abstract: voted.abstract, aiKeywords: [...voted.keywords] });
    }
    const { positive, negative } = new TasteSpace(collection, this.vectoriser).terms(taste, this.termsOf);
    return { ...counts, positive, negative };
  }

  /**
   * After an ingest: each voted paper is read again before its next use (its terms kept when its text is the
   * same), and each bundle's space is kept only while its candidates' text is the same (see {@link TasteSpaces}).
   */
  invalidate(): void {
    this.voted.nextEpoch();
  }
}
