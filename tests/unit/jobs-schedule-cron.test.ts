import { describe, expect, it } from 'vitest';
import { scheduleToCron } from '../../jobs/schedule-cron.ts';

const at = (time: string, cadence: 'daily' | 'weekdays' | 'weekly', weekday: number | null = null, timeZone = 'Europe/Berlin') => ({
  time,
  cadence,
  weekday,
  timeZone,
});

describe('scheduleToCron', () => {
  it('turns a daily HH:MM into a minute-hour cron in the channel time zone', () => {
    expect(scheduleToCron(at('09:05', 'daily'))).toEqual({ pattern: '5 9 * * *', tz: 'Europe/Berlin' });
  });

  it('runs weekday schedules Monday to Friday', () => {
    expect(scheduleToCron(at('18:30', 'weekdays', null, 'America/New_York'))).toEqual({ pattern: '30 18 * * 1-5', tz: 'America/New_York' });
  });

  it('maps ISO weekdays to cron days, Sunday (7) to 0', () => {
    expect(scheduleToCron(at('00:00', 'weekly', 1)).pattern).toBe('0 0 * * 1');
    expect(scheduleToCron(at('23:59', 'weekly', 7)).pattern).toBe('59 23 * * 0');
  });

  it('refuses a malformed time or weekday', () => {
    expect(() => scheduleToCron(at('9:00', 'daily'))).toThrow(/HH:MM/);
    expect(() => scheduleToCron(at('24:00', 'daily'))).toThrow(/HH:MM/);
    expect(() => scheduleToCron(at('09:00', 'weekly', 8))).toThrow(/weekday/);
  });
});
