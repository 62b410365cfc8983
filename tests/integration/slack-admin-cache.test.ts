import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeSlackApi, signedHeaders, type RecordedCall } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';

const SECRET = 'test-signing-secret-admin-cache-0123';
const logger = silentLogger();
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;
let server: HttpServer;
let stopAdapter: () => Promise<void>;
let seq = 0;

async function slash(text: string, user: string): Promise<string> {
  seq += 1;
  const responseId = `admin-cache-${seq}`;
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: 'C-cache',
    user_id: user,
    command: '/papers',
    text,
    response_url: fake.responseUrl(responseId),
    trigger_id: '1.2.3',
  }).toString();
  const res = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body), body });
  expect(res.status).toBe(200);
  const reply: RecordedCall = await fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  return JSON.stringify(reply.body.blocks ?? []) + String(reply.body.text ?? '');
}

function lookups(user: string): number {
  return fake.calls.filter((c) => c.method === 'users.info' && c.body.user === user).length;
}

beforeAll(async () => {
  testDb = createTestDb('slack-admin-cache');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db });
  fake = await FakeSlackApi.start();
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  const adapter = createSlackAdapter({ papers: commands, logger }, { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, adminsOnly: true });
  await adapter.start();
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger });
  stopAdapter = () => adapter.stop();
});

afterAll(async () => {
  vi.useRealTimers();
  await server?.close();
  await stopAdapter?.();
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

describe('Slack admin rights', () => {
  it('are read again from users.info after at most 60 seconds, so a demoted admin loses them', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    fake.users.set('UBOSS', { tz: 'Europe/Berlin', is_admin: true });
    expect(await slash('schedule 08:00', 'UBOSS')).toContain('enrolled');
    expect(lookups('UBOSS')).toBe(1);

    fake.users.set('UBOSS', { tz: 'Europe/Berlin', is_admin: false });
    vi.setSystemTime(start + 30_000);
    expect(await slash('schedule 08:30', 'UBOSS')).toContain('Schedule updated');
    expect(lookups('UBOSS')).toBe(1);

    vi.setSystemTime(start + 61_000);
    expect(await slash('schedule 09:30', 'UBOSS')).toContain('only admins and owners can change digest settings');
    expect(lookups('UBOSS')).toBe(2);
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-cache' })!.schedule.time).toBe('08:30');
  });
});
