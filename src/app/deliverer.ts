import { DASHBOARD_ACTOR } from '../core/types.ts';
import { noMetrics, type DeliveryStatus, type Metrics } from '../core/metrics.ts';
import type { ChannelTarget, ChatPlatform, DeliveredParts } from '../core/ports.ts';
import type { DigestView } from '../core/views.ts';
import { plannedMessages } from '../format/layout-lines.ts';
import type { OutboxDelivery } from '../db/deliveries-repo.ts';
import type { ChannelsStore, DeliveriesStore } from '../db/stores.ts';
import { describeError, LookupUnavailableError, PermanentPlatformError, RateLimitError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ChannelService } from './channel-service.ts';

/** What delivering an outbox row ended with. */
export type DeliverOutcome =
  | { outcome: 'sent'; messageIds: string[] }
  | { outcome: 'found'; messageIds: string[] }
  | { outcome: 'unconfirmed'; reason: string }
  | { outcome: 'already'; status: string }
  | { outcome: 'unreadable'; reason: string }
  | { outcome: 'missing' };

export interface DelivererDeps {
  deliveries: DeliveriesStore;
  channels: ChannelsStore;
  /** A channel the platform refuses for good is marked unreachable there (with its schedule). */
  channelService: ChannelService;
  logger: Logger;
  /** Counts every attempt's ending by platform and status, and times digests from planned to posted. */
  metrics?: Metrics;
}

/** How the queue runs this attempt: whether it is the last one it will make, and how many it makes. */
export interface AttemptOptions {
  isLastAttempt: boolean;
  attempts: number;
  /** Told as each message of the delivery is accepted (the runner's channel pacing marks it). */
  onPosted?: () => void;
}

function failureNotice(target: ChannelTarget, reason: string): string {
  return `Papers bot could not post the digest to <#${target.channelId}> (${reason}), so digests there are paused and its papers are kept for later. Fix access (invite the bot, or give it permission to post), then run /papers resume in that channel: the missed papers are posted then.`;
}

/** The delivery use case: {@link createDeliverer}. */
export interface Deliverer {
  /** The row and where it goes, or why there is nothing to do. */
  open(deliveryId: string): Promise<{ delivery: OutboxDelivery; target: ChannelTarget } | { done: DeliverOutcome }>;
  /** How many messages posting the row makes at least (its layout's), so the runner keeps the channel's slots for all of them. */
  plannedPosts(delivery: OutboxDelivery): number;
  /** One attempt at posting the row (after the runner paced the channel). */
  attempt(chat: ChatPlatform, delivery: OutboxDelivery, target: ChannelTarget, options: AttemptOptions): Promise<DeliverOutcome>;
}

/**
 * The delivery use case, exactly once whatever the platform: each part the platform accepts is written to
 * the ledger at once, and a later attempt, however late, posts only the parts the ledger does not know.
 * Only after an ambiguous ending (network, 5xx, crash: a part may have been accepted unrecorded) does an
 * attempt look for its post first (Slack: message metadata; Discord forums: post names; Discord channels
 * dedupe by nonce for a few minutes) and merge what it finds; a look-up that cannot be made then counts the
 * digest as sent, unconfirmed. An attempt that follows only rate limits looks nothing up. The one window
 * left is between the platform accepting a part and our write of it (a crash there).
 * Failures come back as thrown typed errors after the ledger is written: `RateLimitError` (row back to
 * pending), `PermanentPlatformError` (row failed, papers released when nothing showed, channel unreachable,
 * its owner told by DM), anything else (recorded; after the last attempt the row fails keeping its papers).
 */
export function createDeliverer(deps: DelivererDeps): Deliverer {
  return {
    async open(deliveryId) {
      const delivery = await deps.deliveries.getWithTarget(deliveryId);
      if (!delivery) return { done: { outcome: 'missing' } };
      if (delivery.status === 'sent' || delivery.status === 'skipped' || delivery.status === 'failed') return { done: { outcome: 'already', status: delivery.status } };
      if (!delivery.target) {
        await deps.deliveries.markFailed(deliveryId, 'channel removed');
        return { done: { outcome: 'missing' } };
      }
      if (delivery.viewError !== undefined) {
        (deps.metrics ?? noMetrics).deliveryFinished(delivery.target.platform, 'unreadable');
        return { done: await unreadable(deps, delivery, delivery.viewError) };
      }
      return { delivery, target: delivery.target };
    },
    plannedPosts: (delivery) => plannedMessages(delivery.view),
    attempt: (chat: ChatPlatform, delivery: OutboxDelivery, target: ChannelTarget, options: AttemptOptions) => attempt(deps, chat, delivery, target, options),
  };
}

async function attempt(deps: DelivererDeps, chat: ChatPlatform, delivery: OutboxDelivery, target: ChannelTarget, options: AttemptOptions): Promise<DeliverOutcome> {
  const metrics = deps.metrics ?? noMetrics;
  const outcome = await attemptOnce(deps, chat, delivery, target, options).catch((error: unknown) => {
    metrics.deliveryFinished(chat.platform, failureStatus(error, options.isLastAttempt));
    throw error;
  });
  if (outcome.outcome === 'sent' || outcome.outcome === 'found' || outcome.outcome === 'unconfirmed') metrics.deliveryFinished(chat.platform, outcome.outcome);
  if (outcome.outcome === 'sent') metrics.digestPosted(chat.platform, Math.max(0, (Date.now() - Date.parse(delivery.createdAt)) / 1000));
  return outcome;
}

/** The status a failed attempt is counted under (see {@link handleFailure} for what each one does). */
function failureStatus(error: unknown, isLast: boolean): DeliveryStatus {
  if (error instanceof RateLimitError) return 'rate_limited';
  if (error instanceof PermanentPlatformError) return 'refused';
  return isLast ? 'gave_up' : 'failed';
}

/**
 * Whether an earlier attempt may have had a part accepted that the ledger does not know: one that ended
 * ambiguously (network, 5xx, a crash; the row stayed `sending`, or failed and was reopened). An attempt that
 * ended with a rate limit (row back to `pending`) was refused for its next part and had recorded every part
 * accepted before it, so the ledger knows all that shows: nothing needs looking up.
 */
function mayHaveUnrecordedParts(before: { status: string; attempts: number }): boolean {
  return before.attempts > 0 && before.status !== 'pending';
}

async function attemptOnce(deps: DelivererDeps, chat: ChatPlatform, delivery: OutboxDelivery, target: ChannelTarget, options: AttemptOptions): Promise<DeliverOutcome> {
  const deliveryId = delivery.id;
  const before = (await deps.deliveries.beginAttempt(deliveryId))!;
  const log = deps.logger.child({ deliveryId, channelId: delivery.channelId, platform: chat.platform, attempt: before.attempts + 1 });
  const posted = new Map<number, string>();
  // Parts the platform accepted in earlier attempts, written to the ledger as each was accepted.
  const known = before.attempts > 0 ? await deps.deliveries.postedParts(deliveryId) : new Map<number, string>();
  const skip = new Map(known);
  let settled = !mayHaveUnrecordedParts(before);
  try {
    const view = delivery.view ?? { feedDay: delivery.feedDay, papers: [] };
    if (!settled) {
      // The platform's own record covers what an ambiguous ending left unrecorded (Slack: message metadata; Discord forums: post names).
      const found = await lookUp(chat, target, deliveryId, view);
      if (found === 'impossible') return await unconfirmed(deps, delivery, log);
      for (const [part, id] of found.posted) if (!skip.has(part)) skip.set(part, id);
      settled = true;
    }
    if (skip.size > 0) log.info({ postedParts: [...skip.keys()] }, 'resuming a digest earlier attempts posted in part');
    let fresh = 0;
    // Each accepted part is written at once: the one window left is between the platform accepting a part and this
    // write. The last one (no platform call after it) is written by the sent mark, the next write anyway.
    const result = await chat.postDigest(target, view, deliveryId, { ...(skip.size > 0 ? { skip } : {}), onPosted: async (part, id, last) => {
        if (!posted.has(part) && !skip.has(part)) {
          fresh += 1;
          options.onPosted?.();
        }
        posted.set(part, id);
        if (known.get(part) !== id && !last) {
          await deps.deliveries.recordPosted(deliveryId, part, id);
          known.set(part, id);
        }
      } });
    await deps.deliveries.markSent(deliveryId, result.messageIds, result.shown ?? []);
    if (fresh === 0 && skip.size > 0) {
      log.info({ messageIds: result.messageIds }, 'digest was already posted by an earlier attempt');
      return { outcome: 'found', messageIds: result.messageIds };
    }
    log.info({ messageIds: result.messageIds, papers: view.papers.length, layout: view.layout ?? 'digest' }, 'digest delivered');
    return { outcome: 'sent', messageIds: result.messageIds };
  } catch (error) {
    await recordUnwritten(deps, deliveryId, posted, known, log);
    const showing = new Set([...posted.keys(), ...skip.keys()]).size;
    return handleFailure(deps, chat, { delivery, target, posted: showing, settled, isLast: options.isLastAttempt, attempts: options.attempts }, error, log);
  }
}

/**
 * After a failed attempt, writes the accepted parts the ledger does not hold yet (a last part left to the sent
 * mark that failed), so the ledger, not only a look-up, keeps them from going out twice. Best effort: a write
 * that fails too leaves the row `sending`, and the next attempt looks first.
 */
async function recordUnwritten(deps: DelivererDeps, deliveryId: string, posted: ReadonlyMap<number, string>, known: ReadonlyMap<number, string>, log: Logger): Promise<void> {
  for (const [part, id] of posted) {
    if (known.get(part) === id) continue;
    try {
      await deps.deliveries.recordPosted(deliveryId, part, id);
    } catch (error) {
      log.warn({ part, err: describeError(error) }, 'could not record an accepted part after a failed attempt; the next attempt looks first');
      return;
    }
  }
}

/**
 * Looks for an earlier attempt's messages. A look-up the platform will not allow (Slack: history of a
 * channel the bot cannot join) is no refusal to post: it answers `impossible`, never a permanent error.
 */
async function lookUp(chat: ChatPlatform, target: ChannelTarget, deliveryId: string, view: DigestView): Promise<DeliveredParts | 'impossible'> {
  try {
    return await chat.findDelivery(target, deliveryId, view);
  } catch (error) {
    if (error instanceof LookupUnavailableError) return 'impossible';
    throw error;
  }
}

/**
 * A stored view that cannot be read is never cast into a post: the row fails with the reason; its papers go
 * back to the pool when no attempt was made yet (nothing can be showing), else they stay with it.
 */
async function unreadable(deps: DelivererDeps, delivery: OutboxDelivery, error: string): Promise<DeliverOutcome> {
  const reason = `digest not posted: ${error}`;
  await deps.deliveries.markFailed(delivery.id, reason, { release: delivery.attempts === 0 });
  deps.logger.error({ deliveryId: delivery.id, channelId: delivery.channelId, status: delivery.status, reason }, 'stored digest view unreadable');
  return { outcome: 'unreadable', reason };
}

/** An earlier attempt may have posted and nobody can check: counted as sent, so it is never posted twice. */
async function unconfirmed(deps: DelivererDeps, delivery: OutboxDelivery, log: Logger): Promise<DeliverOutcome> {
  const reason = 'an earlier attempt may have posted this digest and the platform does not let the bot check, so it was not posted again';
  await deps.deliveries.markSentUnconfirmed(delivery.id, reason);
  log.warn({ papers: delivery.paperIds.length }, `digest counted as sent unconfirmed: ${reason}`);
  return { outcome: 'unconfirmed', reason };
}


interface FailedAttempt {
  delivery: OutboxDelivery;
  target: ChannelTarget;
  /** Parts known to show: accepted by this attempt or earlier ones, or found by the look-up. */
  posted: number;
  /** Whether the ledger knows every part showing (no ambiguous ending left unlooked-at). */
  settled: boolean;
  isLast: boolean;
  attempts: number;
}

async function handleFailure(deps: DelivererDeps, chat: ChatPlatform, attempt: FailedAttempt, error: unknown, log: Logger): Promise<never> {
  const { delivery, target } = attempt;
  const reason = describeError(error);
  if (error instanceof RateLimitError) {
    // A rate-limited look-up settles nothing: the row stays `sending`, so the next attempt looks again.
    if (attempt.settled) await deps.deliveries.markPending(delivery.id, reason);
    else await deps.deliveries.recordError(delivery.id, reason);
    log.warn({ retryAfterMs: error.retryAfterMs }, 'platform rate limit: delivery queue waits');
    throw error;
  }
  if (error instanceof PermanentPlatformError) {
    // Refused before anything showed (a look-up found nothing of earlier attempts): the papers go back to the pool.
    const release = attempt.posted === 0;
    await deps.deliveries.markFailed(delivery.id, error.reason, { release });
    await deps.channelService.unreachable(delivery.channelId, error.reason);
    log.error({ reason: error.reason, papersReleased: release }, 'platform refused the channel for good: channel marked failing, digests paused');
    // A person whose direct messages are refused has no one else to tell: /papers following says so.
    if (target.kind !== 'person') await tellOwner(deps, chat, delivery.channelId, target, failureNotice(target, error.reason), log);
    throw error;
  }
  await deps.deliveries.recordError(delivery.id, reason);
  const { attempts } = attempt;
  if (attempt.isLast) {
    // Ambiguous failures may have posted: the papers stay with the delivery, reopened (look first) by the next digest.
    await deps.deliveries.markFailed(delivery.id, `gave up after ${attempts} attempts: ${reason}`);
    log.error({ err: reason }, 'delivery failed for now; the next digest of this channel tries it again, looking first');
  } else {
    log.warn({ err: reason }, 'delivery attempt failed; will retry');
  }
  throw error;
}

/**
 * Tells the person who last changed the channel's digest (or who enrolled it) directly, since the channel
 * itself could not be reached; falls back to a notice in the channel when nobody is recorded or the DM fails.
 */
async function tellOwner(deps: DelivererDeps, chat: ChatPlatform, channelId: number, target: ChannelTarget, text: string, log: Logger): Promise<void> {
  const channel = await deps.channels.get(channelId);
  // The dashboard is nobody to message: then the person who enrolled the channel.
  const person = [channel?.changedBy, channel?.enrolledBy].find((p) => p && p !== DASHBOARD_ACTOR) ?? null;
  if (person) {
    try {
      await chat.notifyUser(target, person, text);
      log.info({ userId: person }, 'told the channel owner directly');
      return;
    } catch (error) {
      log.warn({ userId: person, err: describeError(error) }, 'could not tell the channel owner directly; trying the channel');
    }
  }
  await chat.postNotice(target, text).catch((noticeError: unknown) => {
    log.warn({ err: describeError(noticeError) }, 'could not tell the channel either');
  });
}
