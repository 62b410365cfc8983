import { randomBytes } from 'node:crypto';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { ScheduleSync } from '../../src/core/ports.ts';
import { silentLogger } from '../../src/logger.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeSlackApi, signedHeaders } from '../fakes/slack-api.ts';
import type { FakeWorkspace } from '../fakes/slack-workspaces.ts';
import { createTestDb } from '../helpers/db.ts';

export const SIGNING_SECRET = 'oauth-signing-secret-0123456789';
export const STATE_SECRET = 'oauth-state-secret-0123456789';
export const CLIENT_ID = '1111.2222';
export const CLIENT_SECRET = 'oauth-client-secret';
/** The cookie @slack/oauth keeps the install state in (the redirect must carry the same value). */
export const STATE_COOKIE = 'slack-app-oauth-state';

export interface OAuthHarness {
  fake: FakeSlackApi;
  ctx: SqliteContext;
  papers: PapersApp;
  adapter: PlatformAdapter;
  server: HttpServer;
  dbPath: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** A Slack adapter in OAuth mode on a fresh SQLite file, served over real HTTP, against the fake Slack. */
export async function startOAuthHarness(label: string, schedules: (ctx: SqliteContext) => Promise<ScheduleSync> | ScheduleSync): Promise<OAuthHarness> {
  const fake = await FakeSlackApi.start();
  const test = createTestDb(label);
  const config = loadConfig({
    DATABASE_URL: `file:${test.path}`,
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: STATE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SLACK_API_URL: fake.apiUrl,
    LOG_LEVEL: 'silent',
  });
  const ctx = createContext(config, silentLogger(), { db: test.db });
  const papers = createPapersApp({ ctx, schedules: await schedules(ctx) });
  const adapter = createSlackAdapter({ papers, logger: silentLogger() }, config.slack!);
  await adapter.start();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger: silentLogger() });
  const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
  fake.workspaces.app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl: url('/slack/oauth_redirect') };
  return {
    fake,
    ctx,
    papers,
    adapter,
    server,
    dbPath: test.path,
    url,
    async close() {
      await server.close();
      await adapter.stop();
      await fake.close();
      ctx.planner.invalidate();
      test.cleanup();
    },
  };
}

/** The state cookie an install page set. */
export function stateCookieOf(res: Response): string | undefined {
  for (const cookie of res.headers.getSetCookie()) {
    const m = new RegExp(`^${STATE_COOKIE}=([^;]+)`).exec(cookie);
    if (m) return m[1];
  }
  return undefined;
}

/** The "Add to Slack" link of an install page, unescaped. */
export function addToSlackLink(html: string): URL {
  const href = /<a class="button" href="([^"]+)"/.exec(html)?.[1];
  if (!href) throw new Error(`no Add to Slack link in: ${html}`);
  return new URL(href.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))));
}

/**
 * Installs the app as a browser does: the install page (state cookie), Slack's consent screen approving as
 * `workspace`, and the redirect back with the code and the cookie. Returns the final page.
 */
export async function install(h: Pick<OAuthHarness, 'url' | 'fake'>, workspace: FakeWorkspace): Promise<{ status: number; html: string }> {
  const page = await fetch(h.url('/slack/install'));
  const cookie = stateCookieOf(page);
  const link = addToSlackLink(await page.text());
  h.fake.workspaces.approveAs(workspace);
  const consent = await fetch(link, { redirect: 'manual' });
  const location = consent.headers.get('location');
  if (consent.status !== 302 || !location) throw new Error(`consent refused: ${consent.status} ${await consent.text()}`);
  const done = await fetch(location, { headers: cookie ? { cookie: `${STATE_COOKIE}=${cookie}` } : {} });
  return { status: done.status, html: await done.text() };
}

let seq = 0;

/** Sends a signed `/papers` command from a workspace's channel; resolves with the reply posted to its response_url. */
export async function slash(h: Pick<OAuthHarness, 'url' | 'fake'>, teamId: string, channelId: string, text: string, extra: Record<string, string> = {}): Promise<{ status: number; reply: Record<string, unknown> }> {
  const responseId = `oauth-${++seq}`;
  const body = new URLSearchParams({
    ...extra,
    team_id: teamId,
    team_domain: teamId.toLowerCase(),
    channel_id: channelId,
    channel_name: 'general',
    user_id: `U${teamId}`,
    user_name: 'alice',
    command: '/papers',
    text,
    api_app_id: 'A1',
    response_url: h.fake.responseUrl(responseId),
    trigger_id: '1.2.3',
  }).toString();
  const res = await fetch(h.url('/slack/events'), { method: 'POST', headers: signedHeaders(SIGNING_SECRET, body), body });
  const reply = await h.fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  return { status: res.status, reply: reply.body };
}

/** Sends a signed Events API callback (`app_uninstalled`, `tokens_revoked`) for a workspace. */
export async function sendEvent(h: Pick<OAuthHarness, 'url' | 'fake'>, teamId: string, event: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<number> {
  const body = JSON.stringify({
    ...extra,
    token: 'legacy',
    team_id: teamId,
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${++seq}`,
    event_time: Math.floor(Date.now() / 1000),
    event,
    authorizations: [{ enterprise_id: extra.enterprise_id ?? null, team_id: teamId, user_id: `UBOT${teamId}`, is_bot: true, is_enterprise_install: extra.is_enterprise_install ?? false }],
  });
  const res = await fetch(h.url('/slack/events'), { method: 'POST', headers: { ...signedHeaders(SIGNING_SECRET, body), 'content-type': 'application/json' }, body });
  return res.status;
}
