import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, feedDayAt, isDay } from '../../src/core/time.ts';
import { retryAfterMs } from '../../src/sources/http-retry.ts';

describe('the feed day', () => {
  it('follows America/New_York and moves to the next day from 21:30 there', () => {
    expect(feedDayAt(new Date('2025-03-17T14:00:00Z'))).toBe('2025-03-17');
    expect(feedDayAt(new Date('2025-03-18T01:29:00Z'))).toBe('2025-03-17');
    expect(feedDayAt(new Date('2025-03-18T01:29:59.999Z'))).toBe('2025-03-17');
    expect(feedDayAt(new Date('2025-03-18T01:30:00Z'))).toBe('2025-03-18');
    expect(feedDayAt(new Date('2025-03-18T03:00:00Z'))).toBe('2025-03-18');
    expect(feedDayAt(new Date('2025-01-15T02:29:00Z'))).toBe('2025-01-14');
    expect(feedDayAt(new Date('2025-01-15T02:30:00Z'))).toBe('2025-01-15');
  });

  it('validates and walks calendar days', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-02-29')).toBe(false);
    expect(isDay('2025-3-1')).toBe(false);
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-09', 1)).toBe('2025-03-10');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -365)).toBe('2024-01-02');
    expect(daysBetween('2025-02-27', '2025-03-02')).toEqual(['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-02']);
  });
});

describe('retry hints', () => {
  it('reads Retry-After in seconds or as a date, and the RateLimit header', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4000)).toBe(6000);
    expect(retryAfterMs(new Headers({ ratelimit: '"api";r=0;t=42' }))).toBe(42_000);
    expect(retryAfterMs(new Headers({}))).toBeUndefined();
  });
});
