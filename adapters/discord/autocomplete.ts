import { canonicalTimeZone } from '../../src/core/time.ts';
import { rankMatches, type PapersApp } from '../../src/app/papers-app.ts';

/** One autocomplete suggestion; Discord caps names and string values at 100 characters. */
export interface Choice {
  name: string;
  value: string;
}

const MAX_CHOICES = 25;
const MAX_CHOICE_LENGTH = 100;

let zones: string[] | undefined;

/** Every IANA time zone this runtime knows, by its current canonical name (`Asia/Kolkata`, not `Asia/Calcutta`), plus `UTC`. */
export function timeZones(): string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone').map((z) => canonicalTimeZone(z) ?? z)])];
  return zones;
}

function asChoices(values: string[]): Choice[] {
  return values
    .filter((v) => v.length > 0 && v.length <= MAX_CHOICE_LENGTH)
    .slice(0, MAX_CHOICES)
    .map((v) => ({ name: v, value: v }));
}

/** Time zones matching what the user typed so far (city or region, any case). */
export function timeZoneChoices(typed: string): Choice[] {
  return asChoices(rankMatches(timeZones(), typed.trim().replace(/\s+/g, '_')));
}

/** Suggestions for the focused option of a `/papers` subcommand; empty when the option has none. */
export async function autocompleteChoices(
  papers: Pick<PapersApp, 'topicChoices'>,
  request: { workspaceId: string; channelId: string; subcommand: string; option: string; typed: string },
): Promise<Choice[]> {
  if (request.subcommand === 'unsubscribe' && request.option === 'topic') {
    return asChoices(await papers.topicChoices({ platform: 'discord', workspaceId: request.workspaceId, channelId: request.channelId }, request.typed, 100));
  }
  if ((request.subcommand === 'schedule' || request.subcommand === 'follow') && request.option === 'timezone') return timeZoneChoices(request.typed);
  return [];
}
