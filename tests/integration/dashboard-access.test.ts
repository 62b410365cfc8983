import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardApp } from '../../src/app/dashboard-app.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { ConfigError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createDashboardAccess, dashboardRoutes, isLoopbackAddress, MAX_FORM_BYTES } from '../../src/web/dashboard-routes.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { requestFrom } from './dashboard-harness.ts';

const TOKEN = 'access-test-token-abcdefghijklmnop';
const HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>';
const logger = silentLogger();
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let clock = Date.parse('2026-01-01T00:00:00Z');
let open: HttpServer;
let secured: HttpServer;
let dualStack: HttpServer;
let channelId: number;

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const at = (server: HttpServer, path: string) => `http://127.0.0.1:${server.port}${path}`;

/** The session cookie a response sets, as `name=value`. */
function cookieOf(res: Response): string {
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** Opens the login form and returns its pending session cookie and CSRF token. */
async function loginForm(): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(at(secured, '/login'));
  const csrf = /name="csrf" value="([^"]+)"/.exec(await res.text())![1]!;
  return { cookie: cookieOf(res), csrf };
}

/** Whether `cookie` is a signed-in session: it gets the channel page, with its edit forms. */
async function signedIn(cookie: string): Promise<boolean> {
  const res = await fetch(at(secured, `/channels/${channelId}`), { headers: { cookie } });
  if (res.status === 401) return false;
  expect(res.status).toBe(200);
  return (await res.text()).includes('Add a topic');
}

async function signIn(token = TOKEN): Promise<Response> {
  const { cookie, csrf } = await loginForm();
  return fetch(at(secured, '/login'), { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: new URLSearchParams({ csrf, token }).toString() });
}

beforeAll(async () => {
  testDb = createTestDb('dashboard-access');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db, clock: { now: () => new Date('2025-03-18T15:00:00Z') } });
  ctx.papers.upsertPage(
    [makePaper({ id: '2503.20001', title: HOSTILE, abstract: `An abstract with ${HOSTILE}.`, projectPage: 'javascript:alert(1)', thumbnail: 'javascript:alert(2)' })],
    [{ paperId: '2503.20001', feedDay: '2025-03-17', rank: 0, upvotes: 10 }],
  );
  channelId = ctx.channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: 'C-access' }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }).channel.id;
  ctx.channels.addTopic(channelId, HOSTILE);
  const papers = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  const app = createDashboardApp({ ctx, papers });
  const serve = (adminToken: string | undefined, host: string) =>
    startHttpServer({ port: 0, host, routes: dashboardRoutes({ app, access: createDashboardAccess({ adminToken, now: () => clock, sessionTtlMs: 60_000 }), logger }), readiness: async () => ({}), logger });
  open = await serve(undefined, '0.0.0.0');
  secured = await serve(TOKEN, '0.0.0.0');
  dualStack = await serve(undefined, '::');
});

afterAll(async () => {
  await Promise.all([open?.close(), secured?.close(), dualStack?.close()]);
  ctx?.close();
  testDb?.cleanup();
});

describe('the dashboard access rule', () => {
  it('treats only 127.0.0.1 and ::1 as loopback', () => {
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(address)).toBe(true);
    for (const address of ['127.0.0.2', '::ffff:127.0.0.2', '10.0.0.1', '0.0.0.0', '::', 'localhost', undefined]) expect(isLoopbackAddress(address)).toBe(false);
  });

  it('answers on ::1 without ADMIN_TOKEN, read-only', async () => {
    const res = await fetch(`http://[::1]:${dualStack.port}/channels`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('read-only');
  });

  it('with ADMIN_TOKEN and no session: 401 and no data, from another address, through a proxy and from this machine', async () => {
    for (const path of ['/', '/channels', `/channels/${channelId}`, '/papers/2503.20001', '/search?q=study']) {
      for (const res of [
        await requestFrom('127.0.0.2', secured.port, { path }),
        await requestFrom('127.0.0.1', secured.port, { path, headers: { 'x-forwarded-for': '203.0.113.9' } }),
        await requestFrom('127.0.0.1', secured.port, { path, headers: { forwarded: 'for=203.0.113.9' } }),
        await requestFrom('127.0.0.1', secured.port, { path }),
      ]) {
        expect(res.status).toBe(401);
        expect(res.body).not.toContain('alert');
        expect(res.body).not.toContain('C-access');
      }
    }
  });

  it('signs in with the token: a new HttpOnly, SameSite=Strict session; a wrong token or a missing CSRF token gets none', async () => {
    const wrong = await signIn('not-the-token-at-all-000000');
    expect(wrong.status).toBe(401);
    expect(await signedIn(cookieOf(wrong))).toBe(false);

    const { cookie } = await loginForm();
    const noCsrf = await fetch(at(secured, '/login'), { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: `token=${TOKEN}` });
    expect(noCsrf.status).toBe(403);
    expect(await signedIn(cookie)).toBe(false);

    const right = await signIn();
    expect(right.status).toBe(303);
    expect(right.headers.get('set-cookie')).toMatch(/^papers_dashboard=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=60$/);
    const page = await fetch(at(secured, `/channels/${channelId}`), { headers: { cookie: cookieOf(right) } });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('Add a topic');
    expect(body).not.toContain(TOKEN);
  });

  it('ends a session on sign-out and when it has been idle longer than its lifetime', async () => {
    const cookie = cookieOf(await signIn());
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(at(secured, '/'), { headers: { cookie } })).text())![1]!;
    const out = await fetch(at(secured, '/logout'), { method: 'POST', redirect: 'manual', headers: { ...form, cookie }, body: `csrf=${csrf}` });
    expect(out.status).toBe(303);
    expect(await signedIn(cookie)).toBe(false);
    expect((await requestFrom('127.0.0.2', secured.port, { path: '/', headers: { cookie } })).status).toBe(401);

    const idle = cookieOf(await signIn());
    expect(await signedIn(idle)).toBe(true);
    expect((await requestFrom('127.0.0.2', secured.port, { path: '/channels', headers: { cookie: idle } })).status).toBe(200);
    clock += 61_000;
    expect(await signedIn(idle)).toBe(false);
  });

  it('keeps a signed-in session however many login forms are opened meanwhile', async () => {
    const access = createDashboardAccess({ adminToken: TOKEN, maxSessions: 3 });
    const small = await startHttpServer({ port: 0, host: '127.0.0.1', routes: dashboardRoutes({ app: createDashboardApp({ ctx, papers: createPapersApp({ ctx, schedules: { channelChanged: async () => {} } }) }), access, logger }), readiness: async () => ({}), logger });
    try {
      const form1 = await fetch(at(small, '/login'));
      const csrf = /name="csrf" value="([^"]+)"/.exec(await form1.text())![1]!;
      const signed = await fetch(at(small, '/login'), { method: 'POST', redirect: 'manual', headers: { ...form, cookie: cookieOf(form1) }, body: new URLSearchParams({ csrf, token: TOKEN }).toString() });
      for (let i = 0; i < 10; i++) await fetch(at(small, '/login'));
      expect(await (await fetch(at(small, '/channels'), { headers: { cookie: cookieOf(signed) } })).text()).toContain('Sign out');
    } finally {
      await small.close();
    }
  });

  it('refuses a form from another site, an oversized form and a body that is not a form, changing nothing', async () => {
    const cookie = cookieOf(await signIn());
    const csrf = /name="csrf" value="([^"]+)"/.exec(await (await fetch(at(secured, `/channels/${channelId}`), { headers: { cookie } })).text())![1]!;
    const before = ctx.channels.topicQueries(channelId);
    const post = (headers: Record<string, string>, body: string) => fetch(at(secured, `/channels/${channelId}/edit`), { method: 'POST', headers: { cookie, ...headers }, body });
    expect((await post({ ...form, origin: 'https://evil.example' }, `csrf=${csrf}&command=subscribe&text=robots`)).status).toBe(403);
    expect((await post(form, `csrf=${csrf}&command=subscribe&text=${'a'.repeat(MAX_FORM_BYTES)}`)).status).toBe(413);
    expect((await post({ 'content-type': 'application/json' }, JSON.stringify({ csrf, command: 'subscribe', text: 'robots' }))).status).toBe(415);
    expect(ctx.channels.topicQueries(channelId)).toEqual(before);
    expect((await post(form, `csrf=${csrf}&command=subscribe&text=robots`)).status).toBe(200);
    expect(ctx.channels.topicQueries(channelId)).toEqual([...before, 'robots']);
  });

  it('without ADMIN_TOKEN refuses another address (whatever its headers) and a forwarded request, even from loopback', async () => {
    for (const res of [
      await requestFrom('127.0.0.2', open.port, { path: '/channels', headers: { cookie: 'papers_dashboard=whatever', 'x-forwarded-for': '::1' } }),
      await requestFrom('127.0.0.1', open.port, { path: '/channels', headers: { 'x-real-ip': '127.0.0.1' } }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body).not.toContain('C-access');
    }
  });
});

describe('the dashboard pages', () => {
  it('escape paper text and topics, and never link to a javascript: URL', async () => {
    for (const path of ['/', '/papers/2503.20001', `/channels/${channelId}`, '/channels', '/search?q=study']) {
      const res = await fetch(at(open, path));
      expect(res.status).toBe(200);
      const body = await res.text();
      expect(body).not.toContain('<script>alert');
      expect(body).not.toContain('<img src=x');
      expect(body).not.toMatch(/(href|src)="javascript:/i);
      if (path !== '/search?q=study') expect(body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
  });

  it('send a content security policy that loads nothing from elsewhere but images', async () => {
    const res = await fetch(at(open, '/'));
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'; style-src 'self'; script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('show the latest day, saying so, when the day asked for is not a day', async () => {
    const body = await (await fetch(at(open, `/?on=${encodeURIComponent('17/03/2025<b>')}`))).text();
    expect(body).toContain('"17/03/2025&lt;b&gt;" is not a day: write it as YYYY-MM-DD, e.g. 2025-03-17.');
    expect(body).toContain('Papers of 2025-03-17');
  });

  it('say how to fix a bad query, as /papers search does', async () => {
    const res = await fetch(at(open, `/search?q=${encodeURIComponent('upvotes:>=lots')}`));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('class="error"');
  });
});

describe('ADMIN_TOKEN', () => {
  it('must be at least 16 characters, and a bad one is never quoted back', () => {
    expect(loadConfig({ ADMIN_TOKEN: TOKEN }).adminToken).toBe(TOKEN);
    expect(loadConfig({ ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
    try {
      loadConfig({ ADMIN_TOKEN: 'short-secret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('ADMIN_TOKEN: must be at least 16 characters');
      expect((error as Error).message).not.toContain('short-secret');
    }
  });
});
