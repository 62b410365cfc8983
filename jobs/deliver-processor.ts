import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ChannelTarget, ChatPlatform, DeliveredParts } from '../src/core/ports.ts';
import type { Platform } from '../src/core/types.ts';
import type { ChannelService } from '../src/app/channel-service.ts';
import type { ChannelsRepo } from '../src/db/channels-repo.ts';
import type { DeliveriesRepo, OutboxDelivery } from '../src/db/deliveries-repo.ts';
import { describeError, PermanentPlatformError, RateLimitError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import type { ChannelPacer } from './channel-pacer.ts';
import type { DeliverJobData, PlatformPacing } from './queues.ts';

/** What a deliver job ended with (its BullMQ return value). */
export type DeliverOutcome =
  | { outcome: 'sent'; messageIds: string[] }
  | { outcome: 'found'; messageIds: string[] }
  | { outcome: 'unconfirmed'; reason: string }
  | { outcome: 'already'; status: string }
  | { outcome: 'missing' };

export interface DeliverDeps {
  platform: Platform;
  chat: ChatPlatform;
  pacing: PlatformPacing;
  deliveries: DeliveriesRepo;
  channels: ChannelsRepo;
  pacer: ChannelPacer;
  logger: Logger;
  /** Channel changes with their schedules: a channel the platform refuses for good is marked unreachable there. */
  channelService: ChannelService;
  /** The worker running this processor (for `rateLimit`). */
  worker: () => Worker<DeliverJobData>;
}

/** Waits shorter than this are slept in place; longer ones park the job as delayed. */
const SLEEP_IN_PLACE_MS = 40;

function failureNotice(target: ChannelTarget, reason: string): string {
  return `Papers bot could not post the digest to <#${target.channelId}> (${reason}), so digests there are paused and its papers are kept for later. Fix access (invite the bot, or give it permission to post), then run /papers resume in that channel: the missed papers are posted then.`;
}

/**
 * Delivers one outbox row, exactly once as far as the platform allows:
 * sent rows are done; an attempt that follows an ambiguous one (status `sending`) looks for the earlier
 * post first (Slack: message metadata; Discord dedupes by nonce itself); posts carry the delivery id.
 * 429 -> the whole platform queue waits `retryAfter` and the job goes back untouched (not a failed attempt).
 * Permanent refusal -> delivery failed, channel marked failing and unscheduled, one notice attempted.
 */
export function createDeliverProcessor(deps: DeliverDeps) {
  return async (job: Job<DeliverJobData>, token?: string): Promise<DeliverOutcome> => {
    const { deliveryId } = job.data;
    const delivery = deps.deliveries.getWithTarget(deliveryId);
    if (!delivery) return { outcome: 'missing' };
    if (delivery.status === 'sent' || delivery.status === 'skipped' || delivery.status === 'failed') return { outcome: 'already', status: delivery.status };
    const { target } = delivery;
    if (!target) {
      deps.deliveries.markFailed(deliveryId, 'channel removed');
      return { outcome: 'missing' };
    }
    await pace(deps, job, target, token);
    try {
      return await deliver(deps, job, delivery, target);
    } finally {
      if (deps.pacing.perChannelIntervalMs > 0) await deps.pacer.markPostEnd(target);
    }
  };
}

async function deliver(deps: DeliverDeps, job: Job<DeliverJobData>, delivery: OutboxDelivery, target: ChannelTarget): Promise<DeliverOutcome> {
  const deliveryId = delivery.id;
  const before = deps.deliveries.beginAttempt(deliveryId)!;
  const log = deps.logger.child({ deliveryId, channelId: delivery.channelId, platform: deps.platform, attempt: before.attempts + 1 });
  const posted = new Map<number, string>();
  try {
    let skip: Map<number, string> | undefined;
    if (before.attempts > 0) {
      // Any earlier attempt (ambiguous failure, crash, or a 429 between the parts of a long digest) may have posted.
      const found = await lookUp(deps, target, deliveryId);
      if (found === 'impossible') return unconfirmed(deps, delivery, log);
      if (found.parts > 0 && found.posted.size >= found.parts) {
        const ids = [...found.posted.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
        deps.deliveries.markSent(deliveryId, ids);
        log.info({ messageIds: ids }, 'digest was already posted by an earlier attempt');
        return { outcome: 'found', messageIds: ids };
      }
      if (found.posted.size > 0) {
        skip = found.posted;
        log.info({ postedParts: [...found.posted.keys()], parts: found.parts }, 'resuming a digest an earlier attempt posted in part');
      }
    }
    const view = delivery.view ?? { feedDay: delivery.feedDay, papers: [] };
    const result = await deps.chat.postDigest(target, view, deliveryId, { ...(skip ? { skip } : {}), onPosted: (part, id) => posted.set(part, id) });
    deps.deliveries.markSent(deliveryId, result.messageIds);
    log.info({ messageIds: result.messageIds, papers: view.papers.length }, 'digest delivered');
    return { outcome: 'sent', messageIds: result.messageIds };
  } catch (error) {
    return handleFailure(deps, job, { delivery, target, posted: posted.size }, error, log);
  }
}

/**
 * Looks for an earlier attempt's messages. A look-up the platform will not allow (Slack: history of a
 * channel the bot cannot join) is no refusal to post: it answers `impossible`, never a permanent error.
 */
async function lookUp(deps: DeliverDeps, target: ChannelTarget, deliveryId: string): Promise<DeliveredParts | 'impossible'> {
  try {
    return await deps.chat.findDelivery(target, deliveryId);
  } catch (error) {
    if (error instanceof PermanentPlatformError) return 'impossible';
    throw error;
  }
}

/** An earlier attempt may have posted and nobody can check: counted as sent, so it is never posted twice. */
function unconfirmed(deps: DeliverDeps, delivery: OutboxDelivery, log: Logger): DeliverOutcome {
  const reason = 'an earlier attempt may have posted this digest and the platform does not let the bot check, so it was not posted again';
  deps.deliveries.markSentUnconfirmed(delivery.id, reason);
  log.warn({ papers: delivery.paperIds.length }, `digest counted as sent unconfirmed: ${reason}`);
  return { outcome: 'unconfirmed', reason };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for the channel's next posting slot (see {@link ChannelPacer}); throws DelayedError when the job was parked. */
async function pace(deps: DeliverDeps, job: Job<DeliverJobData>, target: ChannelTarget, token?: string): Promise<void> {
  const interval = deps.pacing.perChannelIntervalMs;
  if (interval <= 0) return;
  const held = job.data.paceAttempt === job.attemptsMade ? job.data.paceSlot : undefined;
  const slot = held ?? (await deps.pacer.reserve(target, interval));
  const wait = slot - Date.now();
  if (wait > SLEEP_IN_PLACE_MS && held === undefined) {
    await job.updateData({ ...job.data, paceSlot: slot, paceAttempt: job.attemptsMade });
    await job.moveToDelayed(slot, token);
    throw new DelayedError();
  }
  if (wait > 0) await sleep(wait);
  const gap = (await deps.pacer.lastPostEnd(target)) + interval - Date.now();
  if (gap > 0) await sleep(Math.min(gap, interval));
}

interface FailedAttempt {
  delivery: OutboxDelivery;
  target: ChannelTarget;
  /** Parts this attempt saw accepted (or found already showing). */
  posted: number;
}

async function handleFailure(deps: DeliverDeps, job: Job<DeliverJobData>, attempt: FailedAttempt, error: unknown, log: Logger): Promise<never> {
  const { delivery, target } = attempt;
  const reason = describeError(error);
  if (error instanceof RateLimitError) {
    deps.deliveries.markPending(delivery.id, reason);
    log.warn({ retryAfterMs: error.retryAfterMs }, 'platform rate limit: delivery queue waits');
    await deps.worker().rateLimit(Math.max(1, error.retryAfterMs));
    throw Worker.RateLimitError();
  }
  if (error instanceof PermanentPlatformError) {
    // Refused before anything showed (a look-up found nothing of earlier attempts): the papers go back to the pool.
    const release = attempt.posted === 0;
    deps.deliveries.markFailed(delivery.id, error.reason, { release });
    await deps.channelService.unreachable(delivery.channelId, error.reason);
    log.error({ reason: error.reason, papersReleased: release }, 'platform refused the channel for good: channel marked failing, digests paused');
    await tellOwner(deps, delivery.channelId, target, failureNotice(target, error.reason), log);
    throw new UnrecoverableError(`${error.reason}: ${reason}`);
  }
  deps.deliveries.recordError(delivery.id, reason);
  const attempts = job.opts.attempts ?? 1;
  if (job.attemptsMade + 1 >= attempts) {
    // Ambiguous failures may have posted: the papers stay with the delivery, reopened (look first) by the next digest.
    deps.deliveries.markFailed(delivery.id, `gave up after ${attempts} attempts: ${reason}`);
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
async function tellOwner(deps: DeliverDeps, channelId: number, target: ChannelTarget, text: string, log: Logger): Promise<void> {
  const channel = deps.channels.get(channelId);
  const person = channel?.changedBy ?? channel?.enrolledBy ?? null;
  if (person) {
    try {
      await deps.chat.notifyUser(target, person, text);
      log.info({ userId: person }, 'told the channel owner directly');
      return;
    } catch (error) {
      log.warn({ userId: person, err: describeError(error) }, 'could not tell the channel owner directly; trying the channel');
    }
  }
  await deps.chat.postNotice(target, text).catch((noticeError: unknown) => {
    log.warn({ err: describeError(noticeError) }, 'could not tell the channel either');
  });
}
