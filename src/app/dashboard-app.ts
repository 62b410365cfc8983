import { DASHBOARD_ACTOR } from '../core/types.ts';
import type { AppContext } from '../context.ts';
import type { CommandReply } from '../core/commands.ts';
import type { Clock } from '../core/ports.ts';
import { addDays, daysBetween, feedDayAt, isDay, type Day } from '../core/time.ts';
import type { Channel, Delivery, Paper } from '../core/types.ts';
import { describeSchedule, describeSettings } from '../commands/channel-state.ts';
import type { ChannelFilter, DayDeliveries, DayStats, PaperPosting } from '../db/dashboard-queries.ts';
import { UsageError } from '../errors.ts';
import type { SearchResult } from '../search/search-service.ts';
import type { PapersApp } from './papers-app.ts';

export type { ChannelFilter, DayDeliveries, DayStats, PaperPosting };

/** A page of a list: `limit` items from `offset`. */
export interface PageRequest {
  limit: number;
  offset: number;
}

/** One feed day's papers, a page of them, and the feed days around it for a day picker. */
export type FeedDayPage =
  | { kind: 'nothing-ingested' }
  | {
      kind: 'day';
      day: Day;
      papers: (Paper & { rank: number })[];
      total: number;
      recentDays: Day[];
      latestDay: Day;
      /** Set when the day asked for is not a calendar day (`YYYY-MM-DD`): the latest day is shown instead. */
      notADay?: string;
    };

/** A search as the dashboard shows it: the results (with any correction), or why the query is not one. */
export type DashboardSearch = { kind: 'results'; result: SearchResult } | { kind: 'error'; message: string; usage?: string };

/** One paper in full, the feed day that last listed it, and the channels it was selected for. */
export interface PaperDetail {
  paper: Paper;
  feedDay: Day | null;
  postings: PaperPosting[];
}

/** A channel as the channel list shows it. */
export interface ChannelSummary {
  channel: Channel;
  /** "daily at 09:00 (Europe/Berlin)". */
  schedule: string;
  topics: string[];
  /** The newest digests, newest first. */
  recent: { id: string; feedDay: Day; status: Delivery['status']; updatedAt: string }[];
}

/** A digest in the ledger, and what became of it in words. */
export interface LedgerEntry {
  delivery: Delivery;
  /** Papers the row still holds (0 for a failed digest whose papers went back to the pool). */
  papersHeld: number;
  /** What happened after, e.g. "Its papers went back to the pool: the next digest covers them." */
  outcome: string;
}

/** Everything a channel's page shows. */
export interface ChannelDetail extends ChannelSummary {
  /** One line per setting, as `/papers settings` words them. */
  settings: string[];
  /** What `/papers today` answers in that channel. */
  preview: CommandReply;
  ledger: LedgerEntry[];
}

/** What the papers charts draw: the last 30 feed days. */
export interface PaperChartData {
  days: DayStats[];
}

/** What the deliveries chart draws: the last 30 feed days, as of `asOf` (recounted at most once a minute). */
export interface DeliveryChartData {
  deliveries: DayDeliveries[];
  asOf: Date;
}

/** A change to a channel from its page: a chat command's name and its text, as a person would type it. */
export interface ChannelEdit {
  name: 'subscribe' | 'unsubscribe' | 'schedule' | 'settings';
  text: string;
}

/**
 * What the web dashboard asks of the bot. Reads come from storage through bounded queries (a page, a day
 * range); a change to a channel runs the same command use case as in chat, so validation and wording match.
 */
export interface DashboardApp {
  readonly clock: Clock;
  /** The papers of feed day `day` (default: the latest ingested one), one page. */
  feedDay(day: Day | undefined, page: PageRequest): Promise<FeedDayPage>;
  /** The same search as `/papers search`: syntax, correction ("showing results for"), paging. */
  search(query: string, page: PageRequest): Promise<DashboardSearch>;
  paper(id: string): Promise<PaperDetail | undefined>;
  /** One page of the enrolled channels (all, failing or paused), oldest first, and how many there are. */
  channels(page: PageRequest, filter?: ChannelFilter): Promise<{ channels: ChannelSummary[]; total: number }>;
  channel(id: number): Promise<ChannelDetail | undefined>;
  /** Papers and upvotes per feed day over the last 30 days. */
  paperCharts(): Promise<PaperChartData>;
  /**
   * Deliveries per feed day by status over the last 30 days. Counting them reads every delivery of those
   * days (no index leads with the feed day), so the count is kept for a minute.
   */
  deliveryCharts(): Promise<DeliveryChartData>;
  /** Runs the chat command for this change in the channel (as a manager): its reply, errors included. */
  edit(channelId: number, edit: ChannelEdit): Promise<CommandReply>;
}

export interface DashboardAppDeps {
  ctx: AppContext;
  /** The application the chat adapters use: edits and previews run its commands. */
  papers: PapersApp;
}

/** Who the dashboard's changes are recorded as (`changedBy`). */
export const DASHBOARD_USER = DASHBOARD_ACTOR;
const CHART_DAYS = 30;
const LEDGER_ENTRIES = 30;
const RECENT_PER_CHANNEL = 3;
const DELIVERY_CHART_TTL_MS = 60_000;

/** What became of a digest, from its row, the papers it still holds and the rows after it. */
export function ledgerOutcome(delivery: Delivery, papersHeld: number, laterRound: Delivery | undefined, channel: Channel): string {
  switch (delivery.status) {
    case 'sent':
      return delivery.lastError
        ? `Counted as sent, unconfirmed (the post could not be looked up: ${delivery.lastError}); it is never posted twice.`
        : `Posted in ${delivery.platformMessageIds.length} message${delivery.platformMessageIds.length === 1 ? '' : 's'}.`;
    case 'skipped':
      return 'Nothing qualified and the channel posts nothing on empty days.';
    case 'pending':
      return delivery.lastError ? `Waiting to post again (${delivery.lastError}).` : 'Waiting to be posted.';
    case 'sending':
      return delivery.attempts > 1 || delivery.lastError
        ? 'Retrying: the next attempt looks for the post first and posts only what is missing.'
        : 'Being posted.';
    case 'failed': {
      const parts: string[] = [];
      if (laterRound) parts.push(`Tried again as ${laterRound.id} (${laterRound.status}).`);
      else if (delivery.paperIds.length > 0 && papersHeld === 0) parts.push('Its papers went back to the pool: the next digest covers them.');
      else if (papersHeld > 0) parts.push("It kept its papers: they go out with the channel's next digest, looking first for what is showing.");
      if (channel.health === 'failing') parts.push('Digests here are paused until someone runs /papers resume in the channel.');
      return parts.join(' ') || 'Given up.';
    }
  }
}

/** Builds the dashboard's application on a context (the composition root's). */
export function createDashboardApp({ ctx, papers }: DashboardAppDeps): DashboardApp {
  const queries = ctx.dashboard;
  const latestDay = () => ctx.stores.papers.latestFeedDay(feedDayAt(ctx.clock.now()));
  const chartDays = async () => {
    const to = (await latestDay()) ?? feedDayAt(ctx.clock.now());
    return daysBetween(addDays(to, -(CHART_DAYS - 1)), to);
  };
  // Thousands of channels share a handful of schedules; describing one resolves its zone's canonical name.
  const described = new Map<string, string>();
  const scheduleText = (s: Channel['schedule']) => {
    const key = `${s.time}|${s.cadence}|${s.weekday}|${s.timeZone}`;
    let text = described.get(key);
    if (text === undefined) described.set(key, (text = describeSchedule(s)));
    if (described.size > 1_000) described.clear();
    return text;
  };
  let deliveryChart: { key: string; at: number; data: DeliveryChartData } | undefined;
  const summaries = async (list: Channel[]): Promise<ChannelSummary[]> => {
    const ids = list.map((c) => c.id);
    const [topics, recent] = await Promise.all([queries.topicsFor(ids), queries.recentDeliveriesFor(ids, RECENT_PER_CHANNEL)]);
    return list.map((channel) => ({ channel, schedule: scheduleText(channel.schedule), topics: topics.get(channel.id) ?? [], recent: recent.get(channel.id) ?? [] }));
  };
  const command = (channel: Channel, name: string, text: string, canManage: boolean) =>
    papers.command({ platform: channel.platform, workspaceId: channel.workspaceId, channelId: channel.channelId, userId: DASHBOARD_USER, name, text, canManage });

  return {
    clock: ctx.clock,
    async feedDay(day, page) {
      const latest = await latestDay();
      if (!latest) return { kind: 'nothing-ingested' };
      const chosen = day && isDay(day) ? day : latest;
      const [{ papers: listed, total }, recentDays] = await Promise.all([queries.feedDayPage(chosen, page), ctx.stores.papers.feedDays({ limit: CHART_DAYS })]);
      const notADay = day && chosen !== day ? { notADay: day } : {};
      return { kind: 'day', day: chosen, papers: listed, total, recentDays, latestDay: latest, ...notADay };
    },
    async search(query, page) {
      try {
        return { kind: 'results', result: await ctx.search.search(query, page) };
      } catch (error) {
        if (error instanceof UsageError) return { kind: 'error', message: error.message, ...(error.usage ? { usage: error.usage } : {}) };
        throw error;
      }
    },
    async paper(id) {
      const paper = await ctx.stores.papers.get(id);
      if (!paper) return undefined;
      const [feedDay, postings] = await Promise.all([ctx.stores.papers.feedDayOf(id), queries.postingsOf(id)]);
      return { paper, feedDay, postings };
    },
    async channels(page, filter = 'all') {
      const [ids, total] = await Promise.all([queries.channelIdPage(page, filter), queries.channelTotal(filter)]);
      const found = await Promise.all(ids.map((id) => ctx.stores.channels.get(id)));
      return { channels: await summaries(found.filter((c): c is Channel => c !== undefined)), total };
    },
    async channel(id) {
      const channel = await ctx.stores.channels.get(id);
      // A person's alerts row is theirs, not a channel to manage: it has no page.
      if (!channel || channel.kind !== 'channel') return undefined;
      const [[summary], rows] = await Promise.all([summaries([channel]), ctx.stores.deliveries.forChannel(id, LEDGER_ENTRIES)]);
      const held = await queries.papersHeldBy(rows.map((r) => r.id));
      const ledger = rows.map((row) => {
        const later = rows.find((r) => r.feedDay === row.feedDay && r.createdAt > row.createdAt && r.id !== row.id);
        const { view: _view, viewError: _error, ...delivery } = row;
        return { delivery, papersHeld: held.get(row.id) ?? 0, outcome: ledgerOutcome(delivery, held.get(row.id) ?? 0, later, channel) };
      });
      return { ...summary!, settings: describeSettings(channel), preview: await command(channel, 'today', '', false), ledger };
    },
    async paperCharts() {
      const days = await chartDays();
      const stats = new Map((await queries.dayStatsBetween(days[0]!, days.at(-1)!)).map((d) => [d.day, d]));
      return { days: days.map((day) => stats.get(day) ?? { day, papers: 0, upvotes: 0 }) };
    },
    async deliveryCharts() {
      const days = await chartDays();
      const key = `${days[0]}|${days.at(-1)}`;
      if (deliveryChart?.key === key && Date.now() - deliveryChart.at < DELIVERY_CHART_TTL_MS) return deliveryChart.data;
      const counted = new Map((await queries.deliveriesPerDay(days[0]!, days.at(-1)!)).map((d) => [d.day, d]));
      const data = {
        deliveries: days.map((day) => counted.get(day) ?? { day, counts: { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 } }),
        asOf: new Date(),
      };
      deliveryChart = { key, at: Date.now(), data };
      return data;
    },
    async edit(channelId, edit) {
      const channel = await ctx.stores.channels.get(channelId);
      if (!channel || channel.kind !== 'channel') return { kind: 'error', message: `No channel ${channelId}: it may have been removed.` };
      return command(channel, edit.name, edit.text, true);
    },
  };
}
