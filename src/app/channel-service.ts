import type { ScheduleSync } from '../core/ports.ts';
import type { Channel, Schedule } from '../core/types.ts';
import type { ChannelKey, ChannelSettings } from '../db/channels-repo.ts';
import type { ChannelsStore } from '../db/stores.ts';

/**
 * Every change to a channel's digest, with its schedule update, in one place: enrolling, settings, pause,
 * resume (which posts what a failed delivery missed) and a platform that cannot reach the channel. Commands,
 * jobs and any other entry point change channels through this, never through the repository and the
 * scheduler separately.
 */
export class ChannelService {
  constructor(
    private readonly channels: ChannelsStore,
    private readonly schedules: ScheduleSync,
  ) {}

  /** Enrols a channel when it is new (with `schedule`, by `by`) and schedules its digests. */
  async enrol(key: ChannelKey, schedule: Schedule, by?: string): Promise<{ channel: Channel; created: boolean }> {
    const result = await this.channels.enrol(key, schedule, by);
    if (result.created) await this.schedules.channelChanged(result.channel);
    return result;
  }

  /** Changes the named settings only, and the schedule to match (a pause removes it). */
  async update(id: number, settings: ChannelSettings, by?: string): Promise<Channel> {
    const channel = await this.channels.update(id, settings, by);
    await this.schedules.channelChanged(channel);
    return channel;
  }

  /**
   * Unpauses and clears a failing mark; when a delivery had failed, runs the digest now so the papers it
   * missed are posted at once. Returns the channel and whether that catch-up was started.
   */
  async resume(id: number, by?: string): Promise<{ channel: Channel; catchingUp: boolean }> {
    const before = await this.channels.get(id);
    const channel = await this.channels.resume(id, by);
    await this.schedules.channelChanged(channel);
    const catchingUp = before?.health === 'failing' && this.schedules.digestNow !== undefined;
    if (catchingUp) await this.schedules.digestNow!(channel);
    return { channel, catchingUp };
  }

  /** The platform refuses this channel for good: marked failing with the reason, paused, unscheduled. */
  async unreachable(id: number, reason: string): Promise<Channel> {
    const channel = await this.channels.markFailing(id, reason);
    await this.schedules.channelChanged(channel);
    return channel;
  }
}
