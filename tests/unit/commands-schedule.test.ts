import { afterAll, describe, expect, it } from 'vitest';
import { parseTime } from '../../src/commands/command-args.ts';
import { canonicalTimeZone } from '../../src/core/time.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const h = createCoreHarness({ label: 'commands-schedule' });
afterAll(() => h.close());

describe('a schedule change touches only what it names', () => {
  it('keeps a Slack channel in Asia/Kolkata when someone in Berlin sets "10:00 weekly fri"', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 09:00 Asia/Kolkata', { channelId, userTimeZone: 'Europe/Berlin' });
    const reply = await h.run('schedule 10:00 weekly fri', { channelId, userTimeZone: 'Europe/Berlin' });
    expect(h.channelOf(channelId)!.schedule).toEqual({ time: '10:00', cadence: 'weekly', weekday: 5, timeZone: 'Asia/Kolkata' });
    expect(textOf(reply)).toContain('to every Friday at 10:00 (Asia/Kolkata)');
  });

  it('keeps a Discord channel in Asia/Kolkata instead of resetting it to UTC', async () => {
    const channelId = h.freshChannel();
    await h.core.handle(h.request({ platform: 'discord', channelId, name: 'schedule', options: { time: '09:00', timezone: 'Asia/Kolkata' } }));
    await h.core.handle(h.request({ platform: 'discord', channelId, name: 'schedule', options: { time: '10:00', cadence: 'weekly', weekday: 'fri' } }));
    expect(h.channelOf(channelId, 'discord')!.schedule).toEqual({ time: '10:00', cadence: 'weekly', weekday: 5, timeZone: 'Asia/Kolkata' });
  });

  it('changes only the time, only the zone, or only the cadence, keeping the rest', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 08:00 weekly mon America/New_York', { channelId });
    await h.run('schedule 07:15', { channelId, userTimeZone: 'Asia/Tokyo' });
    expect(h.channelOf(channelId)!.schedule).toEqual({ time: '07:15', cadence: 'weekly', weekday: 1, timeZone: 'America/New_York' });
    await h.run('schedule Europe/Paris', { channelId });
    expect(h.channelOf(channelId)!.schedule).toEqual({ time: '07:15', cadence: 'weekly', weekday: 1, timeZone: 'Europe/Paris' });
    await h.run('schedule weekdays', { channelId });
    expect(h.channelOf(channelId)!.schedule).toEqual({ time: '07:15', cadence: 'weekdays', weekday: null, timeZone: 'Europe/Paris' });
    await h.core.handle(h.request({ platform: 'slack', channelId, name: 'schedule', options: { weekday: 'thu' } }));
    expect(h.channelOf(channelId)!.schedule).toEqual({ time: '07:15', cadence: 'weekly', weekday: 4, timeZone: 'Europe/Paris' });
  });

  it('keeps the day of a weekly channel when a change says "weekly" alone', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 08:00 weekly wed', { channelId });
    await h.run('schedule 09:00 weekly', { channelId });
    expect(h.channelOf(channelId)!.schedule).toMatchObject({ time: '09:00', cadence: 'weekly', weekday: 3 });
  });

  it("uses the caller's zone only when the channel is first enrolled", async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 06:30', { channelId, userTimeZone: 'Asia/Tokyo' });
    expect(h.channelOf(channelId)!.schedule.timeZone).toBe('Asia/Tokyo');
    await h.run('schedule 06:45', { channelId, userTimeZone: 'America/Chicago' });
    expect(h.channelOf(channelId)!.schedule.timeZone).toBe('Asia/Tokyo');
  });

  it('says nothing changed when the change names the current schedule', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 08:00', { channelId });
    expect(textOf(await h.run('schedule 8am', { channelId }))).toContain('already posted daily at 08:00 (UTC); nothing changed');
  });
});

describe('times and zones', () => {
  it.each([
    ['9am', '09:00'],
    ['9:30pm', '21:30'],
    ['21:30', '21:30'],
    ['9:30', '09:30'],
    ['12am', '00:00'],
    ['12:15PM', '12:15'],
    ['9 p.m.', '21:00'],
  ])('reads %s as %s', (text, time) => {
    expect(parseTime(text)).toBe(time);
  });

  it.each(['13pm', '0am', '24:00', '9', '7:5', '25:99', 'noon'])('refuses %s', (text) => {
    expect(parseTime(text)).toBeUndefined();
  });

  it('accepts "9 am", "9:30pm" and "21:30" in a schedule command', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 9 am weekdays', { channelId });
    expect(h.channelOf(channelId)!.schedule).toMatchObject({ time: '09:00', cadence: 'weekdays' });
    await h.run('schedule 9:30pm', { channelId });
    expect(h.channelOf(channelId)!.schedule.time).toBe('21:30');
    const discord = h.freshChannel();
    await h.core.handle(h.request({ platform: 'discord', channelId: discord, name: 'schedule', options: { time: '9:30pm' } }));
    expect(h.channelOf(discord, 'discord')!.schedule.time).toBe('21:30');
  });

  it.each([
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['US/Eastern', 'America/New_York'],
    ['europe/berlin', 'Europe/Berlin'],
  ])('names the zone %s by its canonical name %s', (given, canonical) => {
    expect(canonicalTimeZone(given)).toBe(canonical);
  });

  it('stores and shows Asia/Kolkata whether the command or Slack profile said Asia/Calcutta', async () => {
    const typed = h.freshChannel();
    const reply = await h.run('schedule 09:00 Asia/Calcutta', { channelId: typed });
    expect(textOf(reply)).toContain('(Asia/Kolkata)');
    expect(h.channelOf(typed)!.schedule.timeZone).toBe('Asia/Kolkata');
    const fromProfile = h.freshChannel();
    await h.run('schedule 09:00', { channelId: fromProfile, userTimeZone: 'Asia/Calcutta' });
    expect(h.channelOf(fromProfile)!.schedule.timeZone).toBe('Asia/Kolkata');
  });

  it('shows a zone stored under its old name by its canonical name', async () => {
    const channelId = h.freshChannel();
    await h.run('schedule 09:00', { channelId });
    const channel = h.channelOf(channelId)!;
    h.ctx.channels.update(channel.id, { schedule: { ...channel.schedule, timeZone: 'Asia/Calcutta' } });
    expect(textOf(await h.run('schedule', { channelId }))).toContain('daily at 09:00 (Asia/Kolkata)');
  });
});
