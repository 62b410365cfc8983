import type { Channel, Paper } from '../core/types.ts';
import { addDays, feedDayAt, type Day } from '../core/time.ts';
import { paperLinks } from '../core/types.ts';
import type { DigestView, PaperView } from '../core/views.ts';
import type { ChannelsRepo } from '../db/channels-repo.ts';
import { DayIndex } from '../db/day-index.ts';
import type { DeliveriesRepo } from '../db/deliveries-repo.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import { toPaperView } from '../format/paper-view.ts';
import type { ParsedQuery } from '../search/query.ts';
import type { SearchService } from '../search/search-service.ts';
import { rankCandidates, selectPapers, type Candidate, type DigestPick } from './select-papers.ts';

/** How far back a digest reaches after downtime: a bot that was down catches up, but never floods. */
export const MAX_CATCH_UP_DAYS = 3;

/** What a channel's digest would contain right now. */
export interface DigestPlan {
  channelId: number;
  /** The newest feed day covered: with the channel, the delivery's unique key. */
  feedDay: Day;
  /** Every feed day covered, oldest first (empty when no listings exist yet). */
  days: Day[];
  picks: DigestPick[];
  overflow: number;
  /** True when nothing qualified. */
  empty: boolean;
  view: DigestView;
}

/** Optional overrides, for previews and the CLI dry run. */
export interface PlanOverrides {
  topics?: string[];
  topN?: number;
  minUpvotes?: number;
  /** Plan for this feed day only, ignoring the channel's history. */
  feedDay?: Day;
}

interface DayBundle {
  candidates: Candidate[];
  index: DayIndex;
  topicMatches: Map<string, Set<string>>;
  /** Rendered paper views by paper id and topic: shared by every channel that picks the paper. */
  views: Map<string, PaperView>;
  ids: string[];
  byId: Map<string, Paper>;
}

interface PlannerDeps {
  papers: PapersRepo;
  channels: ChannelsRepo;
  deliveries: DeliveriesRepo;
  search: SearchService;
}

function passesFilters(paper: Paper, parsed: ParsedQuery): boolean {
  if (parsed.since && (paper.publishedAt ?? '9999') < parsed.since) return false;
  const u = parsed.upvotes;
  if (!u) return true;
  switch (u.op) {
    case '>=': return paper.upvotes >= u.value;
    case '>': return paper.upvotes > u.value;
    case '<=': return paper.upvotes <= u.value;
    case '<': return paper.upvotes < u.value;
    case '=': return paper.upvotes === u.value;
  }
}

/**
 * Decides each channel's digest: which feed days it covers (since its last digest, at most
 * {@link MAX_CATCH_UP_DAYS} back), which papers (topics, minimum upvotes, never twice) and how they read.
 * Candidates and topic matches are cached per set of days, so planning thousands of channels is cheap;
 * call {@link invalidate} after an ingest.
 */
export class DigestPlanner {
  private readonly bundles = new Map<string, DayBundle>();
  /** Feed days covered, by today and last digest day: they change only with listings, as bundles do. */
  private readonly daysCache = new Map<string, Day[]>();

  private cachedSince = 0;

  /**
   * @param maxCacheMs how long cached days, candidates and matches may serve before they are rebuilt, so a
   * process that did not see an ingest (one made by another process) is never stale for longer.
   */
  constructor(
    private readonly deps: PlannerDeps,
    private readonly maxCacheMs = 60_000,
  ) {}

  /** Drops the caches when they are older than `maxCacheMs`. */
  private expireStale(): void {
    const age = Date.now() - this.cachedSince;
    if (age > this.maxCacheMs) {
      this.invalidate();
      this.cachedSince = Date.now();
    }
  }

  /** The feed days a channel's next digest covers, oldest first. */
  daysFor(channel: Pick<Channel, 'lastDigestDay'>, now: Date): Day[] {
    this.expireStale();
    return this.daysOn(channel, feedDayAt(now));
  }

  plan(channel: Channel, now: Date, overrides: PlanOverrides = {}): DigestPlan {
    this.expireStale();
    const today = feedDayAt(now);
    const topics = overrides.topics ?? this.deps.channels.topicQueries(channel.id);
    return this.planOn(channel, today, topics, overrides);
  }

  /**
   * Plans many channels at once (the same result as {@link plan} for each): the feed day, topics and
   * candidate bundles are looked up once for all of them.
   */
  planMany(channels: Channel[], now: Date): DigestPlan[] {
    this.expireStale();
    const today = feedDayAt(now);
    const topicsByChannel = this.deps.channels.topicQueriesByChannel();
    return channels.map((c) => this.planOn(c, today, topicsByChannel.get(c.id) ?? [], {}));
  }

  private daysOn(channel: Pick<Channel, 'lastDigestDay'>, today: Day): Day[] {
    const key = `${today}|${channel.lastDigestDay ?? ''}`;
    let days = this.daysCache.get(key);
    if (!days) this.daysCache.set(key, (days = this.findDays(channel, today)));
    return days;
  }

  private findDays(channel: Pick<Channel, 'lastDigestDay'>, today: Day): Day[] {
    if (!channel.lastDigestDay) {
      const latest = this.deps.papers.latestFeedDay(today);
      return latest ? [latest] : [];
    }
    const from = [channel.lastDigestDay, addDays(today, -MAX_CATCH_UP_DAYS)].sort().pop()!;
    return this.deps.papers.feedDays({ from, to: today, limit: MAX_CATCH_UP_DAYS + 1 }).reverse();
  }

  private planOn(channel: Channel, today: Day, topics: string[], overrides: PlanOverrides): DigestPlan {
    const days = overrides.feedDay ? [overrides.feedDay] : this.daysOn(channel, today);
    const bundle = this.bundle(days);
    for (const topic of topics) this.matchTopic(bundle, topic);
    const delivered = overrides.feedDay ? new Set<string>() : this.deps.deliveries.deliveredAmong(channel.id, bundle.ids);
    const selection = selectPapers({
      ranked: true,
      candidates: bundle.candidates,
      topics,
      topicMatches: bundle.topicMatches,
      delivered,
      minUpvotes: overrides.minUpvotes ?? channel.minUpvotes,
      topN: overrides.topN ?? channel.topN,
    });
    const feedDay = days[days.length - 1] ?? today;
    return {
      channelId: channel.id,
      feedDay,
      days,
      picks: selection.picks,
      overflow: selection.overflow,
      empty: selection.picks.length === 0,
      view: this.view(channel, { feedDay, days, today, bundle }, selection, topics.length > 0),
    };
  }

  /** Drops cached candidates and topic matches (after an ingest changed listings or upvotes). */
  invalidate(): void {
    for (const b of this.bundles.values()) b.index.close();
    this.bundles.clear();
    this.daysCache.clear();
  }

  private bundle(days: Day[]): DayBundle {
    const key = days.join(',');
    let bundle = this.bundles.get(key);
    if (!bundle) {
      const candidates: Candidate[] = rankCandidates(days.flatMap((day) => this.deps.papers.listedOn(day).map((p) => ({ paper: p, feedDay: day, rank: p.rank }))));
      if (this.bundles.size >= 16) this.invalidate();
      bundle = {
        candidates,
        index: new DayIndex(candidates.map((c) => c.paper)),
        topicMatches: new Map(),
        views: new Map(),
        ids: candidates.map((c) => c.paper.id),
        byId: new Map(candidates.map((c) => [c.paper.id, c.paper])),
      };
      this.bundles.set(key, bundle);
    }
    return bundle;
  }

  private matchTopic(bundle: DayBundle, topic: string): void {
    if (bundle.topicMatches.has(topic)) return;
    let matched = new Set<string>();
    try {
      const { parsed, match } = this.deps.search.compile(topic);
      matched = new Set(bundle.index.match(match).filter((id) => passesFilters(bundle.byId.get(id)!, parsed)));
    } catch {
      // A stored topic that no longer parses matches nothing; commands validate topics when they are added.
    }
    bundle.topicMatches.set(topic, matched);
  }

  private paperView(bundle: DayBundle, pick: DigestPick): PaperView {
    const key = `${pick.paper.id}\u0000${pick.topic ?? ''}`;
    let view = bundle.views.get(key);
    if (!view) {
      view = toPaperView(pick.paper, pick.topic !== undefined ? { matchedTopic: pick.topic } : {});
      bundle.views.set(key, view);
    }
    return view;
  }

  private view(
    channel: Channel,
    at: { feedDay: Day; days: Day[]; today: Day; bundle: DayBundle },
    selection: { picks: DigestPick[]; overflow: number },
    hasTopics: boolean,
  ): DigestView {
    const { feedDay, days, today } = at;
    const view: DigestView = { feedDay, papers: selection.picks.map((p) => this.paperView(at.bundle, p)) };
    if (selection.overflow > 0) view.overflow = { count: selection.overflow, url: paperLinks.feedDay(feedDay) };
    if (days.length > 1) view.note = `Catching up on ${days[0]} to ${days[days.length - 1]}.`;
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
