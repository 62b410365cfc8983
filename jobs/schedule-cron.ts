import type { Schedule } from '../src/core/types.ts';

/** A BullMQ repeat rule: a 5-field cron pattern evaluated in an IANA time zone. */
export interface CronRule {
  pattern: string;
  tz: string;
}

/**
 * Turns a channel's schedule into a cron rule: `HH:MM` local time in its time zone, every day, on
 * weekdays (Monday to Friday) or once a week on its ISO weekday (1 = Monday .. 7 = Sunday).
 */
export function scheduleToCron(schedule: Schedule): CronRule {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(schedule.time);
  if (!match) throw new RangeError(`Schedule time must be HH:MM (24h), got "${schedule.time}"`);
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  let days = '*';
  if (schedule.cadence === 'weekdays') days = '1-5';
  if (schedule.cadence === 'weekly') {
    const weekday = schedule.weekday ?? 1;
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw new RangeError(`Weekly schedules need a weekday 1-7, got ${weekday}`);
    days = String(weekday % 7);
  }
  return { pattern: `${minute} ${hour} * * ${days}`, tz: schedule.timeZone };
}
