import { unenrolledChannel } from '../app/unenrolled-channel.ts';
import type { CommandRequest } from '../core/commands.ts';
import type { Channel, Schedule } from '../core/types.ts';
import type { ChannelKey } from '../db/channels-repo.ts';
import { canonicalTimeZone } from '../core/time.ts';
import { weekdayName } from './command-args.ts';
import type { CommandEnv } from './command.ts';

export function channelKey(req: CommandRequest): ChannelKey {
  return { platform: req.platform, workspaceId: req.workspaceId, channelId: req.channelId };
}

export function findChannel(req: CommandRequest, env: CommandEnv): Promise<Channel | undefined> {
  return env.ctx.stores.channels.find(channelKey(req));
}

/** The caller's time zone when the platform told us a valid one, else the configured default. */
export function callerTimeZone(req: CommandRequest, env: CommandEnv): string {
  return (req.userTimeZone && canonicalTimeZone(req.userTimeZone)) || env.ctx.config.defaults.timeZone;
}

/** The schedule a newly enrolled channel gets: daily at the default time, in the caller's zone. */
export function defaultSchedule(req: CommandRequest, env: CommandEnv): Schedule {
  return { time: env.ctx.config.defaults.digestTime, cadence: 'daily', weekday: null, timeZone: callerTimeZone(req, env) };
}

/**
 * Enrols the caller's channel when it is new (and tells the scheduler). `created` says whether it was new,
 * `sentence` says so in words (empty when nothing changed).
 */
export async function ensureEnrolled(req: CommandRequest, env: CommandEnv): Promise<{ channel: Channel; created: boolean; sentence: string }> {
  const { channel, created } = await env.channels.enrol(channelKey(req), defaultSchedule(req, env), req.userId);
  if (!created) return { channel, created, sentence: '' };
  return { channel, created, sentence: `This channel is now enrolled for digests: ${describeSchedule(channel.schedule)}.` };
}

/** "daily at 09:00 (Europe/Berlin)", "on weekdays at ...", "every Monday at ...". */
export function describeSchedule(schedule: Schedule): string {
  const when =
    schedule.cadence === 'daily'
      ? 'daily'
      : schedule.cadence === 'weekdays'
        ? 'on weekdays (Monday to Friday)'
        : `every ${weekdayName(schedule.weekday ?? 1)}`;
  return `${when} at ${schedule.time} (${canonicalTimeZone(schedule.timeZone) ?? schedule.timeZone})`;
}

/** One line per setting, in words. */
export function describeSettings(channel: Channel): string[] {
  return [
    `Schedule: ${describeSchedule(channel.schedule)}${channel.paused ? ' (paused)' : ''}`,
    `Papers per digest: up to ${channel.topN}`,
    `Minimum upvotes: ${channel.minUpvotes === 0 ? 'none' : channel.minUpvotes}`,
    `When nothing qualifies: ${channel.emptyBehaviour === 'skip' ? 'post nothing' : 'post a short notice'}`,
    `Layout: ${layoutWords(channel.layout)}`,
  ];
}

/** A layout in words, with its setting value. */
export function layoutWords(layout: Channel['layout']): string {
  if (layout === 'thread') return 'thread (a header, one reply per paper in its thread)';
  if (layout === 'papers') return 'papers (one message per paper, each its own thread)';
  return 'digest (one message)';
}

/** A channel that is not enrolled, with default settings: what previews use before the first subscribe. */
export function virtualChannel(req: CommandRequest, env: CommandEnv): Channel {
  return unenrolledChannel(channelKey(req), defaultSchedule(req, env), env.now);
}
