import type { Redis } from 'ioredis';
import type { ChannelTarget } from '../src/core/ports.ts';

/**
 * Reserves the next free posting slot of a channel: slot = max(now, next free); next free = slot + interval.
 * Atomic in Redis, so every worker process shares one schedule per channel.
 */
const RESERVE = `
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local slot = now
if nextFree > now then slot = nextFree end
redis.call('SET', KEYS[1], slot + interval, 'PX', slot + interval - now + 60000)
return slot
`;

/** Pushes a channel's next free slot `ms` further (from now when it lies in the past). */
const EXTEND = `
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local ms = tonumber(ARGV[2])
if nextFree < now then nextFree = now end
redis.call('SET', KEYS[1], nextFree + ms, 'PX', nextFree + ms - now + 60000)
return nextFree + ms
`;

/**
 * Per-channel pacing across processes. Each post to a channel reserves a slot `intervalMs` after the
 * previous one; a job whose slot lies ahead waits for it as a delayed job (no worker slot held, no
 * polling), carrying its reservation so it does not queue again when it wakes. Slots plan the cadence;
 * the end of the previous post is the gate: the platform saw that post somewhere between our send and its
 * answer, so the next post starts no sooner than `interval` after the answer, never closer.
 */
export class ChannelPacer {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  key(target: ChannelTarget): string {
    return `${this.prefix}:pace:${target.platform}:${target.workspaceId}:${target.channelId}`;
  }

  /** When the last post to the channel finished (epoch ms), or 0. */
  async lastPostEnd(target: ChannelTarget): Promise<number> {
    return Number((await this.redis.get(`${this.key(target)}:end`)) ?? 0);
  }

  /** Records that a post to the channel finished at `at` (kept a minute). */
  async markPostEnd(target: ChannelTarget, at = Date.now()): Promise<void> {
    await this.redis.set(`${this.key(target)}:end`, String(at), 'PX', 60_000);
  }

  /**
   * Keeps `ms` more of the channel's schedule for the job that holds the current slot (a delivery of several
   * messages: a thread's header and replies), so the next job's slot comes after them. Returns the next free slot.
   */
  async extend(target: ChannelTarget, ms: number, now = Date.now()): Promise<number> {
    return Number(await this.redis.eval(EXTEND, 1, this.key(target), String(now), String(ms)));
  }

  /** Reserves the channel's next slot (epoch ms, never before `now`). */
  async reserve(target: ChannelTarget, intervalMs: number, now = Date.now()): Promise<number> {
    const slot = await this.redis.eval(RESERVE, 1, this.key(target), String(now), String(intervalMs));
    return Number(slot);
  }
}
