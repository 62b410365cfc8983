import type { Queue, RepeatOptions } from 'bullmq';
import type { ScheduleSync } from '../src/core/ports.ts';
import type { Channel } from '../src/core/types.ts';
import type { Logger } from '../src/logger.ts';
import { JOB_NAMES, SCHEDULER_IDS, type DigestJobData } from './queues.ts';
import { scheduleToCron } from './schedule-cron.ts';

/** How a channel's digest repeats; tests may swap the cron rule for `{ every }`. */
export type RepeatRule = (channel: Channel) => Omit<RepeatOptions, 'key'>;

export const cronRepeat: RepeatRule = (channel) => scheduleToCron(channel.schedule);

/**
 * Keeps one BullMQ job scheduler per enrolled, unpaused channel (`channel-<id>` on the `digest` queue).
 * A scheduler is only rewritten when its rule changed: BullMQ replaces the pending job on every upsert,
 * so rewriting unchanged schedulers at boot would drop a digest that came due while the bot was down.
 */
export class DigestScheduler implements ScheduleSync {
  constructor(
    private readonly queue: Queue<DigestJobData>,
    /** The channels that should have a schedule now. */
    private readonly scheduledChannels: () => Promise<Channel[]>,
    private readonly logger: Logger,
    private readonly repeatFor: RepeatRule = cronRepeat,
  ) {}

  /** Upserts the channel's scheduler, or removes it when the channel is paused (failing channels are). */
  async channelChanged(channel: Channel): Promise<void> {
    if (channel.paused) await this.remove(channel.id);
    else await this.upsert(channel);
  }

  /** Enqueues the channel's digest now (the same job its schedule creates). */
  async digestNow(channel: Channel): Promise<void> {
    await this.queue.add(JOB_NAMES.digest, { channelId: channel.id, trigger: 'run-now' });
  }

  async remove(channelId: number): Promise<void> {
    const removed = await this.queue.removeJobScheduler(SCHEDULER_IDS.channel(channelId));
    if (removed) this.logger.info({ channelId }, 'digest schedule removed');
  }

  /** Makes Redis match the database: a scheduler for every active channel, none for anything else. */
  async syncAll(): Promise<{ upserted: number; removed: number; unchanged: number }> {
    const active = await this.scheduledChannels();
    const wanted = new Set(active.map((c) => SCHEDULER_IDS.channel(c.id)));
    let upserted = 0;
    let unchanged = 0;
    let removed = 0;
    // One paged read of every scheduler instead of one read per channel.
    const schedulers = await this.allSchedulers();
    const held = new Map(schedulers.map((s) => [s.key, s]));
    for (const channel of active) {
      if (await this.upsert(channel, held.get(SCHEDULER_IDS.channel(channel.id)) ?? null)) upserted++;
      else unchanged++;
    }
    for (const scheduler of schedulers) {
      if (SCHEDULER_IDS.channelIdOf(scheduler.key) !== undefined && !wanted.has(scheduler.key)) {
        await this.queue.removeJobScheduler(scheduler.key);
        removed++;
      }
    }
    this.logger.info({ upserted, removed, unchanged }, 'digest schedules synced');
    return { upserted, removed, unchanged };
  }

  /**
   * Upserts when the rule differs from what Redis holds; returns whether it wrote. `held` is the scheduler
   * as already read (null: none), or undefined to read it now.
   */
  private async upsert(channel: Channel, held?: HeldRule | null): Promise<boolean> {
    const rule = this.repeatFor(channel);
    const data: DigestJobData = { channelId: channel.id, trigger: 'schedule' };
    const wrote = await upsertSchedulerIfChanged(this.queue, SCHEDULER_IDS.channel(channel.id), rule, { name: JOB_NAMES.digest, data }, held);
    if (wrote) this.logger.info({ channelId: channel.id, pattern: rule.pattern, tz: rule.tz, every: rule.every }, 'digest schedule set');
    return wrote;
  }

  private async allSchedulers(): Promise<(HeldRule & { key: string })[]> {
    const out: (HeldRule & { key: string })[] = [];
    const page = 500;
    for (let start = 0; ; start += page) {
      const batch = await this.queue.getJobSchedulers(start, start + page - 1, true);
      out.push(...batch.map((s) => ({ key: s.key, pattern: s.pattern, tz: s.tz, every: s.every })));
      if (batch.length < page) return out;
    }
  }
}

/** The parts of a stored job scheduler that say when it fires. */
type HeldRule = { pattern?: string | null; tz?: string | null; every?: number | null };

/**
 * Upserts a job scheduler unless Redis already holds the same rule. BullMQ's upsert replaces the pending
 * job, so an unconditional upsert at boot would push a job that came due during downtime to the next slot.
 */
export async function upsertSchedulerIfChanged<D>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  queue: Queue<D, any, string>,
  id: string,
  rule: Omit<RepeatOptions, 'key'>,
  template: { name: string; data: D },
  held?: HeldRule | null,
): Promise<boolean> {
  const existing = held === undefined ? await queue.getJobScheduler(id) : held;
  if (existing && (existing.pattern || undefined) === rule.pattern && (existing.tz || undefined) === rule.tz && sameEvery(existing.every, rule.every)) {
    return false;
  }
  await queue.upsertJobScheduler(id as never, rule, template as never);
  return true;
}

function sameEvery(a: number | null | undefined, b: number | undefined): boolean {
  return (a === undefined || a === null ? undefined : Number(a)) === b;
}
