import { InvalidArgumentError } from 'commander';
import { isDay, FIRST_FEED_DAY, type Day } from '../core/time.ts';

/** commander parser: a real day `YYYY-MM-DD`, not before Daily Papers began. */
export function parseDay(value: string): Day {
  if (!isDay(value)) throw new InvalidArgumentError(`"${value}" is not a date; use YYYY-MM-DD, e.g. 2025-03-17.`);
  if (value < FIRST_FEED_DAY) throw new InvalidArgumentError(`Daily Papers starts on ${FIRST_FEED_DAY}; ${value} is earlier.`);
  return value;
}

/** commander parser factory: a whole number within [min, max]. */
export function parseIntIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`${n} is out of range; use ${min} to ${max}.`);
    return n;
  };
}

/** commander collector for repeatable options. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
