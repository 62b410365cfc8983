import { isDeepStrictEqual } from 'node:util';
import { PromiseCache } from '../core/promise-cache.ts';
import { passesQueryFilters } from '../search/query-filters.ts';
import { DateTime } from 'luxon';
import type { Channel, Paper, ScheduleCadence } from '../core/types.ts';
import { addDays, feedDayAt, type Day } from '../core/time.ts';
import { paperLinks } from '../core/types.ts';
import type { DigestView, PaperView } from '../core/views.ts';
import type { ChannelsRepo } from '../db/channels-repo.ts';
import { DayIndex } from '../db/day-index.ts';
import type { DeliveriesRepo } from '../db/deliveries-repo.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { Async } from '../db/stores.ts';
import { toPaperView } from '../format/paper-view.ts';
import type { SearchService } from '../search/search-service.ts';
import type { DigestDecisions } from '../core/decisions.ts';
import { rankCandidates, selectPapers, type Candidate, type DigestPick, type Selection } from './select-papers.ts';
import { TasteCache, type TasteDeps, type TasteReport, type VoteBatch } from './taste-cache.ts';
import type { ChannelTarget } from '../core/ports.ts';

/** How many days back a digest reaches after downtime by default (`DIGEST_MAX_CATCHUP_DAYS`). */
export const DEFAULT_MAX_CATCH_UP_DAYS = 7;

/** The days a digest of each cadence normally covers: a weekly one its week, a Monday one the weekend. */
const CADENCE_SPAN: Record<ScheduleCadence, number> = { daily: 1, weekdays: 3, weekly: 7 };

/** Feed days since the last digest that a digest does not cover (older than its catch-up window). */
export interface MissedDays {
  from: Day;
  to: Day;
  days: number;
}

/** The Hugging Face page that lists the papers of `from` to `to`: a day, an ISO week or a month page. */
export function feedRangeUrl(from: Day, to: Day): string {
  if (from === to) return paperLinks.feedDay(to);
  const [a, b] = [DateTime.fromISO(from, { zone: 'utc' }), DateTime.fromISO(to, { zone: 'utc' })];
  if (a.toFormat("kkkk-'W'WW") === b.toFormat("kkkk-'W'WW")) return `https://huggingface.co/papers/week/${b.toFormat("kkkk-'W'WW")}`;
  if (from.slice(0, 7) === to.slice(0, 7)) return `https://huggingface.co/papers/month/${to.slice(0, 7)}`;
  return paperLinks.feedDay(to);
}

/** Listed papers the planner keeps as last read (see `keptIfSame`); beyond it, it starts again. */
const MAX_KEPT_PAPERS = 20_000;

/** Whether `papers` are the picks' papers, the same objects (the planner keeps a paper's object while it is unchanged). */
function madeFrom(papers: readonly Paper[] | undefined, picks: readonly DigestPick[]): boolean {
  if (papers?.length !== picks.length) return false;
  for (let i = 0; i < picks.length; i++) if (papers[i] !== picks[i]!.paper) return false;
  return true;
}

/** What a channel's digest would contain right now. */
export interface DigestPlan {
  channelId: number;
  /** The newest feed day covered: with the channel, the delivery's unique key. */
  feedDay: Day;
  /** Every feed day covered, oldest first (empty when no listings exist yet). */
  days: Day[];
  /** Listed days since the last digest beyond the catch-up window: named in the digest, not covered. */
  missed?: MissedDays;
  picks: DigestPick[];
  overflow: number;
  /** True when nothing qualified. */
  empty: boolean;
  view: DigestView;
  /** What was decided about every candidate, when asked for with {@link PlanOverrides.record}. */
  decisions?: DigestDecisions;
}

/** Optional overrides, for previews and the CLI dry run. */
export interface PlanOverrides {
  topics?: string[];
  topN?: number;
  minUpvotes?: number;
  /** Plan for this feed day only, ignoring the channel's history. */
  feedDay?: Day;
  /** Also record each decision (the digest runner stores them for `/papers why`). */
  record?: boolean;
}

interface DayBundle {
  candidates: Candidate[];
  index: DayIndex;
  topicMatches: Map<string, Set<string>>;
  ids: string[];
  byId: Map<string, Paper>;
}

/** What the planner reads, through the stores' async contracts (any database dialect). */
export interface PlannerDeps {
  papers: Pick<Async<PapersRepo>, 'latestFeedDay' | 'feedDays' | 'listedOn' | 'textsOf'>;
  channels: Pick<Async<ChannelsRepo>, 'topicQueries' | 'topicQueriesByChannel'>;
  deliveries: Pick<Async<DeliveriesRepo>, 'deliveredAmong'>;
  search: Pick<SearchService, 'compileTopic'>;
  /** The channels' votes: their taste re-ranks their digests. Without it (or without votes), ranking is by topics and upvotes only. */
  votes?: TasteDeps['votes'];
}

/** Planner settings. */
export interface PlannerOptions {
  /** Days a digest reaches back after downtime (at least the cadence's own span); default {@link DEFAULT_MAX_CATCH_UP_DAYS}. */
  maxCatchUpDays?: number;
}

interface CoveredDays {
  days: Day[];
  missed?: MissedDays;
  /** The days' bundle key, made once. */
  key?: string;
}

/**
 * Decides each channel's digest: which feed days it covers (every day since its last digest, back at most
 * the catch-up limit or the cadence's span, whichever is longer; older days are named, not covered), which
 * papers (topics, minimum upvotes, never twice, each day's best first) and how they read.
 * Candidates and topic matches are cached per set of days, so planning thousands of channels is cheap;
 * `CatalogueFreshness` (src/app) calls {@link invalidate} when the stored papers changed, here or elsewhere.
 */
export class DigestPlanner {
  /** Bundles by their days, as promises: plans running at once for the same days build one. */
  private readonly bundles = new PromiseCache<string, DayBundle>();
  /** Feed days covered, by today, last digest day and cadence: they change only with listings, as bundles do. */
  private readonly daysCache = new PromiseCache<string, CoveredDays>();

  /**
   * Each listed paper as last read, kept while a new read finds it unchanged (after an ingest that did not
   * touch it), so that what is made from it (its rendered views, by topic) is made once, not once per ingest.
   */
  private readonly lastRead = new Map<string, Paper>();
  /** Rendered paper views by paper (as kept in {@link lastRead}) and topic: shared by every plan that picks it. */
  private readonly views = new WeakMap<Paper, Map<string, PaperView>>();

  /** Topics whose misspelt words the corpus corrected, as matched. */
  private readonly corrections = new Map<string, string>();
  private readonly maxCatchUpDays: number;
  /** Each channel's taste (fitted once per change of its votes) and the term vectors it is scored with. */
  private readonly tastes: TasteCache;

  constructor(
    private readonly deps: PlannerDeps,
    options: PlannerOptions = {},
  ) {
    this.maxCatchUpDays = options.maxCatchUpDays ?? DEFAULT_MAX_CATCH_UP_DAYS;
    this.tastes = new TasteCache({ papers: deps.papers, ...(deps.votes ? { votes: deps.votes } : {}) });
  }

  /** The feed days a channel's next digest covers, oldest first. */
  async daysFor(channel: Pick<Channel, 'lastDigestDay' | 'schedule'>, now: Date): Promise<Day[]> {
    return (await this.daysOn(channel, feedDayAt(now))).days;
  }

  /** What the channel's digest would contain now (the channel's topics and settings unless overridden). */
  async plan(channel: Channel, now: Date, overrides: PlanOverrides = {}): Promise<DigestPlan> {
    const today = feedDayAt(now);
    const topics = overrides.topics ?? (await this.deps.channels.topicQueries(channel.id));
    return this.planOn(channel, today, topics, overrides);
  }

  /**
   * Plans many channels at once (the same result as {@link plan} for each): the feed day, topics, vote
   * fingerprints and candidate bundles are looked up once for all of them.
   */
  async planMany(channels: Channel[], now: Date): Promise<DigestPlan[]> {
    const today = feedDayAt(now);
    const topicsByChannel = await this.deps.channels.topicQueriesByChannel();
    const votes = await this.tastes.batch();
    const plans: DigestPlan[] = [];
    for (const c of channels) plans.push(await this.planOn(c, today, topicsByChannel.get(c.id) ?? [], {}, votes));
    return plans;
  }

  private daysOn(channel: Pick<Channel, 'lastDigestDay' | 'schedule'>, today: Day): Promise<CoveredDays> {
    const key = `${today}|${channel.lastDigestDay ?? ''}|${channel.schedule.cadence}`;
    return this.daysCache.get(key, () => this.findDays(channel, today));
  }

  /**
   * Every listed day from the last digest's day (again, for papers listed there after it) to today, back
   * at most the window; listed days between the last digest and the window are `missed`.
   */
  private async findDays(channel: Pick<Channel, 'lastDigestDay' | 'schedule'>, today: Day): Promise<CoveredDays> {
    const last = channel.lastDigestDay;
    if (!last) {
      const latest = await this.deps.papers.latestFeedDay(today);
      return { days: latest ? [latest] : [] };
    }
    const window = Math.max(this.maxCatchUpDays, CADENCE_SPAN[channel.schedule.cadence]);
    const from = [last, addDays(today, -window)].sort().pop()!;
    const days = (await this.deps.papers.feedDays({ from, to: today })).reverse();
    if (from === last) return { days };
    const skipped = await this.deps.papers.feedDays({ from: addDays(last, 1), to: addDays(from, -1) });
    return skipped.length === 0 ? { days } : { days, missed: { from: skipped[skipped.length - 1]!, to: skipped[0]!, days: skipped.length } };
  }

  /** The limit used for a channel's catch-up (for messages). */
  catchUpLimit(channel: Pick<Channel, 'schedule'>): number {
    return Math.max(this.maxCatchUpDays, CADENCE_SPAN[channel.schedule.cadence]);
  }

  private async planOn(channel: Channel, today: Day, topics: string[], overrides: PlanOverrides, votes?: VoteBatch): Promise<DigestPlan> {
    const covered: CoveredDays = overrides.feedDay ? { days: [overrides.feedDay] } : await this.daysOn(channel, today);
    const { days } = covered;
    const bundleKey = (covered.key ??= days.join(','));
    const bundle = await this.bundle(days, bundleKey);
    for (const topic of topics) if (!bundle.topicMatches.has(topic)) await this.matchTopic(bundle, topic);
    const delivered = overrides.feedDay ? new Set<string>() : await this.deps.deliveries.deliveredAmong(channel.id, bundle.ids);
    const input = {
      ranked: true as const,
      candidates: bundle.candidates,
      topics,
      topicMatches: bundle.topicMatches,
      delivered,
      minUpvotes: overrides.minUpvotes ?? channel.minUpvotes,
      topN: overrides.topN ?? channel.topN,
    };
    const feedDay = days[days.length - 1] ?? today;
    const known = this.tastes.tasteOf(channel, votes, channel.id);
    const taste = known instanceof Promise ? await known : known;
    // The common path (no votes, nothing to record) is today's selection and nothing more.
    const tasted = taste || overrides.record ? this.tastes.select(input, { bundleKey, newestDay: feedDay, taste, record: overrides.record === true, days, topics }) : undefined;
    const selection: Selection = tasted?.selection ?? selectPapers(input);
    const why = tasted?.why;
    const views = tasted?.views;
    let papers = views?.papers && madeFrom(views.papersFrom, selection.picks) ? views.papers.slice() : undefined;
    if (why && !papers) {
      // A pick's view with its why line is kept with the line (src/select/taste-spaces.ts), shared by every plan that says it of the same view.
      papers = selection.picks.map((p, i) => {
        const plain = this.paperView(p);
        const said = why[i];
        if (!said) return plain;
        if (said.viewOf !== plain) {
          said.view = { ...plain, why: said.line };
          said.viewOf = plain;
        }
        return said.view!;
      });
      if (views) {
        views.papers = papers.slice();
        views.papersFrom = selection.picks.map((p) => p.paper);
      }
    }
    const view = this.view(channel, { feedDay, covered, today }, selection, topics.length > 0, papers);
    return {
      channelId: channel.id,
      feedDay,
      days,
      ...(covered.missed ? { missed: covered.missed } : {}),
      picks: selection.picks,
      overflow: selection.overflow,
      empty: selection.picks.length === 0,
      view,
      ...(tasted?.decisions ? { decisions: tasted.decisions } : {}),
    };
  }

  /** Drops cached candidates and topic matches (after an ingest changed listings or upvotes). */
  invalidate(): void {
    // A plan under way may still match topics in a bundle dropped here: its in-memory index closes when collected.
    this.bundles.clear();
    this.tastes.invalidate();
    this.daysCache.clear();
    this.corrections.clear();
  }

  private bundle(days: Day[], key = days.join(',')): Promise<DayBundle> {
    // More than a few sets of days at once: everything cached from them starts again, tastes' spaces too.
    if (!this.bundles.has(key) && this.bundles.size >= 16) this.invalidate();
    return this.bundles.get(key, () => this.buildBundle(days));
  }

  private async buildBundle(days: Day[]): Promise<DayBundle> {
    const listed = await Promise.all(days.map((day) => this.deps.papers.listedOn(day)));
    const candidates: Candidate[] = rankCandidates(days.flatMap((day, i) => listed[i]!.map((p) => ({ paper: this.keptIfSame(p), feedDay: day, rank: p.rank }))));
    return {
      candidates,
      index: new DayIndex(candidates.map((c) => c.paper)),
      topicMatches: new Map(),
      ids: candidates.map((c) => c.paper.id),
      byId: new Map(candidates.map((c) => [c.paper.id, c.paper])),
    };
  }

  /**
   * What a topic would bring, with the digest's own matcher and order: the papers the channel's next digest
   * would post from it (top N, never-twice and minimum upvotes applied), how many papers it matched on the
   * feed days of the last `lookbackDays`, and the topic as matched when a misspelt word was corrected.
   */
  async previewTopic(channel: Channel, topic: string, now: Date, lookbackDays = 7): Promise<{ plan: DigestPlan; recent: number; corrected?: string }> {
    const today = feedDayAt(now);
    const plan = await this.planOn(channel, today, [topic], {});
    const bundle = await this.bundle((await this.deps.papers.feedDays({ from: addDays(today, -lookbackDays), to: today })).reverse());
    await this.matchTopic(bundle, topic);
    const corrected = this.corrections.get(topic);
    return { plan, recent: bundle.topicMatches.get(topic)!.size, ...(corrected ? { corrected } : {}) };
  }

  /** What a channel's votes taught it (`/papers taste`), its terms weighed in the idf of the last `lookbackDays` feed days. */
  async tasteReport(target: ChannelTarget, now: Date, lookbackDays = 7): Promise<TasteReport | undefined> {
    const today = feedDayAt(now);
    const bundle = await this.bundle((await this.deps.papers.feedDays({ from: addDays(today, -lookbackDays), to: today })).reverse());
    return this.tastes.report(target, bundle.candidates.map((c) => c.paper));
  }

  private async matchTopic(bundle: DayBundle, topic: string): Promise<void> {
    if (bundle.topicMatches.has(topic)) return;
    let matched = new Set<string>();
    try {
      const { parsed, match, corrected } = await this.deps.search.compileTopic(topic);
      if (corrected) this.corrections.set(topic, corrected);
      matched = new Set(bundle.index.match(match).filter((id) => passesQueryFilters(bundle.byId.get(id)!, parsed)));
    } catch {
      // A stored topic that no longer parses matches nothing; commands validate topics when they are added.
    }
    bundle.topicMatches.set(topic, matched);
  }

  /** The paper as last read when this read finds it the same (every field), else this read, kept from now on. */
  private keptIfSame(paper: Paper): Paper {
    const kept = this.lastRead.get(paper.id);
    if (kept && isDeepStrictEqual(kept, paper)) return kept;
    if (this.lastRead.size >= MAX_KEPT_PAPERS) this.lastRead.clear();
    this.lastRead.set(paper.id, paper);
    return paper;
  }

  private paperView(pick: DigestPick): PaperView {
    let byTopic = this.views.get(pick.paper);
    if (!byTopic) this.views.set(pick.paper, (byTopic = new Map()));
    const topic = pick.topic ?? '';
    let view = byTopic.get(topic);
    if (!view) {
      view = toPaperView(pick.paper, pick.topic !== undefined ? { matchedTopic: pick.topic } : {});
      byTopic.set(topic, view);
    }
    return view;
  }

  private view(
    channel: Channel,
    at: { feedDay: Day; covered: CoveredDays; today: Day },
    selection: { picks: DigestPick[]; overflow: number },
    hasTopics: boolean,
    papers?: PaperView[],
  ): DigestView {
    const { feedDay, today } = at;
    const { days, missed } = at.covered;
    const view: DigestView = { feedDay, papers: papers ?? selection.picks.map((p) => this.paperView(p)) };
    if (channel.layout !== 'digest') view.layout = channel.layout;
    const first = days[0] ?? feedDay;
    if (selection.overflow > 0) view.overflow = { count: selection.overflow, url: feedRangeUrl(first, feedDay), ...(first !== feedDay ? { from: first } : {}) };
    if (missed) view.missed = { ...missed, limit: this.catchUpLimit(channel), url: feedRangeUrl(missed.from, missed.to) };
    if (days.length > 1) view.note = channel.schedule.cadence === 'weekly' ? `The week's papers, ${days[0]} to ${days[days.length - 1]}.` : `Catching up on ${days[0]} to ${days[days.length - 1]}.`;
    else if (days.length === 1 && days[0] !== today) view.note = `No papers are listed for ${today} yet; these are from ${days[0]}.`;
    if (selection.picks.length === 0) {
      const upvotes = channel.minUpvotes > 0 ? ` with at least ${channel.minUpvotes} upvotes` : '';
      view.notice =
        days.length === 0
          ? 'No papers have been ingested yet.'
          : hasTopics
            ? `No new papers matched this channel's topics${upvotes}.`
            : `No new papers${upvotes}.`;
    }
    return view;
  }
}
