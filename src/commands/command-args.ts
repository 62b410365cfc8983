import type { CommandRequest } from '../core/commands.ts';
import type { EmptyDigestBehaviour, Schedule, ScheduleCadence } from '../core/types.ts';
import { isValidTimeZone } from '../core/time.ts';
import { UsageError } from '../errors.ts';

/** A typed option as a trimmed string, or undefined when absent or blank. */
export function option(req: CommandRequest, name: string): string | undefined {
  const value = req.options?.[name];
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

/** True when the request carries any of these typed options (Discord). */
export function hasOptions(req: CommandRequest, names: readonly string[]): boolean {
  return names.some((n) => option(req, n) !== undefined);
}

/** The free text of a command: the typed option `name` when present, otherwise the text after the subcommand. */
export function freeText(req: CommandRequest, name: string): string {
  return (option(req, name) ?? req.text).replace(/\s+/g, ' ').trim();
}

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export const CADENCES = ['daily', 'weekdays', 'weekly'] as const satisfies readonly ScheduleCadence[];
export const EMPTY_BEHAVIOURS = ['skip', 'notice'] as const satisfies readonly EmptyDigestBehaviour[];

/** ISO weekday (1 = Monday) from a name, a 3-letter abbreviation or a number 1-7. */
export function parseWeekday(value: string): number | undefined {
  const v = value.toLowerCase();
  if (/^[1-7]$/.test(v)) return Number(v);
  const index = WEEKDAYS.findIndex((d) => d === v || (v.length >= 3 && d.startsWith(v)));
  return index === -1 ? undefined : index + 1;
}

export function weekdayName(weekday: number): string {
  const name = WEEKDAYS[weekday - 1] ?? 'monday';
  return name[0]!.toUpperCase() + name.slice(1);
}

/** `9:30` or `09:30` (24 h) to `09:30`; undefined when it is not a real time of day. */
export function parseTime(value: string): string | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${m[2]}`;
}

/** The canonical spelling of an IANA zone (`europe/berlin` -> `Europe/Berlin`), or undefined when unknown. */
export function canonicalTimeZone(value: string): string | undefined {
  if (!isValidTimeZone(value)) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const SCHEDULE_USAGE = '/papers schedule <HH:MM> [daily | weekdays | weekly <day>] [time zone]\n' +
  'e.g. /papers schedule 09:30 weekdays Europe/Berlin  or  /papers schedule 08:00 weekly monday';

interface ScheduleParts {
  time?: string;
  cadence?: string;
  weekday?: string;
  timeZone?: string;
}

function schedulePartsFromText(text: string): ScheduleParts {
  const words = text.split(' ').filter((w) => w !== '');
  const parts: ScheduleParts = { time: words.shift() };
  const next = words[0]?.toLowerCase();
  if (next === 'daily' || next === 'weekdays' || next === 'weekly') {
    parts.cadence = words.shift();
    if (next === 'weekly' && words[0] !== undefined && parseWeekday(words[0]) !== undefined) parts.weekday = words.shift();
  }
  if (words.length > 0) parts.timeZone = words.join(' ');
  return parts;
}

/** The typed options (Discord) that carry a schedule, and those that carry settings. */
export const SCHEDULE_OPTIONS = ['time', 'cadence', 'weekday', 'timezone'] as const;
export const SETTINGS_OPTIONS = ['top', 'min_upvotes', 'empty'] as const;

/**
 * Reads `<HH:MM> [daily | weekdays | weekly <day>] [zone]` from text, or the typed options `time`,
 * `cadence`, `weekday`, `timezone`. The zone defaults to `fallbackZone`. Throws {@link UsageError}.
 */
export function parseSchedule(req: CommandRequest, fallbackZone: string): Schedule {
  const parts: ScheduleParts = hasOptions(req, SCHEDULE_OPTIONS)
    ? { time: option(req, 'time'), cadence: option(req, 'cadence'), weekday: option(req, 'weekday'), timeZone: option(req, 'timezone') }
    : schedulePartsFromText(freeText(req, 'time'));
  if (parts.time === undefined) throw new UsageError('Tell me when to post the digest.', SCHEDULE_USAGE);
  const time = parseTime(parts.time);
  if (!time) throw new UsageError(`"${clip(parts.time)}" is not a time of day: use 24-hour HH:MM, from 00:00 to 23:59.`, SCHEDULE_USAGE);
  const cadence = (parts.cadence?.toLowerCase() ?? 'daily') as ScheduleCadence;
  if (!(CADENCES as readonly string[]).includes(cadence)) {
    throw new UsageError(`"${clip(parts.cadence!)}" is not a cadence: use daily, weekdays or weekly <day>.`, SCHEDULE_USAGE);
  }
  let weekday: number | null = null;
  if (cadence === 'weekly') {
    weekday = parts.weekday === undefined ? null : (parseWeekday(parts.weekday) ?? null);
    if (weekday === null) throw new UsageError('Weekly digests need a day, e.g. "weekly monday".', SCHEDULE_USAGE);
  }
  const zone = parts.timeZone === undefined ? fallbackZone : canonicalTimeZone(parts.timeZone);
  if (!zone) {
    const what = parts.cadence === undefined && !parts.timeZone!.includes('/') ? 'neither a cadence (daily, weekdays, weekly <day>) nor a time zone I know' : 'not a time zone I know';
    throw new UsageError(`"${clip(parts.timeZone!)}" is ${what}: use an IANA name such as Europe/Berlin or America/New_York.`, SCHEDULE_USAGE);
  }
  return { time, cadence, weekday, timeZone: zone };
}

export const MAX_TOP = 10;
export const MAX_MIN_UPVOTES = 100_000;

export const SETTINGS_USAGE = `/papers settings [top=N] [min-upvotes=N] [empty=skip|notice]\n` +
  `top: papers per digest, 1 to ${MAX_TOP}; min-upvotes: leave out papers with fewer upvotes (0 or more); ` +
  `empty: when nothing qualifies, post nothing (skip) or a short note (notice).`;

export interface SettingsChange {
  topN?: number;
  minUpvotes?: number;
  emptyBehaviour?: EmptyDigestBehaviour;
}

const SETTING_KEYS: Record<string, keyof SettingsChange> = {
  top: 'topN',
  min_upvotes: 'minUpvotes',
  minupvotes: 'minUpvotes',
  upvotes: 'minUpvotes',
  empty: 'emptyBehaviour',
};

function integerIn(raw: string, label: string, min: number, max: number): number {
  if (!/^-?\d{1,9}$/.test(raw)) throw new UsageError(`${label} must be a whole number, not "${clip(raw)}".`, SETTINGS_USAGE);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${label} must be between ${min} and ${max} (got ${n}).`, SETTINGS_USAGE);
  return n;
}

function settingPairsFromText(text: string): [string, string][] {
  return text
    .split(' ')
    .filter((w) => w !== '')
    .map((word) => {
      const m = /^([A-Za-z_-]+)[=:](.*)$/.exec(word);
      if (!m) throw new UsageError(`I don't understand "${clip(word)}": write settings as name=value.`, SETTINGS_USAGE);
      return [m[1]!, m[2]!];
    });
}

/** Reads `top=N min-upvotes=N empty=skip|notice` from text or typed options. Throws {@link UsageError}. */
export function parseSettings(req: CommandRequest): SettingsChange {
  const pairs: [string, string][] = hasOptions(req, SETTINGS_OPTIONS)
    ? SETTINGS_OPTIONS.flatMap((k) => {
        const value = option(req, k);
        return value === undefined ? [] : [[k, value] as [string, string]];
      })
    : settingPairsFromText(req.text.trim());
  const change: SettingsChange = {};
  for (const [rawKey, value] of pairs) {
    const key = SETTING_KEYS[rawKey.toLowerCase().replace(/-/g, '_')];
    if (key === 'topN') change.topN = integerIn(value, 'top', 1, MAX_TOP);
    else if (key === 'minUpvotes') change.minUpvotes = integerIn(value, 'min-upvotes', 0, MAX_MIN_UPVOTES);
    else if (key === 'emptyBehaviour') {
      const v = value.toLowerCase();
      const behaviour = EMPTY_BEHAVIOURS.find((b) => b === v);
      if (!behaviour) throw new UsageError(`empty must be skip or notice, not "${clip(value)}".`, SETTINGS_USAGE);
      change.emptyBehaviour = behaviour;
    } else throw new UsageError(`There is no setting called "${clip(rawKey)}".`, SETTINGS_USAGE);
  }
  return change;
}

/** Shortens user input quoted back in an error message. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
