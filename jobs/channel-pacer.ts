import type { Redis } from 'ioredis';
import type { ChannelTarget } from '../src/core/ports.ts';

/**
 * A job's pacing look-up in one step, atomic in Redis so every worker process shares one schedule per
 * channel: reserves its slots (the channel's on KEYS[1] for a span ARGV[2] > 0, the workspace's on KEYS[2]
 * for ARGV[3] > 0; slot = max(now, next free), next free = slot + span) and reads when the channel's last
 * post ended (KEYS[3]) and until when its workspace is held (KEYS[4]). Returns [slot, lastEnd, heldUntil].
 */
const TAKE = `
local now = tonumber(ARGV[1])
local function reserve(key, span)
  if span <= 0 then return 0 end
  local nextFree = tonumber(redis.call('GET', key) or '0')
  local slot = now
  if nextFree > now then slot = nextFree end
  redis.call('SET', key, slot + span, 'PX', slot + span - now + 60000)
  return slot
end
local slot = math.max(reserve(KEYS[1], tonumber(ARGV[2])), reserve(KEYS[2], tonumber(ARGV[3])))
return { tostring(slot), redis.call('GET', KEYS[3]) or '0', redis.call('GET', KEYS[4]) or '0' }
`;

/** What {@link ChannelPacer.take} answers: the job's first slot and, as of that moment, the channel's last post end and its workspace's hold (epoch ms, 0 when none). */
export interface PaceSlot {
  slot: number;
  lastEnd: number;
  heldUntil: number;
}

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

  /** Holds every post to the target's workspace back for `ms` (a 429 there: Slack limits per workspace). */
  async holdWorkspace(target: ChannelTarget, ms: number, now = Date.now()): Promise<number> {
    const until = now + ms;
    await this.redis.set(`${this.workspaceKey(target)}:hold`, String(until), 'PX', Math.max(1, ms));
    return until;
  }

  /**
   * Reserves the job's slots, `channelSpanMs` of the channel's schedule and `workspaceSpanMs` of its
   * workspace's (none for a span of 0), and reads the channel's last post end and the workspace's hold, all
   * in one step: the first slot is the later of the two reservations (`now` at the earliest; 0 when neither
   * span reserves anything).
   */
  async take(target: ChannelTarget, channelSpanMs: number, workspaceSpanMs: number, now = Date.now()): Promise<PaceSlot> {
    const keys = [this.key(target), this.workspaceKey(target), `${this.key(target)}:end`, `${this.workspaceKey(target)}:hold`];
    const [slot, lastEnd, heldUntil] = (await this.redis.eval(TAKE, keys.length, ...keys, String(now), String(channelSpanMs), String(workspaceSpanMs))) as [string, string, string];
    return { slot: Number(slot), lastEnd: Number(lastEnd), heldUntil: Number(heldUntil) };
  }
}
