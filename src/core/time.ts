import { DateTime } from 'luxon';

/** A calendar day as `YYYY-MM-DD`. */
export type Day = string;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidTimeZone(zone: string): boolean {
  return zone.length > 0 && DateTime.now().setZone(zone).isValid;
}

/** True for a real calendar date written as `YYYY-MM-DD`. */
export function isDay(value: string): value is Day {
  if (!DAY_RE.test(value)) return false;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export function addDays(day: Day, delta: number): Day {
  return DateTime.fromISO(day, { zone: 'UTC' }).plus({ days: delta }).toISODate()!;
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

/**
 * "Today" as the Daily Papers feed counts it: the calendar day in America/New_York,
 * moving on to the next day from 21:30 there (Hugging Face's own rule).
 */
export function feedDayAt(now: Date): Day {
  const ny = DateTime.fromJSDate(now).setZone(FEED_ZONE);
  const minutes = ny.hour * 60 + ny.minute;
  return (minutes >= FEED_ROLLOVER_MINUTES ? ny.plus({ days: 1 }) : ny).toISODate()!;
}
