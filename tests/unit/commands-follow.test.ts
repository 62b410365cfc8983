import { afterAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../src/app/dashboard-app.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { MAX_TOPICS_PER_CHANNEL } from '../../src/db/channels-repo.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const h = createCoreHarness({ label: 'commands-follow' });
afterAll(() => h.close());

const as = (user: string, channelId = 'C-room') => ({ userId: user, channelId, canManage: false });
const personOf = (user: string) => h.ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: user });

describe('/papers follow', () => {
  it('says clearly what is missing or wrong, and changes nothing', async () => {
    const rows = h.ctx.channels.list().length;
    const empty = await h.run('follow', as('UEMPTY'));
    expect(empty).toMatchObject({ kind: 'error', message: 'Tell me which topic to follow.' });
    expect(textOf(empty)).toContain('/papers follow <topic | author:name>');
    expect(textOf(await h.run('follow author:', as('UEMPTY')))).toContain('author: needs a name.');
    expect(textOf(await h.run(`follow ${'x'.repeat(201)}`, as('UEMPTY')))).toContain('keep it under 200');
    expect(textOf(await h.run('follow time 25:99', as('UEMPTY')))).toContain('is not a time of day');
    expect(textOf(await h.run('follow time 25:99', as('UEMPTY')))).toContain('/papers follow time <HH:MM> [time zone]');
    expect(h.ctx.channels.list().length).toBe(rows);
  });

  it('needs no channel permission, and leaves the channel it was typed in untouched', async () => {
    const reply = await h.run('follow "diffusion models"', as('UANN'));
    expect(textOf(reply)).toContain('You now follow ""diffusion models"".');
    expect(personOf('UANN')).toMatchObject({ kind: 'person', paused: false, schedule: { time: '09:00', cadence: 'daily', timeZone: 'UTC' } });
    expect(h.channelOf('C-room')).toBeUndefined();
    expect(textOf(await h.run('topics', as('UANN')))).toContain('This channel gets no digests and follows no topics yet.');
  });

  it('sets the alert time and zone with "time", keeping "time series" a topic', async () => {
    expect(textOf(await h.run('follow time 8am Asia/Tokyo', as('UANN')))).toContain('by direct message daily at 08:00 (Asia/Tokyo)');
    await h.run('follow time series', as('UANN'));
    expect(personOf('UANN')!.schedule).toEqual({ time: '08:00', cadence: 'daily', weekday: null, timeZone: 'Asia/Tokyo' });
    expect(h.ctx.channels.topicQueries(personOf('UANN')!.id)).toEqual(['"diffusion models"', 'time series']);
    expect(textOf(await h.run('follow time 18:15', as('UANN')))).toContain('daily at 18:15 (Asia/Tokyo)');
  });

  it('reads Discord-style options: a topic, a time and a zone', async () => {
    const reply = await h.core.handle(h.request({ ...as('UOPT'), name: 'follow', options: { topic: 'robotics', time: '07:00', timezone: 'Europe/Berlin' } }));
    expect(textOf(reply)).toContain('You now follow "robotics".');
    expect(personOf('UOPT')!.schedule).toMatchObject({ time: '07:00', timeZone: 'Europe/Berlin' });
  });

  it('keeps the same topic cap as a channel', async () => {
    for (let i = 0; i < MAX_TOPICS_PER_CHANNEL; i++) await h.run(`follow topic${i}`, as('UCAP'));
    const over = await h.run('follow one more', as('UCAP'));
    expect(over).toMatchObject({ kind: 'error', message: `You already follow ${MAX_TOPICS_PER_CHANNEL} topics; remove one first.` });
    expect(h.ctx.channels.topicQueries(personOf('UCAP')!.id)).toHaveLength(MAX_TOPICS_PER_CHANNEL);
  });
});

describe('/papers following and /papers unfollow', () => {
  it('lists one\'s follows numbered with when alerts come, and removes them by number, name or all', async () => {
    const listed = textOf(await h.run('following', as('UANN')));
    expect(listed).toContain('You follow 2 topics');
    expect(listed).toContain('1. "diffusion models"\n2. time series\nAlerts come by direct message daily at 18:15 (Asia/Tokyo).');
    expect(textOf(await h.run('unfollow 3', as('UANN')))).toContain('There is no topic number 3; you follow 2.');
    expect(textOf(await h.run('unfollow robotics', as('UANN')))).toContain('You do not follow "robotics".');
    expect(textOf(await h.run('unfollow 2', as('UANN')))).toContain('Stopped following "time series".');
    expect(textOf(await h.run('unfollow "diffusion models"', as('UANN')))).toContain('You follow nothing now: no more alerts come to you.');
    expect(personOf('UANN')).toMatchObject({ paused: true, health: 'ok' });
    expect(textOf(await h.run('following', as('UANN')))).toContain('You follow nothing');
    await h.run('follow agents', as('UANN'));
    expect(personOf('UANN')!.paused).toBe(false);
  });

  it("is each person's own: another person's list is not theirs to change", async () => {
    expect(textOf(await h.run('unfollow all', as('USTRANGER')))).toContain('You follow nothing, so there was nothing to stop.');
    expect(h.ctx.channels.topicQueries(personOf('UANN')!.id)).toEqual(['agents']);
    expect(textOf(await h.run('unfollow', as('UANN')))).toContain('Tell me which topic to stop following.');
  });

  it('keep alerts refused by the platform paused through an unfollow, and say why until a follow turns them on', async () => {
    await h.run('follow agents', as('UFAIL'));
    await h.run('follow robots', as('UFAIL'));
    h.ctx.channels.markFailing(personOf('UFAIL')!.id, 'cannot_dm');
    await h.run('unfollow robots', as('UFAIL'));
    expect(personOf('UFAIL')).toMatchObject({ health: 'failing', paused: true });
    expect(textOf(await h.run('following', as('UFAIL')))).toContain('Your alerts are paused: your direct messages could not be reached (cannot_dm).');
    expect(textOf(await h.run('follow robots', as('UFAIL')))).toContain('they are on again');
    expect(personOf('UFAIL')).toMatchObject({ health: 'ok', paused: false });
  });

  it('are listed in help', async () => {
    const help = textOf(await h.run('help'));
    for (const name of ['follow', 'following', 'unfollow']) expect(help).toContain(`/papers ${name}`);
  });
});

describe('person rows outside personal alerts', () => {
  it('are no channels to the dashboard: not listed, no page, no edits', async () => {
    await h.run('subscribe llm', { channelId: 'C-dash' });
    const dashboard = createDashboardApp({ ctx: h.ctx, papers: createPapersApp({ ctx: h.ctx, schedules: { channelChanged: async () => {} } }) });
    const listed = await dashboard.channels({ limit: 100, offset: 0 });
    expect(listed.channels.map((c) => c.channel.channelId)).toEqual(['C-dash']);
    expect(listed.total).toBe(1);
    expect(await dashboard.channel(personOf('UANN')!.id)).toBeUndefined();
    expect(await dashboard.edit(personOf('UANN')!.id, { name: 'subscribe', text: 'x' })).toMatchObject({ kind: 'error' });
    expect(h.ctx.channels.topicQueries(personOf('UANN')!.id)).toEqual(['agents']);
  });
});
