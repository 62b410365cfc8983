import { readFileSync } from 'node:fs';
import { ClearStateStore } from '@slack/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import type { FakeWorkspace } from '../fakes/slack-workspaces.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { FAST_TUNING, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { signedHeaders } from '../fakes/slack-api.ts';
import { addToSlackLink, install, sendEvent, SIGNING_SECRET, slash, startOAuthHarness, STATE_COOKIE, STATE_SECRET, stateCookieOf, type OAuthHarness } from './slack-oauth-harness.ts';

const prefix = uniquePrefix('slack-oauth');
const acme: FakeWorkspace = { teamId: 'TACME', name: 'Acme', channels: ['CACME1', 'CACME2'] };
const globex: FakeWorkspace = { teamId: 'TGLOBEX', name: 'Globex', channels: ['CGLOBEX1'] };
const org: FakeWorkspace = { teamId: 'TORGHQ', enterpriseId: 'EORG', orgWide: true, channels: ['CORG1'] };
let h: OAuthHarness;
let jobs: Jobs;

const schedule = { time: '09:00', cadence: 'daily' as const, weekday: null, timeZone: 'UTC' };
const enrol = (workspaceId: string, channelId: string): Channel => h.ctx.channels.enrol({ platform: 'slack', workspaceId, channelId }, schedule).channel;
const postsTo = (channelId: string) => h.fake.callsTo('chat.postMessage').filter((c) => c.body.channel === channelId);
const sent = (channel: Channel) => () => h.ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');
const tokenOf = (teamId: string) => h.fake.workspaces.tokensOf(teamId).at(-1)!;

beforeAll(async () => {
  h = await startOAuthHarness('slack-oauth', async (ctx) => {
    jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
    return jobs.scheduleSync;
  });
  seedDay(h.ctx, feedDayAt(new Date()), samplePapers());
  await jobs.startWorkers({ platforms: { slack: h.adapter.chat } });
});

afterAll(async () => {
  await jobs?.close();
  await h?.close();
  await dropPrefix(prefix);
});

describe('Slack OAuth install', () => {
  it('serves an Add to Slack page linking to Slack with our client id, the scopes and a signed state, set in a cookie too', async () => {
    const res = await fetch(h.url('/slack/install'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Add to Slack');
    const link = addToSlackLink(html);
    expect(link.pathname).toBe('/oauth/v2/authorize');
    expect(link.searchParams.get('client_id')).toBe('1111.2222');
    expect(link.searchParams.get('scope')).toContain('chat:write');
    expect(link.searchParams.get('state')).toBe(stateCookieOf(res));
  });

  it('installs two workspaces through the redirect, each with its own bot token, none readable in the database file', async () => {
    const first = await install(h, acme);
    expect(first.status).toBe(200);
    expect(first.html).toContain('Papers is installed in Acme');
    expect((await install(h, globex)).status).toBe(200);
    expect((await h.papers.installations.forWorkspace('slack', 'TACME'))?.botUserId).toBe('UBOTTACME');
    expect(await h.papers.installations.forWorkspace('slack', 'TGLOBEX')).toBeDefined();
    h.ctx.db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const raw = databaseFiles(h.dbPath).flatMap((file) => {
      try {
        return [readFileSync(file).toString('latin1')];
      } catch {
        return [];
      }
    }).join('');
    expect(raw).toContain('TACME');
    for (const token of [tokenOf('TACME'), tokenOf('TGLOBEX')]) expect(raw).not.toContain(token);
    expect(raw).not.toContain('xoxb-');
    const rows = h.ctx.db.sqlite.prepare('SELECT * FROM installations').all();
    expect(JSON.stringify(rows)).not.toContain('xoxb-');
  });

  it('refuses a forged state, an expired state and a state from another browser, saying so and storing nothing', async () => {
    const forged = await new ClearStateStore('not-our-state-secret-at-all').generateStateParam({ scopes: ['commands'] }, new Date());
    const expired = await new ClearStateStore(STATE_SECRET).generateStateParam({ scopes: ['commands'] }, new Date(Date.now() - 11 * 60_000));
    const code = () => h.fake.workspaces.issueCode({ teamId: 'TEVIL' });
    const attempts = [
      { state: forged, cookie: forged },
      { state: expired, cookie: expired },
      { state: await new ClearStateStore(STATE_SECRET).generateStateParam({ scopes: ['commands'] }, new Date()), cookie: 'another-browser' },
    ];
    for (const { state, cookie } of attempts) {
      const res = await fetch(h.url(`/slack/oauth_redirect?code=${code()}&state=${encodeURIComponent(state)}`), { headers: { cookie: `${STATE_COOKIE}=${cookie}` } });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('This install link is not valid, or it expired');
    }
    expect(await h.papers.installations.forWorkspace('slack', 'TEVIL')).toBeUndefined();
    expect(h.fake.callsTo('oauth.v2.access').filter((c) => String(c.body.code).length > 0)).toHaveLength(2);
  });

  it('refuses a code Slack never issued with the reason Slack gave', async () => {
    const page = await fetch(h.url('/slack/install'));
    const state = stateCookieOf(page)!;
    const res = await fetch(h.url(`/slack/oauth_redirect?code=made-up&state=${encodeURIComponent(state)}`), { headers: { cookie: `${STATE_COOKIE}=${state}` } });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Slack refused the install (invalid_code)');
  });

  it('says so when the install was cancelled in Slack or the link carries no code, storing nothing', async () => {
    const cancelled = await fetch(h.url('/slack/oauth_redirect?error=access_denied&state=x'));
    expect(cancelled.status).toBe(400);
    expect(await cancelled.text()).toContain('The install was cancelled in Slack');
    const noCode = await fetch(h.url('/slack/oauth_redirect?state=x'));
    expect(noCode.status).toBe(400);
    expect(await noCode.text()).toContain('Slack sent no install code');
  });
});

describe('each workspace on its own token', () => {
  it('posts each workspace its digest with that workspace token (the fake refuses a token for another team)', async () => {
    const a = enrol('TACME', 'CACME1');
    const b = enrol('TGLOBEX', 'CGLOBEX1');
    await jobs.enqueueDigests([a.id, b.id]);
    await waitFor('Acme digest', sent(a));
    await waitFor('Globex digest', sent(b));
    expect(postsTo('CACME1').map((c) => c.authorization)).toEqual([`Bearer ${tokenOf('TACME')}`]);
    expect(postsTo('CGLOBEX1').map((c) => c.authorization)).toEqual([`Bearer ${tokenOf('TGLOBEX')}`]);
    const crossed = await fetch(`${h.fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenOf('TACME')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ channel: 'CGLOBEX1', text: 'hi' }),
    });
    expect(await crossed.json()).toEqual({ ok: false, error: 'channel_not_found' });
  });

  it('answers a signed slash command from each workspace, looking the caller up with that workspace token', async () => {
    for (const teamId of ['TACME', 'TGLOBEX']) {
      const { status, reply } = await slash(h, teamId, teamId === 'TACME' ? 'CACME2' : 'CGLOBEX1', 'help');
      expect(status).toBe(200);
      expect(JSON.stringify(reply)).toContain('/papers');
      expect(h.fake.callsTo('users.info').filter((c) => c.body.user === `U${teamId}`).map((c) => c.authorization)).toEqual([`Bearer ${tokenOf(teamId)}`]);
    }
  });

  it('stores an org-wide install by its enterprise id and posts to a workspace of the organisation once it was seen', async () => {
    expect((await install(h, org)).status).toBe(200);
    expect(h.ctx.db.sqlite.prepare("SELECT install_id, is_enterprise_install FROM installations WHERE enterprise_id = 'EORG'").all()).toEqual([{ install_id: 'EORG', is_enterprise_install: 1 }]);
    const { status } = await slash(h, 'TORGHQ', 'CORG1', 'help', { enterprise_id: 'EORG', is_enterprise_install: 'true' });
    expect(status).toBe(200);
    const channel = enrol('TORGHQ', 'CORG1');
    await jobs.enqueueDigests([channel.id]);
    await waitFor('org workspace digest', sent(channel));
    expect(postsTo('CORG1').map((c) => c.authorization)).toEqual([`Bearer ${tokenOf('TORGHQ')}`]);
  });

  it('acknowledges a command from a workspace with no install without running it', async () => {
    const body = new URLSearchParams({ team_id: 'TNOBODY', channel_id: 'CX', user_id: 'UX', command: '/papers', text: 'subscribe diffusion', response_url: h.fake.responseUrl('nobody'), trigger_id: '1' }).toString();
    const res = await fetch(h.url('/slack/events'), { method: 'POST', headers: signedHeaders(SIGNING_SECRET, body), body });
    expect(res.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.ctx.channels.find({ platform: 'slack', workspaceId: 'TNOBODY', channelId: 'CX' })).toBeUndefined();
    expect(h.fake.callsTo('response:nobody')).toEqual([]);
  });

  it('refreshes a rotating token about to expire before posting, and stores the new one sealed', async () => {
    const rotating: FakeWorkspace = { teamId: 'TROTATE', name: 'Rotate', channels: ['CROT1'], rotation: { expiresIn: 60 } };
    expect((await install(h, rotating)).status).toBe(200);
    const first = tokenOf('TROTATE');
    const channel = enrol('TROTATE', 'CROT1');
    await jobs.enqueueDigests([channel.id]);
    await waitFor('digest with a refreshed token', sent(channel));
    const fresh = tokenOf('TROTATE');
    expect(fresh).not.toBe(first);
    expect(h.fake.workspaces.refreshes).toBeGreaterThanOrEqual(1);
    expect(postsTo('CROT1').map((c) => c.authorization)).toEqual([`Bearer ${fresh}`]);
    expect(JSON.parse((await h.papers.installations.forWorkspace('slack', 'TROTATE'))!.data).bot.token).toBe(fresh);
    expect(JSON.stringify(h.ctx.db.sqlite.prepare('SELECT * FROM installations').all())).not.toContain('xoxe-');
  });

  it('marks a channel of a workspace with no install failing with the reason, without retrying it', async () => {
    const stray = enrol('TNOBODY', 'CSTRAY');
    await jobs.enqueueDigests([stray.id]);
    const failing = await waitFor('stray channel marked failing', () => (h.ctx.channels.get(stray.id)?.health === 'failing' ? h.ctx.channels.get(stray.id) : undefined));
    expect(failing.healthReason).toBe('not_installed');
    expect(failing.paused).toBe(true);
    expect(postsTo('CSTRAY')).toEqual([]);
  });
});

describe('uninstalls', () => {
  it('app_uninstalled deletes that workspace install and pauses only its channels', async () => {
    const other = enrol('TACME', 'CACME2');
    expect(await sendEvent(h, 'TACME', { type: 'app_uninstalled' })).toBe(200);
    await waitFor('Acme channels paused', () => h.ctx.channels.inWorkspace('slack', 'TACME').every((c) => c.paused && c.healthReason === 'app_uninstalled'));
    expect(h.ctx.channels.get(other.id)?.health).toBe('failing');
    expect(await h.papers.installations.forWorkspace('slack', 'TACME')).toBeUndefined();
    expect(h.ctx.channels.inWorkspace('slack', 'TGLOBEX').every((c) => !c.paused && c.health === 'ok')).toBe(true);
    expect(await h.papers.installations.forWorkspace('slack', 'TGLOBEX')).toBeDefined();
  });

  it('tokens_revoked for the bot token does the same; revoked user tokens alone change nothing', async () => {
    expect(await sendEvent(h, 'TGLOBEX', { type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'] } })).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await h.papers.installations.forWorkspace('slack', 'TGLOBEX')).toBeDefined();
    expect(await sendEvent(h, 'TGLOBEX', { type: 'tokens_revoked', tokens: { bot: ['UBOTTGLOBEX'] } })).toBe(200);
    await waitFor('Globex channels paused', () => h.ctx.channels.inWorkspace('slack', 'TGLOBEX').every((c) => c.paused && c.healthReason === 'tokens_revoked'));
    expect(await h.papers.installations.forWorkspace('slack', 'TGLOBEX')).toBeUndefined();
  });

  it('app_uninstalled from an org-wide install deletes the organisation install and pauses the workspaces seen under it', async () => {
    expect(await sendEvent(h, 'TORGHQ', { type: 'app_uninstalled' }, { enterprise_id: 'EORG', is_enterprise_install: true })).toBe(200);
    await waitFor('org channels paused', () => h.ctx.channels.inWorkspace('slack', 'TORGHQ').every((c) => c.paused && c.healthReason === 'app_uninstalled'));
    expect(await h.papers.installations.find('slack', { enterpriseId: 'EORG', isEnterpriseInstall: true })).toBeUndefined();
    expect(await h.papers.installations.forWorkspace('slack', 'TORGHQ')).toBeUndefined();
  });

  it('installing again resumes the channels paused for want of an install and posts what they missed, with the new token', async () => {
    const paused = h.ctx.channels.inWorkspace('slack', 'TACME');
    const before = postsTo('CACME1').length;
    h.ctx.channels.markFailing(paused[0]!.id, 'channel_not_found');
    expect((await install(h, acme)).status).toBe(200);
    const after = h.ctx.channels.inWorkspace('slack', 'TACME');
    expect(after.filter((c) => c.health === 'ok' && !c.paused).map((c) => c.channelId).sort()).toEqual(paused.slice(1).map((c) => c.channelId).sort());
    expect(after.find((c) => c.id === paused[0]!.id)).toMatchObject({ health: 'failing', healthReason: 'channel_not_found' });
    expect(h.ctx.channels.inWorkspace('slack', 'TGLOBEX').every((c) => c.paused)).toBe(true);
    const caught = paused.find((c) => c.channelId === 'CACME2')!;
    await waitFor('catch-up digest after reinstall', () => h.fake.callsTo('chat.postMessage').find((c) => c.body.channel === caught.channelId && c.authorization === `Bearer ${tokenOf('TACME')}`));
    expect(postsTo('CACME1').length).toBe(before);
  });
});
