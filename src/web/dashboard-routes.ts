import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChannelEdit, ChannelFilter, DashboardApp } from '../app/dashboard-app.ts';
import type { CommandReply } from '../core/commands.ts';
import type { HttpRoute } from '../server/http-route.ts';
import { headerValue, readBody } from '../server/http-server.ts';
import type { Logger } from '../logger.ts';
import type { DashboardAccess, DashboardAccessGrant } from './access.ts';
import { DASHBOARD_CSS, DASHBOARD_JS } from './assets.ts';
import { channelPage, channelsPage, commandTextOf } from './channels-pages.ts';
import { html, type Html } from './html.ts';
import { page, type PageContext } from './layout.ts';
import { loginPage } from './login-page.ts';
import { feedPage, paperPage, searchPage } from './papers-pages.ts';

export { createDashboardAccess, isLocalRequest, isLoopbackAddress, type DashboardAccess } from './access.ts';

/** A dashboard form's body is a few fields: anything larger is refused before it is read to the end. */
export const MAX_FORM_BYTES = 16 * 1024;
const EDITS = new Set<ChannelEdit['name']>(['subscribe', 'unsubscribe', 'schedule', 'settings']);

export interface DashboardOptions {
  app: DashboardApp;
  access: DashboardAccess;
  logger: Logger;
  /** Papers per page on the feed day (default 24), search results per page (10), channels per page (50). */
  pageSizes?: { papers?: number; search?: number; channels?: number };
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers, 'content-type': type, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function sendPage(res: ServerResponse, status: number, markup: Html): void {
  send(res, status, 'text/html; charset=utf-8', markup.value, { 'cache-control': 'no-store' });
}

function urlOf(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://dashboard.invalid');
}

/** A 1-based page number from `?page=` (1 when missing or not a positive integer; at most 10,000). */
export function pageNumber(url: URL): number {
  const n = Number(url.searchParams.get('page'));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 10_000) : 1;
}

/** The form fields of a urlencoded POST, or the status to refuse it with (413 too large, 415 another type). */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | 413 | 415> {
  if (!(headerValue(req, 'content-type') ?? '').startsWith('application/x-www-form-urlencoded')) {
    req.resume();
    return 415;
  }
  const body = await readBody(req, MAX_FORM_BYTES);
  return body === undefined ? 413 : new URLSearchParams(body.toString('utf8'));
}

/** A POST from another site's page: its Origin (when the browser sends one) names another host. */
function foreignOrigin(req: IncomingMessage): boolean {
  const origin = headerValue(req, 'origin');
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== headerValue(req, 'host');
  } catch {
    return true;
  }
}

/**
 * The web dashboard's routes: server-rendered pages of papers, search and channels, the channel edit forms
 * (through the chat commands' use cases), sign-in, and its two static assets. Every data route goes through
 * the access rule first; a POST also needs the session's CSRF token and a same-site origin.
 */
export function dashboardRoutes(options: DashboardOptions): HttpRoute[] {
  const { app, access } = options;
  const sizes = { papers: options.pageSizes?.papers ?? 24, search: options.pageSizes?.search ?? 10, channels: options.pageSizes?.channels ?? 50 };
  const ctxOf = (grant: DashboardAccessGrant, path: string): PageContext => ({ access: grant, tokenRequired: access.tokenRequired, path });
  const notFound = (res: ServerResponse, grant: DashboardAccessGrant, path: string, what: string) =>
    sendPage(res, 404, page(ctxOf(grant, path), 'Not found', html`<h1>Not found</h1><p>${what}</p>`));

  /** A read-only page behind the access rule. */
  const read = (path: string, render: (req: IncomingMessage, res: ServerResponse, grant: DashboardAccessGrant, url: URL) => void | Promise<void>): HttpRoute => ({
    method: 'GET',
    path,
    handler: async (req, res) => {
      const grant = access.requireDashboardAccess(req, res);
      if (grant) await render(req, res, grant, urlOf(req));
    },
  });

  /** A POST: signed in (`write`), a urlencoded body within the cap, the session's CSRF token, a same-site origin. */
  const write = (path: string, handle: (req: IncomingMessage, res: ServerResponse, grant: DashboardAccessGrant, form: URLSearchParams) => Promise<void>, options: { signedIn?: boolean } = {}): HttpRoute => ({
    method: 'POST',
    path,
    handler: async (req, res) => {
      const grant = options.signedIn === false ? { signedIn: false, canEdit: false } : access.requireDashboardAccess(req, res, { write: true });
      if (!grant) return void req.resume();
      const form = await readForm(req);
      if (typeof form === 'number') return send(res, form, 'text/plain; charset=utf-8', form === 413 ? `form over ${MAX_FORM_BYTES} bytes` : 'expected a form (application/x-www-form-urlencoded)', { connection: 'close' });
      if (foreignOrigin(req) || !access.csrfMatches(req, form.get('csrf') ?? undefined)) {
        return send(res, 403, 'text/plain; charset=utf-8', 'This form is out of date or came from another site (CSRF check failed): reload the page and try again.');
      }
      await handle(req, res, grant, form);
    },
  });

  const showChannel = async (res: ServerResponse, grant: DashboardAccessGrant, id: number, reply?: CommandReply) => {
    const detail = await app.channel(id);
    if (!detail) return notFound(res, grant, `/channels/${id}`, `No channel ${id}.`);
    const status = reply?.kind === 'error' ? 422 : 200;
    sendPage(res, status, page(ctxOf(grant, `/channels/${id}`), `Channel ${detail.channel.channelId}`, channelPage(detail, grant, reply)));
  };
  const channelIdOf = (url: URL) => Number(/^\/channels\/(\d{1,12})(?:\/|$)/.exec(url.pathname)?.[1] ?? NaN);

  return [
    { method: 'GET', path: '/assets/dashboard.css', handler: (_req, res) => send(res, 200, 'text/css; charset=utf-8', DASHBOARD_CSS, { 'cache-control': 'public, max-age=3600' }) },
    { method: 'GET', path: '/assets/dashboard.js', handler: (_req, res) => send(res, 200, 'text/javascript; charset=utf-8', DASHBOARD_JS, { 'cache-control': 'public, max-age=3600' }) },
    read('/', async (_req, res, grant, url) => {
      const day = url.searchParams.get('on')?.trim() || url.searchParams.get('day') || undefined;
      const n = pageNumber(url);
      const [feed, charts] = await Promise.all([app.feedDay(day, { limit: sizes.papers, offset: (n - 1) * sizes.papers }), app.paperCharts()]);
      const title = feed.kind === 'day' ? `Papers of ${feed.day}` : 'Papers';
      sendPage(res, 200, page(ctxOf(grant, '/'), title, feedPage(feed, charts, n, sizes.papers)));
    }),
    read('/search', async (_req, res, grant, url) => {
      const q = (url.searchParams.get('q') ?? '').slice(0, 500);
      const n = pageNumber(url);
      const outcome = q.trim() === '' ? undefined : await app.search(q, { limit: sizes.search, offset: (n - 1) * sizes.search });
      sendPage(res, outcome?.kind === 'error' ? 400 : 200, page(ctxOf(grant, '/search'), q ? `Search: ${q}` : 'Search', searchPage(q, outcome, n), { query: q }));
    }),
    read('/papers/:id', async (_req, res, grant, url) => {
      let id: string;
      try {
        id = decodeURIComponent(url.pathname.slice('/papers/'.length));
      } catch {
        id = url.pathname.slice('/papers/'.length);
      }
      const detail = await app.paper(id);
      if (!detail) return notFound(res, grant, url.pathname, `No stored paper ${id}.`);
      sendPage(res, 200, page(ctxOf(grant, url.pathname), detail.paper.title, paperPage(detail)));
    }),
    read('/channels', async (_req, res, grant, url) => {
      const n = pageNumber(url);
      const show = url.searchParams.get('show');
      const filter: ChannelFilter = show === 'failing' || show === 'paused' ? show : 'all';
      const [list, charts] = await Promise.all([app.channels({ limit: sizes.channels, offset: (n - 1) * sizes.channels }, filter), app.deliveryCharts()]);
      sendPage(res, 200, page(ctxOf(grant, '/channels'), 'Channels', channelsPage(list, charts, n, sizes.channels, filter)));
    }),
    read('/channels/:id', (_req, res, grant, url) => showChannel(res, grant, channelIdOf(url))),
    write('/channels/:id/edit', async (req, res, grant, form) => {
      const id = channelIdOf(urlOf(req));
      const name = form.get('command') as ChannelEdit['name'];
      if (!EDITS.has(name)) return send(res, 400, 'text/plain; charset=utf-8', 'unknown change');
      const reply = await app.edit(id, { name, text: commandTextOf(name, form) });
      options.logger.info({ channelId: id, command: name, outcome: reply.kind }, 'channel changed from the dashboard');
      await showChannel(res, grant, id, reply);
    }),
    {
      method: 'GET',
      path: '/login',
      handler: (req, res) => {
        if (!access.tokenRequired) return send(res, 404, 'text/plain; charset=utf-8', 'Sign-in is off: ADMIN_TOKEN is not set (the dashboard is read-only on this machine).');
        sendPage(res, 200, loginPage(access.loginCsrf(req, res)!));
      },
    },
    write(
      '/login',
      async (req, res, _grant, form) => {
        if (!access.tokenRequired) return send(res, 404, 'text/plain; charset=utf-8', 'Sign-in is off: ADMIN_TOKEN is not set.');
        if (access.signIn(req, res, form.get('token') ?? '')) return send(res, 303, 'text/plain; charset=utf-8', 'signed in', { location: '/' });
        options.logger.warn({ remote: req.socket.remoteAddress }, 'dashboard sign-in with a wrong token');
        sendPage(res, 401, loginPage(access.loginCsrf(req, res)!, 'That is not the admin token.'));
      },
      { signedIn: false },
    ),
    write('/logout', async (req, res) => {
      access.signOut(req, res);
      send(res, 303, 'text/plain; charset=utf-8', 'signed out', { location: '/login' });
    }),
  ];
}
