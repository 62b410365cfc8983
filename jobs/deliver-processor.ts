import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Deliverer, DeliverOutcome } from '../src/app/deliverer.ts';
import type { ChannelTarget, ChatPlatform } from '../src/core/ports.ts';
import { PermanentPlatformError, RateLimitError } from '../src/errors.ts';
import type { ChannelPacer } from './channel-pacer.ts';
import type { DeliverJobData, PlatformPacing } from './queues.ts';

export type { DeliverOutcome } from '../src/app/deliverer.ts';

export interface DeliverDeps {
  /** The delivery use case (src/app). */
  deliverer: Deliverer;
  chat: ChatPlatform;
  pacing: PlatformPacing;
  pacer: ChannelPacer;
  /** The worker running this processor (for `rateLimit`). */
  worker: () => Worker<DeliverJobData>;
}

/** Waits shorter than this are slept in place; longer ones park the job as delayed. */
const SLEEP_IN_PLACE_MS = 40;

/** The spacing of posts to one workspace under the platform's per-workspace limit, or 0 without one. */
function workspaceInterval(pacing: PlatformPacing): number {
  const limit = pacing.perWorkspace;
  return limit && limit.max > 0 ? Math.ceil(limit.duration / limit.max) : 0;
}

/**
 * The deliver queue's processor: paces the channel (and its workspace, under a per-workspace limit), runs the
 * delivery use case (src/app) and turns its typed failures into BullMQ's: a 429 makes the whole platform queue
 * wait `retryAfter` (only that workspace's deliveries, under a per-workspace limit) and puts the job back
 * untouched (not a failed attempt); a permanent refusal ends the job (no retry); anything else retries.
 */
export function createDeliverProcessor(deps: DeliverDeps) {
  const { deliverer } = deps;
  return async (job: Job<DeliverJobData>, token?: string): Promise<DeliverOutcome> => {
    const opened = await deliverer.open(job.data.deliveryId);
    if ('done' in opened) return opened.done;
    const { delivery, target } = opened;
    // A thread's replies are spaced by the adapter: the job reserves the slots of all its posts at once.
    await pace(deps, job, target, deliverer.plannedPosts(delivery), token);
    const interval = deps.pacing.perChannelIntervalMs;
    const perWorkspace = workspaceInterval(deps.pacing);
    const attempts = job.opts.attempts ?? 1;
    // Each accepted post marks its end; an attempt that ends otherwise (failed, nothing new posted, or its last mark
    // not written) is marked as it ends.
    let lastMark: Promise<boolean> | undefined;
    const onPosted = interval > 0 ? () => void (lastMark = deps.pacer.markPostEnd(target).then(() => true, () => false)) : undefined;
    let posted = false;
    try {
      const outcome = await deliverer.attempt(deps.chat, delivery, target, { isLastAttempt: job.attemptsMade + 1 >= attempts, attempts, ...(onPosted ? { onPosted } : {}) });
      posted = outcome.outcome === 'sent';
      return outcome;
    } catch (error) {
      if (error instanceof RateLimitError && perWorkspace > 0) {
        const until = await deps.pacer.holdWorkspace(target, Math.max(1, error.retryAfterMs));
        await park(job, until, token);
      }
      if (error instanceof RateLimitError) {
        await deps.worker().rateLimit(Math.max(1, error.retryAfterMs));
        throw Worker.RateLimitError();
      }
      if (error instanceof PermanentPlatformError) throw new UnrecoverableError(`${error.reason}: ${error.message}`);
      throw error;
    } finally {
      if (interval > 0 && !(posted && (await lastMark))) await deps.pacer.markPostEnd(target);
    }
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Parks the job as delayed until `until`, holding that slot for this attempt (no worker slot held meanwhile). */
async function park(job: Job<DeliverJobData>, until: number, token?: string): Promise<never> {
  await job.updateData({ ...job.data, paceSlot: until, paceAttempt: job.attemptsMade });
  await job.moveToDelayed(until, token);
  throw new DelayedError();
}

/**
 * Waits for the channel's next posting slot (see {@link ChannelPacer}), and its workspace's under a per-workspace
 * limit (past any 429 hold there); throws DelayedError when the job was parked. A job's slots (all of its
 * `posts` posts, so no other job's slot falls between them) are reserved, and the channel's last post end
 * and the workspace's hold read, in one step; after a wait the last post end is read again.
 */
async function pace(deps: DeliverDeps, job: Job<DeliverJobData>, target: ChannelTarget, posts: number, token?: string): Promise<void> {
  const interval = deps.pacing.perChannelIntervalMs;
  const perWorkspace = workspaceInterval(deps.pacing);
  if (interval <= 0 && perWorkspace <= 0) return;
  const held = job.data.paceAttempt === job.attemptsMade ? job.data.paceSlot : undefined;
  // A job that holds its slot (parked, now woken) reserves nothing again.
  const span = held === undefined ? Math.max(1, posts) : 0;
  const taken = await deps.pacer.take(target, interval * span, perWorkspace * span);
  const slot = held ?? taken.slot;
  const hold = perWorkspace > 0 ? taken.heldUntil : 0;
  const start = Math.max(slot, hold);
  const wait = start - Date.now();
  if (wait > SLEEP_IN_PLACE_MS && (held === undefined || hold > held)) await park(job, start, token);
  if (wait > 0) await sleep(wait);
  if (interval <= 0) return;
  const lastEnd = wait > 0 ? await deps.pacer.lastPostEnd(target) : taken.lastEnd;
  const gap = lastEnd + interval - Date.now();
  if (gap > 0) await sleep(Math.min(gap, interval));
}
