import type { Redis } from 'ioredis';
import type { ChannelTarget } from '../src/core/ports.ts';

/**
 * Reserves the next free posting slot of a channel: slot = max(now, next free); next free = slot + span
 * (one interval per post of the job).
 * Atomic in Redis, so every worker process shares one schedule per channel.
 */
const RESERVE = `
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local now = tonumber(ARGV[1])
local span = tonumber(ARGV[2])
local slot = now
if nextFree > now then slot = nextFree end
redis.call('SET', KEYS[1], slot + span, 'PX', slot + span - now + 60000)
return slot
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

  /** The schedule shared by every channel of the target's workspace (per-workspace rate limits). */
  workspaceKey(target: ChannelTarget): string {
    return `${this.prefix}:pace-workspace:${target.platform}:${target.workspaceId}`;
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
   * Reserves the channel's next slot (epoch ms, never before `now`) and keeps the `spanMs` after it for the
   * job's posts (one interval per post: a thread's header and replies), so the next job's slot follows them.
   */
  async reserve(target: ChannelTarget, spanMs: number, now = Date.now()): Promise<number> {
    return this.reserveKey(this.key(target), spanMs, now);
  }

  /** Reserves the workspace's next slot and the `spanMs` after it, across all its channels. */
  async reserveWorkspace(target: ChannelTarget, spanMs: number, now = Date.now()): Promise<number> {
    return this.reserveKey(this.workspaceKey(target), spanMs, now);
  }

  /** Holds every post to the target's workspace back for `ms` (a 429 there: Slack limits per workspace). */
  async holdWorkspace(target: ChannelTarget, ms: number, now = Date.now()): Promise<number> {
    const until = now + ms;
    await this.redis.set(`${this.workspaceKey(target)}:hold`, String(until), 'PX', Math.max(1, ms));
    return until;
  }

  /** Until when the workspace is held back (epoch ms), or 0. */
  async workspaceHeldUntil(target: ChannelTarget): Promise<number> {
    return Number((await this.redis.get(`${this.workspaceKey(target)}:hold`)) ?? 0);
  }

  private async reserveKey(key: string, spanMs: number, now: number): Promise<number> {
    return Number(await this.redis.eval(RESERVE, 1, key, String(now), String(spanMs)));
  }
}
