import type { ChannelsRepo } from '../../src/db/channels-repo.ts';

/** One autocomplete suggestion; Discord caps names and string values at 100 characters. */
export interface Choice {
  name: string;
  value: string;
}

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

let zones: string[] | undefined;

/** Every IANA time zone this runtime knows, plus `UTC`. */
export function timeZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

function rankMatches(values: string[], needle: string): string[] {
  if (needle.length === 0) return values;
  const starts: string[] = [];
  const contains: string[] = [];
  for (const v of values) {
    const hay = v.toLowerCase();
    if (hay.startsWith(needle) || hay.includes(`/${needle}`)) starts.push(v);
    else if (hay.includes(needle)) contains.push(v);
  }
  return [...starts, ...contains];
}

function asChoices(values: string[]): Choice[] {
  return values
    .filter((v) => v.length > 0 && v.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map((v) => ({ name: v, value: v }));
}

/** Time zones matching what the user typed so far (city or region, any case). */
export function timeZoneChoices(typed: string): Choice[] {
  return asChoices(rankMatches(timeZones(), typed.trim().toLowerCase().replace(/\s+/g, '_')));
}

/** The channel's own topics matching what the user typed so far. */
export function topicChoices(channels: ChannelsRepo, key: { workspaceId: string; channelId: string }, typed: string): Choice[] {
  const channel = channels.find({ platform: 'discord', ...key });
  if (!channel) return [];
  return asChoices(rankMatches(channels.topics(channel.id).map((s) => s.query), typed.trim().toLowerCase()));
}

/** Suggestions for the focused option of a `/papers` subcommand; empty when the option has none. */
export function autocompleteChoices(
  channels: ChannelsRepo,
  request: { workspaceId: string; channelId: string; subcommand: string; option: string; typed: string },
): Choice[] {
  if (request.subcommand === 'unsubscribe' && request.option === 'topic') return topicChoices(channels, request, request.typed);
  if (request.subcommand === 'schedule' && request.option === 'timezone') return timeZoneChoices(request.typed);
  return [];
}
