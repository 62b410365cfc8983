import type { CommandRequest } from '../core/commands.ts';
import { DIGEST_LAYOUTS, type DigestLayout, type EmptyDigestBehaviour, type Schedule, type ScheduleCadence } from '../core/types.ts';
import { canonicalTimeZone } from '../core/time.ts';
import { UsageError } from '../errors.ts';
import { MAX_MIN_UPVOTES, MAX_TOP, worded } from './command-wording.ts';

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

/**
 * A time of day as `HH:MM`: 24-hour `21:30` or `9:30`, or 12-hour `9am`, `9:30pm`, `12 am`, `9.30 p.m.`;
 * undefined when it is not a real time of day.
 */
export function parseTime(value: string): string | undefined {
  const twelve = /^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m\.?$/i.exec(value.trim());
  if (twelve) {
    const hours = Number(twelve[1]);
    const minutes = Number(twelve[2] ?? '0');
    if (hours < 1 || hours > 12 || minutes > 59) return undefined;
    const h24 = (hours % 12) + (twelve[3]!.toLowerCase() === 'p' ? 12 : 0);
    return `${String(h24).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
  }
  const m = /^(\d{1,2}):(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = Number(m[2]);
  if (hours > 23 || minutes > 59) return undefined;
  return `${String(hours).padStart(2, '0')}:${m[2]}`;
}


/** What one `schedule` request names; everything left out keeps its current value. */
export interface ScheduleChange {
  time?: string;
  cadence?: ScheduleCadence;
  weekday?: number;
  timeZone?: string;
}

interface ScheduleParts {
  time?: string;
  cadence?: string;
  weekday?: string;
  timeZone?: string;
}

/** `[time] [daily | weekdays | weekly [day]] [zone]`; a time starts with a digit, `9 am` is one time. */
function schedulePartsFromText(text: string): ScheduleParts {
  const words = text.replace(/(\d)\s+([ap]\.?m\.?)(?=\s|$)/gi, '$1$2').split(' ').filter((w) => w !== '');
  const parts: ScheduleParts = {};
  if (words[0] !== undefined && /^\d/.test(words[0])) parts.time = words.shift();
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
export const SETTINGS_OPTIONS = ['top', 'min_upvotes', 'empty', 'layout'] as const;

function unknownZone(parts: ScheduleParts): string {
  const zone = parts.timeZone!;
  const what = parts.cadence === undefined && !zone.includes('/') ? 'neither a cadence (daily, weekdays, weekly <day>) nor a time zone I know' : 'not a time zone I know';
  return `"${clip(zone)}" is ${what}: use an IANA name such as Europe/Berlin or America/New_York.`;
}

/**
 * Reads what a `schedule` request names, from text (`[time] [daily | weekdays | weekly <day>] [zone]`) or
 * the typed options `time`, `cadence`, `weekday`, `timezone`. Zones come back by their canonical names.
 * Throws {@link UsageError}.
 */
export function parseScheduleChange(req: CommandRequest): ScheduleChange {
  const usage = worded(req, 'scheduleUsage');
  const parts: ScheduleParts = hasOptions(req, SCHEDULE_OPTIONS)
    ? { time: option(req, 'time'), cadence: option(req, 'cadence'), weekday: option(req, 'weekday'), timeZone: option(req, 'timezone') }
    : schedulePartsFromText(freeText(req, 'time'));
  const change: ScheduleChange = {};
  if (parts.time !== undefined) {
    change.time = parseTime(parts.time);
    if (!change.time) throw new UsageError(`"${clip(parts.time)}" is not a time of day: use 21:30, 9:30pm or 9am.`, usage);
  }
  if (parts.cadence !== undefined) {
    const cadence = parts.cadence.toLowerCase();
    change.cadence = CADENCES.find((c) => c === cadence);
    if (!change.cadence) throw new UsageError(`"${clip(parts.cadence)}" is not a cadence: use daily, weekdays or weekly <day>.`, usage);
  }
  if (parts.weekday !== undefined) {
    change.weekday = parseWeekday(parts.weekday);
    if (change.weekday === undefined) throw new UsageError(`"${clip(parts.weekday)}" is not a day of the week.`, usage);
  }
  if (parts.timeZone !== undefined) {
    change.timeZone = canonicalTimeZone(parts.timeZone);
    if (!change.timeZone) throw new UsageError(unknownZone(parts), usage);
  }
  if (Object.keys(change).length === 0) throw new UsageError('Tell me what to change: a time, a cadence or a time zone.', usage);
  return change;
}

/**
 * `base` with only what `change` names replaced. A day alone makes the digest weekly; `weekly` alone keeps
 * the current day of a weekly schedule. Throws {@link UsageError} when the result is not a whole schedule.
 */
export function applyScheduleChange(base: Schedule, change: ScheduleChange, usage: string): Schedule {
  const cadence = change.cadence ?? (change.weekday !== undefined ? 'weekly' : base.cadence);
  if (cadence !== 'weekly' && change.weekday !== undefined) throw new UsageError(`A day of the week goes only with weekly, not ${cadence}.`, usage);
  const weekday = cadence === 'weekly' ? (change.weekday ?? (base.cadence === 'weekly' ? base.weekday : null)) : null;
  if (cadence === 'weekly' && weekday === null) throw new UsageError('Weekly digests need a day, e.g. "weekly monday".', usage);
  return { time: change.time ?? base.time, cadence, weekday, timeZone: change.timeZone ?? base.timeZone };
}

/**
 * A whole schedule from a request: what it names over `base`; or, given a zone instead of a schedule,
 * daily in that zone at the time the request must name. Throws {@link UsageError}.
 */
export function parseSchedule(req: CommandRequest, base: Schedule | string): Schedule {
  const usage = worded(req, 'scheduleUsage');
  const change = parseScheduleChange(req);
  if (typeof base !== 'string') return applyScheduleChange(base, change, usage);
  if (change.time === undefined) throw new UsageError('Tell me when to post the digest.', usage);
  return applyScheduleChange({ time: change.time, cadence: 'daily', weekday: null, timeZone: base }, change, usage);
}

export { MAX_MIN_UPVOTES, MAX_TOP } from './command-wording.ts';


export interface SettingsChange {
  topN?: number;
  minUpvotes?: number;
  emptyBehaviour?: EmptyDigestBehaviour;
  layout?: DigestLayout;
}

const SETTING_KEYS: Record<string, keyof SettingsChange> = {
  top: 'topN',
  min_upvotes: 'minUpvotes',
  minupvotes: 'minUpvotes',
  upvotes: 'minUpvotes',
  empty: 'emptyBehaviour',
  layout: 'layout',
};

function integerIn(raw: string, label: string, [min, max]: [number, number], usage: string): number {
  if (!/^-?\d{1,9}$/.test(raw)) throw new UsageError(`${label} must be a whole number, not "${clip(raw)}".`, usage);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${label} must be between ${min} and ${max} (got ${n}).`, usage);
  return n;
}

function settingPairsFromText(text: string, usage: string): [string, string][] {
  return text
    .split(' ')
    .filter((w) => w !== '')
    .map((word) => {
      const m = /^([A-Za-z_-]+)[=:](.*)$/.exec(word);
      if (!m) throw new UsageError(`I don't understand "${clip(word)}": write settings as name=value.`, usage);
      return [m[1]!, m[2]!];
    });
}

/** Reads `top=N min-upvotes=N empty=skip|notice layout=digest|thread|papers` from text or typed options. Throws {@link UsageError}. */
export function parseSettings(req: CommandRequest): SettingsChange {
  const usage = worded(req, 'settingsUsage');
  const pairs: [string, string][] = hasOptions(req, SETTINGS_OPTIONS)
    ? SETTINGS_OPTIONS.flatMap((k) => {
        const value = option(req, k);
        return value === undefined ? [] : [[k, value] as [string, string]];
      })
    : settingPairsFromText(req.text.trim(), usage);
  const change: SettingsChange = {};
  for (const [rawKey, value] of pairs) {
    const key = SETTING_KEYS[rawKey.toLowerCase().replace(/-/g, '_')];
    if (key === 'topN') change.topN = integerIn(value, 'top', [1, MAX_TOP], usage);
    else if (key === 'minUpvotes') change.minUpvotes = integerIn(value, 'min-upvotes', [0, MAX_MIN_UPVOTES], usage);
    else if (key === 'emptyBehaviour') {
      const v = value.toLowerCase();
      const behaviour = EMPTY_BEHAVIOURS.find((b) => b === v);
      if (!behaviour) throw new UsageError(`empty must be skip or notice, not "${clip(value)}".`, usage);
      change.emptyBehaviour = behaviour;
    } else if (key === 'layout') {
      const layout = DIGEST_LAYOUTS.find((l) => l === value.toLowerCase());
      if (!layout) throw new UsageError(`layout must be ${DIGEST_LAYOUTS.join(', ')}, not "${clip(value)}".`, usage);
      change.layout = layout;
    } else throw new UsageError(`There is no setting called "${clip(rawKey)}".`, usage);
  }
  return change;
}

/** Shortens user input quoted back in an error message. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
