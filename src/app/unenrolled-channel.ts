import type { Channel, Schedule } from '../core/types.ts';

/** The settings a channel has before anyone changed them. */
export const DEFAULT_CHANNEL_SETTINGS = { topN: 5, minUpvotes: 0, emptyBehaviour: 'skip', layout: 'digest' } as const;

/**
 * A channel-shaped stand-in for a place that gets no digests yet (`/papers today` before enrolling, the
 * CLI's dry run): default settings unless given, never a digest of its own, so everything is new to it.
 */
export function unenrolledChannel(
  key: Pick<Channel, 'platform' | 'workspaceId' | 'channelId'>,
  schedule: Schedule,
  now: Date,
  settings: Partial<Pick<Channel, 'topN' | 'minUpvotes' | 'emptyBehaviour' | 'layout'>> = {},
): Channel {
  return {
    id: 0,
    ...key,
    schedule,
    ...DEFAULT_CHANNEL_SETTINGS,
    ...settings,
    kind: 'channel',
    paused: false,
    health: 'ok',
    healthReason: null,
    lastDigestDay: null,
    enrolledBy: null,
    changedBy: null,
    createdAt: now.toISOString(),
  };
}
