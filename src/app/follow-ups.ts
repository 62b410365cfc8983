import type { ChatPlatform } from '../core/ports.ts';
import { addDays, feedDayAt } from '../core/time.ts';
import { paperLinks, type Platform } from '../core/types.ts';
import type { DigestView } from '../core/views.ts';
import type { OutboxDelivery } from '../db/deliveries-repo.ts';
import type { FollowUpEvent, PostedPaper } from '../db/follow-ups-repo.ts';
import type { DeliveriesStore, FollowUpsStore } from '../db/stores.ts';
import { describeError, LookupUnavailableError, PermanentPlatformError, RateLimitError } from '../errors.ts';
import { codeReleasedText, effectiveLayout, surgeText } from '../format/layout-lines.ts';
import type { Logger } from '../logger.ts';
import type { Clock } from '../core/ports.ts';

/**
 * When upvotes count as a surge: at least `factor` times the upvotes the paper had when posted (the stored
 * view's) and at least `minGain` more.
 */
export const SURGE = { factor: 2, minGain: 50 } as const;
/** Follow-ups are looked for on papers of deliveries of the last `days` feed days. */
export const FOLLOW_UP_WINDOW_DAYS = 14;
/** A claimed follow-up still `sending` after this long belongs to a process that stopped: given up, unconfirmed. */
const SENDING_EXPIRES_MS = 10 * 60_000;
/** A follow-up that failed for reasons a retry may fix is tried at this many runs at most. */
export const FOLLOW_UP_ATTEMPTS = 5;

export interface FollowUpsDeps {
  followUps: FollowUpsStore;
  deliveries: DeliveriesStore;
  clock: Clock;
  logger: Logger;
}

/** What one run of follow-ups did. */
export interface FollowUpReport {
  posted: { channelId: number; paperId: string; event: FollowUpEvent; how: 'reply' | 'edit' }[];
  failed: number;
  /** Claimed rows a stopped process left behind, given up without posting again. */
  unconfirmed: number;
}

interface Due {
  paper: PostedPaper;
  event: FollowUpEvent;
  detail: string;
  delivery: OutboxDelivery;
  view: DigestView;
}

/**
 * Follow-ups on posted papers, one use case for every job that calls it (after each ingest): a posted
 * paper that got a GitHub repository since (its stored view had no code link), or whose upvotes surged
 * ({@link SURGE}), is said once per channel and event: a reply in the paper's thread (`thread` and
 * `papers` layouts) or, for a `digest` message, an edit of the part that shows it (its Code link and
 * current upvotes). Once: the row is claimed before posting; a failure a retry may fix is tried again at
 * the next run (up to {@link FOLLOW_UP_ATTEMPTS}): an edit as it is, a reply only after looking for the one
 * an earlier attempt may have posted ({@link ChatPlatform.findReply}; no look-up possible: given up). A
 * refusal is never retried. Replies to one channel keep the platform's pacing.
 */
export function createFollowUps(deps: FollowUpsDeps) {
  const views = new Map<string, { delivery: OutboxDelivery; view: DigestView } | null>();
  const deliveryOf = async (id: string) => {
    if (!views.has(id)) {
      const delivery = await deps.deliveries.get(id);
      views.set(id, delivery?.view ? { delivery, view: delivery.view } : null);
    }
    return views.get(id) ?? undefined;
  };

  async function due(paper: PostedPaper): Promise<Due[]> {
    const posted = await deliveryOf(paper.deliveryId);
    const shown = posted?.view.papers.find((p) => p.id === paper.paperId);
    if (!posted || !shown) return [];
    const out: Due[] = [];
    if (!paper.done.has('code') && paper.githubRepo && shown.codeUrl === null) out.push({ paper, event: 'code', detail: paper.githubRepo, ...posted });
    if (!paper.done.has('surge') && paper.upvotes >= shown.upvotes * SURGE.factor && paper.upvotes - shown.upvotes >= SURGE.minGain) {
      out.push({ paper, event: 'surge', detail: `${shown.upvotes}->${paper.upvotes}`, ...posted });
    }
    return out;
  }

  /** The posted view with its papers as they read now (code links, stars, upvotes): an edit never drops what an earlier edit added. */
  async function refreshed(d: Due): Promise<DigestView> {
    const current = await deps.followUps.papersNow(d.view.papers.map((v) => v.id));
    return {
      ...d.view,
      papers: d.view.papers.map((v) => {
        const now = current.get(v.id);
        if (!now) return v;
        return { ...v, upvotes: Math.max(v.upvotes, now.upvotes), ...(now.githubRepo ? { codeUrl: v.codeUrl ?? paperLinks.github(now.githubRepo), githubStars: now.githubStars } : {}) };
      }),
    };
  }

  async function say(chat: ChatPlatform, d: Due, retry: boolean): Promise<{ messageId: string; how: 'reply' | 'edit' }> {
    const { paper } = d;
    const layout = effectiveLayout(d.view);
    const index = d.view.papers.findIndex((v) => v.id === paper.paperId);
    const title = d.view.papers[index]?.title ?? paper.paperId;
    // Every reply of a `thread` layout goes under the header's thread: it names its paper.
    const which = layout === 'thread' ? { number: index + 1, title } : undefined;
    const text = d.event === 'code' ? codeReleasedText(d.detail, paperLinks.github(d.detail), which) : surgeText(title, Number(d.detail.split('->')[0]), Number(d.detail.split('->')[1]), which?.number);
    if (layout === 'digest' && chat.updateDigestPart) {
      const part = d.delivery.platformMessageIds.indexOf(paper.messageId) + 1;
      if (part > 0) {
        // The message shows what it showed when posted, never a new split of the view (that would move papers between messages).
        const shown = new Set(await deps.followUps.papersAtMessage(d.delivery.id, paper.messageId));
        const paperIds = d.view.papers.filter((v) => shown.has(v.id)).map((v) => v.id);
        await chat.updateDigestPart(paper.target, paper.messageId, await refreshed(d), d.delivery.id, { number: part, of: d.delivery.platformMessageIds.length, paperIds });
        return { messageId: paper.messageId, how: 'edit' };
      }
    }
    if (!chat.postReply || !paper.threadId) throw new PermanentPlatformError('no_thread', `no thread to reply in (${layout} layout on ${chat.platform})`);
    const key = `f-${paper.channelId}-${paper.paperId}-${d.event}`;
    if (retry) {
      // An earlier attempt may have posted the reply and lost the answer: look before posting again.
      if (!chat.findReply) throw new LookupUnavailableError('no_lookup', `${chat.platform} cannot look for an earlier reply`);
      const found = await chat.findReply(paper.target, paper.threadId, key, text);
      if (found) return { messageId: found, how: 'reply' };
    }
    return { messageId: await chat.postReply(paper.target, paper.threadId, text, key), how: 'reply' };
  }

  const lastPost = new Map<string, number>();
  const placeOf = (p: PostedPaper) => `${p.target.platform} ${p.target.workspaceId} ${p.target.channelId}`;
  async function pace(chat: ChatPlatform, paper: PostedPaper): Promise<void> {
    const wait = (lastPost.get(placeOf(paper)) ?? 0) + chat.delivery.perChannelIntervalMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  return {
    /** Looks for due follow-ups and says each once on the channel's platform (platforms not given are left for later). */
    async run(platforms: Partial<Record<Platform, ChatPlatform>>): Promise<FollowUpReport> {
      views.clear();
      const report: FollowUpReport = { posted: [], failed: 0, unconfirmed: await deps.followUps.expireSending(SENDING_EXPIRES_MS, deps.clock.now().getTime()) };
      if (report.unconfirmed > 0) deps.logger.warn({ rows: report.unconfirmed }, 'follow-ups left mid-post by a stopped process: counted as said, unconfirmed, not posted again');
      const since = addDays(feedDayAt(deps.clock.now()), -FOLLOW_UP_WINDOW_DAYS);
      for (const paper of await deps.followUps.postedPapers(since, SURGE.minGain)) {
        const chat = platforms[paper.target.platform];
        if (!chat) continue;
        for (const found of await due(paper)) {
          // A retry says what the first attempt said (a reply is looked for by its words on Discord).
          const earlier = await deps.followUps.get(paper.channelId, paper.paperId, found.event);
          const d = earlier?.status === 'pending' && earlier.detail ? { ...found, detail: earlier.detail } : found;
          if (!(await deps.followUps.claim(paper.channelId, paper.paperId, d.event, d.detail))) continue;
          const attempts = (earlier?.attempts ?? 0) + 1;
          const log = deps.logger.child({ channelId: paper.channelId, paperId: paper.paperId, event: d.event });
          await pace(chat, paper);
          try {
            const { messageId, how } = await say(chat, d, attempts > 1);
            await deps.followUps.markSent(paper.channelId, paper.paperId, d.event, messageId);
            report.posted.push({ channelId: paper.channelId, paperId: paper.paperId, event: d.event, how });
            log.info({ how, messageId, attempts }, 'follow-up posted');
          } catch (error) {
            report.failed += 1;
            const reason = describeError(error);
            // Refused, or no way to tell whether an earlier attempt posted: given up. Anything else is tried again
            // at the next run (an edit is idempotent; a reply is looked for first), up to FOLLOW_UP_ATTEMPTS runs.
            const final = error instanceof PermanentPlatformError || error instanceof LookupUnavailableError || (!(error instanceof RateLimitError) && attempts >= FOLLOW_UP_ATTEMPTS);
            if (final) await deps.followUps.markFailed(paper.channelId, paper.paperId, d.event, reason);
            else await deps.followUps.markPending(paper.channelId, paper.paperId, d.event, reason);
            log.warn({ err: reason, attempts }, final ? 'follow-up failed; not tried again' : 'follow-up failed; the next run tries again');
          } finally {
            lastPost.set(placeOf(paper), Date.now());
          }
        }
      }
      return report;
    },
  };
}

/** The follow-ups use case: {@link createFollowUps}. */
export type FollowUps = ReturnType<typeof createFollowUps>;
