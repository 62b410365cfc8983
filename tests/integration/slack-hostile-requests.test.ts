import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeSlackApi, signedHeaders } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const SECRET = 'hostile-signing-secret-0123456789';
const BOT_TOKEN = 'xoxb-hostile-test-token';
const logger = silentLogger();

let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;
let adapter: PlatformAdapter;
let server: HttpServer;
let seq = 0;

const url = () => `http://127.0.0.1:${server.port}/slack/events`;

/** Posts `body` signed with the app's secret, as `content-type`. */
async function signedPost(body: string, contentType = 'application/x-www-form-urlencoded'): Promise<{ status: number; ms: number; text: string }> {
  const started = Date.now();
  const res = await fetch(url(), { method: 'POST', headers: { ...signedHeaders(SECRET, body), 'content-type': contentType }, body });
  return { status: res.status, ms: Date.now() - started, text: await res.text() };
}

function commandFields(text: string, responseId: string): Record<string, string> {
  return {
    token: 'legacy',
    team_id: 'T1',
    channel_id: 'C-hostile',
    user_id: 'UALICE',
    command: '/papers',
    text,
    api_app_id: 'A1',
    response_url: fake.responseUrl(responseId),
    trigger_id: '1.2.3',
  };
}

/** A real signed `/papers search` works and is answered on its response_url. */
async function searchStillWorks(): Promise<void> {
  seq += 1;
  const responseId = `ok-${seq}`;
  const res = await signedPost(new URLSearchParams(commandFields('search diffusion', responseId)).toString());
  expect(res.status).toBe(200);
  const reply = await fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  expect(JSON.stringify(reply.body)).toContain('Diffusion models for protein design');
}

const interactive = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

beforeAll(async () => {
  testDb = createTestDb('slack-hostile');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db });
  ctx.papers.upsertPage([makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', upvotes: 90 })], []);
  fake = await FakeSlackApi.start({ botToken: BOT_TOKEN });
  fake.users.set('UALICE', { tz: 'Europe/Berlin' });
  const commands = createPapersApp({ ctx, schedules: noScheduleSync });
  adapter = createSlackAdapter({ papers: commands, logger }, { botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl, adminsOnly: false });
  await adapter.start();
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger });
});

afterAll(async () => {
  await server?.close();
  await adapter?.stop();
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

describe('signed Slack requests that carry nonsense', () => {
  it.each([
    ['a JSON body of null', 'null', 'application/json'],
    ['a JSON array', '[1,2]', 'application/json'],
    ['a JSON string', '"hello"', 'application/json'],
    ['a body that is not JSON', '{nope', 'application/json'],
    ['a form payload of null', 'payload=null', 'application/x-www-form-urlencoded'],
    ['a form payload that is a number', 'payload=42', 'application/x-www-form-urlencoded'],
    ['a form payload that is not JSON', 'payload=%7Bnope', 'application/x-www-form-urlencoded'],
    ['an event callback whose event is null', '{"type":"event_callback","event":null}', 'application/json'],
    ['a block_actions whose channel is null', interactive({ type: 'block_actions', user: { id: 'U1' }, channel: null, actions: [{ action_id: 'papers_more' }] }), 'application/x-www-form-urlencoded'],
    ['a block_actions whose actions are not a list', interactive({ type: 'block_actions', user: { id: 'U1' }, actions: { action_id: 'papers_more' } }), 'application/x-www-form-urlencoded'],
  ])('answers %s with 400, and the server keeps serving', async (_label, body, contentType) => {
    const res = await signedPost(body, contentType);
    expect(res.status).toBe(400);
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    await searchStillWorks();
  });

  it.each([
    ['channel_id', 'channel_id'],
    ['team_id', 'team_id'],
    ['user_id', 'user_id'],
  ])('answers a slash command without %s with 400 and runs nothing', async (_label, field) => {
    const fields = commandFields('subscribe robots', `missing-${field}`);
    delete fields[field];
    const before = ctx.channels.list().length;
    const res = await signedPost(new URLSearchParams(fields).toString());
    expect(res.status).toBe(400);
    expect(res.text).toContain(field);
    await searchStillWorks();
    expect(ctx.channels.list().length).toBe(before);
    expect(fake.callsTo(`response:missing-${field}`)).toHaveLength(0);
  });

  it('refuses a block_actions without a user with 400, and answers nothing', async () => {
    const payload = {
      type: 'block_actions',
      team: { id: 'T1' },
      channel: { id: 'C-hostile' },
      api_app_id: 'A1',
      response_url: fake.responseUrl('no-user'),
      actions: [{ type: 'button', action_id: 'papers_share', block_id: 'b1', value: '2503.00001', action_ts: '1.2' }],
    };
    const res = await signedPost(interactive(payload));
    expect(res.status).toBe(400);
    expect(res.text).toContain('user');
    await searchStillWorks();
    expect(fake.callsTo('response:no-user')).toHaveLength(0);
  });

  it.each([
    ['an unknown action id', { type: 'block_actions', user: { id: 'UALICE' }, team: { id: 'T1' }, actions: [{ type: 'button', action_id: 'someone_elses_button', block_id: 'b', action_ts: '1' }] }],
    ['a view submission', { type: 'view_submission', user: { id: 'UALICE' }, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'modal', state: { values: {} } } }],
    ['a view closed', { type: 'view_closed', user: { id: 'UALICE' }, team: { id: 'T1' }, view: { id: 'V1', callback_id: 'modal' } }],
    ['a global shortcut', { type: 'shortcut', callback_id: 'do_it', user: { id: 'UALICE' }, team: { id: 'T1' }, trigger_id: '1.2' }],
    ['an event we do not subscribe to', { type: 'event_callback', team_id: 'T1', event: { type: 'reaction_added', user: 'U1', item: { type: 'message', channel: 'C1', ts: '1.1' } } }],
    ['a message shortcut', { type: 'message_action', callback_id: 'do_it', user: { id: 'UALICE' }, team: { id: 'T1' }, channel: { id: 'C1' }, message: { ts: '1.1' }, trigger_id: '1.2', response_url: 'http://127.0.0.1:1/x' }],
  ])('acknowledges %s at once with 200', async (_label, payload) => {
    const res = await signedPost(interactive(payload));
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(1500);
  });
});

describe('request body size', () => {
  it('refuses a body over 1 MB with 413 before checking its signature', async () => {
    const body = `text=${'a'.repeat(1024 * 1024 + 10)}`;
    const res = await fetch(url(), {
      method: 'POST',
      headers: { ...signedHeaders('not-the-secret', body), 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(413);
    await searchStillWorks();
  });

  it('refuses a streamed body that grows past 1 MB without a length header with 413', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > 2 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(url(), {
      method: 'POST',
      headers: { ...signedHeaders(SECRET, 'x'), 'content-type': 'application/x-www-form-urlencoded' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    await searchStillWorks();
  });
});
