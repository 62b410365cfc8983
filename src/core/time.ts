import { timeZonesNames } from '@vvo/tzdb';
import { DateTime } from 'luxon';

/** A calendar day as `YYYY-MM-DD`. */
export type Day = string;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimeZone(zone: string): boolean {
  return zone.length > 0 && DateTime.now().setZone(zone).isValid;
}

function icuZoneOf(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

let currentNames: Map<string, string> | undefined;
let currentSet: Set<string> | undefined;

const currentZoneNames = (): Set<string> => (currentSet ??= new Set(timeZonesNames));

/** ICU's own id of a zone (Node's ICU keeps old ids such as `Asia/Calcutta`) to its current IANA name. */
function currentNameByIcuId(): Map<string, string> {
  if (currentNames) return currentNames;
  currentNames = new Map();
  for (const name of timeZonesNames) {
    const icu = icuZoneOf(name);
    if (icu && icu !== name) currentNames.set(icu, name);
  }
  return currentNames;
}

/**
 * The current canonical IANA name of a zone, whatever alias or letter case it was given in
 * (`asia/calcutta` and `Asia/Kolkata` -> `Asia/Kolkata`, `US/Eastern` -> `America/New_York`);
 * undefined when the zone is unknown.
 */
export function canonicalTimeZone(value: string): string | undefined {
  if (!isValidTimeZone(value)) return undefined;
  const icu = icuZoneOf(value);
  if (icu === undefined) return undefined;
  // Most zones ICU already names by their current name: no need to build the alias map (~140 ms at start-up).
  if (icu === 'UTC' || currentZoneNames().has(icu)) return icu;
  return currentNameByIcuId().get(icu) ?? icu;
}

/** True for a real calendar date written as `YYYY-MM-DD`. */
export function isDay(value: string): value is Day {
  if (!DAY_RE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function addDays(day: Day, delta: number): Day {
  // Calendar days carry no zone: plain UTC arithmetic is exact (and ~50x cheaper than a DateTime).
  return new Date(Date.parse(`${day}T00:00:00Z`) + delta * 86_400_000).toISOString().slice(0, 10);
}

/** Inclusive list of days from `from` to `to`. */
export function daysBetween(from: Day, to: Day): Day[] {
  const out: Day[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The earliest day Hugging Face Daily Papers has. */
export const FIRST_FEED_DAY: Day = '2023-05-04';
const FEED_ZONE = 'America/New_York';
const FEED_ROLLOVER_MINUTES = 21 * 60 + 30;

let lastFeedDay: { minute: number; day: Day } | undefined;

/**
 * "Today" as the Daily Papers feed counts it: the calendar day in America/New_York,
 * moving on to the next day from 21:30 there (Hugging Face's own rule).
 */
export function feedDayAt(now: Date): Day {
  // The feed day changes only on a whole minute (21:30 in a zone with whole-hour offsets): remember the
  // last minute's answer, since planning thousands of channels asks it thousands of times.
  const minute = Math.floor(now.getTime() / 60_000);
  if (lastFeedDay?.minute === minute) return lastFeedDay.day;
  const ny = DateTime.fromJSDate(now).setZone(FEED_ZONE);
  const minutes = ny.hour * 60 + ny.minute;
  const day = (minutes >= FEED_ROLLOVER_MINUTES ? ny.plus({ days: 1 }) : ny).toISODate()!;
  lastFeedDay = { minute, day };
  return day;
}

