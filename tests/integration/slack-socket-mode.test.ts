import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const logger = silentLogger();
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;
let adapter: PlatformAdapter;

beforeAll(async () => {
  testDb = createTestDb('slack-socket');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db });
  ctx.papers.upsertPage([makePaper({ id: '2503.00009', title: 'Mixture of experts routing', publishedAt: '2025-03-10' })], []);
  fake = await FakeSlackApi.start();
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  adapter = createSlackAdapter({ papers: commands, logger }, { botToken: 'xoxb-test-token', appToken: 'xapp-test-token', apiUrl: fake.apiUrl, adminsOnly: false });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

describe('Slack app in Socket Mode', () => {
  it('serves no HTTP route and opens the socket with the app-level token', async () => {
    expect(adapter.routes).toEqual([]);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'socket:connect'));
    expect(fake.callsTo('apps.connections.open')[0]!.authorization).toBe('Bearer xapp-test-token');
  });

  it('acks a slash command envelope and answers through its response_url', async () => {
    fake.sendEnvelope({
      envelope_id: 'env-1',
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        team_id: 'T1',
        channel_id: 'C1',
        user_id: 'UALICE',
        command: '/papers',
        text: 'search mixture of experts',
        response_url: fake.responseUrl('socket-1'),
        trigger_id: '1.2.3',
      },
    });
    await fake.waitFor((calls) => calls.some((c) => c.method === 'socket:ack:env-1'));
    const reply = await fake.waitFor((calls) => calls.find((c) => c.method === 'response:socket-1'));
    expect(JSON.stringify(reply.body.blocks)).toContain('Mixture of experts routing');
    expect(reply.body.response_type).toBe('ephemeral');
  });
});
