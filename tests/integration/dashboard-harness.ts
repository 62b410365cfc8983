/**
 * The dashboard as `npm start` serves it, on real parts: a SQLite file with the recorded Hugging Face day
 * ingested through the real pipeline from the fake Hugging Face server, the Slack adapter talking to the fake
 * Slack, the application, and two HTTP servers on loopback: one without ADMIN_TOKEN (read-only) and one with.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createIngestor } from '../../src/app/ingest-pipeline.ts';
import { createDashboardApp } from '../../src/app/dashboard-app.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createDashboardAccess, dashboardRoutes } from '../../src/web/dashboard-routes.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { FakeHfApi } from '../fakes/hf-api.ts';
import { FakeSlackApi, signedHeaders, type RecordedCall } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';

export const DAY = '2025-03-17';
export const ADMIN_TOKEN = 'dashboard-admin-token-0123456789';
const SECRET = 'test-signing-secret-0123456789abcdef';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

export interface DashboardHarness {
  ctx: SqliteContext;
  /** The recorded day's papers as ingested (18). */
  dayPapers: { id: string; title: string }[];
  slack: FakeSlackApi;
  /** No ADMIN_TOKEN: loopback only, read-only. */
  open: HttpServer;
  /** ADMIN_TOKEN set: sign in to read and change. */
  secured: HttpServer;
  /** Sends a signed `/papers <text>` in Slack channel `channel` and returns the text of its reply. */
  slash(text: string, channel: string): Promise<string>;
  /** Runs a channel's digest now and delivers it to the fake Slack (the deliver job's work, without queues). */
  deliverDigest(channel: Channel): Promise<void>;
  stop(): Promise<void>;
}

function replyText(call: RecordedCall): string {
  return JSON.stringify(call.body.blocks ?? []) + String(call.body.text ?? '');
}

export async function startDashboardHarness(label: string, options: { pageSizes?: { papers?: number; search?: number; channels?: number } } = {}): Promise<DashboardHarness> {
  const logger = silentLogger();
  const hf = await new FakeHfApi().setDay(DAY, fixture).start();
  const slack = await FakeSlackApi.start();
  slack.users.set('UALICE', { tz: 'Europe/Berlin' });
  const testDb = createTestDb(label);
  const config = loadConfig({ HF_API_URL: hf.url, HF_MAX_RETRIES: '0', HF_SEARCH_WHEN_FEWER_THAN: '0' });
  const ctx = createContext(config, logger, { db: testDb.db, clock: { now: () => new Date('2025-03-18T15:00:00Z') } });
  await createIngestor(ctx).ingestDay(DAY);
  const schedules = { channelChanged: async () => {} };
  const papers = createPapersApp({ ctx, schedules });
  const adapter = createSlackAdapter({ papers, logger }, { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: slack.apiUrl, adminsOnly: false });
  await adapter.start();
  const app = createDashboardApp({ ctx, papers });
  const serve = (adminToken?: string) =>
    startHttpServer({
      port: 0,
      host: '0.0.0.0',
      routes: [...adapter.routes, ...dashboardRoutes({ app, access: createDashboardAccess({ adminToken }), logger, pageSizes: options.pageSizes })],
      readiness: async () => ({}),
      logger,
    });
  const open = await serve();
  const secured = await serve(ADMIN_TOKEN);
  const work = createPapersWork(ctx);
  let seq = 0;

  return {
    ctx,
    dayPapers: ctx.papers.listedOn(DAY).map((p) => ({ id: p.id, title: p.title })),
    slack,
    open,
    secured,
    async slash(text, channel) {
      const responseId = `${label}-${++seq}`;
      const body = new URLSearchParams({
        token: 'legacy',
        team_id: 'T1',
        team_domain: 'test',
        channel_id: channel,
        channel_name: channel,
        user_id: 'UALICE',
        user_name: 'alice',
        command: '/papers',
        text,
        api_app_id: 'A1',
        response_url: slack.responseUrl(responseId),
        trigger_id: '1.2.3',
      }).toString();
      const res = await fetch(`http://127.0.0.1:${open.port}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body), body });
      if (res.status !== 200) throw new Error(`slash command answered ${res.status}`);
      return replyText(await slack.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`)));
    },
    async deliverDigest(channel) {
      const queued: string[] = [];
      await work.digestRunner({ enqueueDelivery: async (_platform, id) => void queued.push(id), removeSchedule: async () => {} })(channel.id, 'test');
      const deliverer = work.deliverer(work.channelService(schedules));
      for (const id of queued) {
        const opened = await deliverer.open(id);
        if ('done' in opened) continue;
        await deliverer.attempt(adapter.chat, opened.delivery, opened.target, { isLastAttempt: true, attempts: 1 }).catch(() => undefined);
      }
    },
    async stop() {
      await open.close();
      await secured.close();
      await adapter.stop();
      await slack.close();
      await hf.stop();
      ctx.close();
      testDb.cleanup();
    },
  };
}

/**
 * A GET or POST from a chosen source address on this machine (e.g. 127.0.0.2: loopback-routed, but not one
 * of the loopback addresses the access rule trusts), with any headers: the socket's address is what counts.
 */
export function requestFrom(localAddress: string, port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, localAddress, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
