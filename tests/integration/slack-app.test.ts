import { isValidSlackRequest } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeSlackApi, signedHeaders, slackSignature, type RecordedCall } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';
const logger = silentLogger();

interface Running {
  server: HttpServer;
  stop(): Promise<void>;
}

let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;
let open: Running;
let adminsOnly: Running;
const scheduled: Channel[] = [];
let seq = 0;

async function startApp(options: { adminsOnly: boolean }): Promise<Running> {
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async (c) => void scheduled.push(c) } });
  const adapter = createSlackAdapter(
    { papers: commands, logger },
    { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, adminsOnly: options.adminsOnly },
  );
  await adapter.start();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger });
  return {
    server,
    stop: async () => {
      await server.close();
      await adapter.stop();
    },
  };
}

function commandBody(text: string, fields: { user?: string; channel?: string; responseId: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'test',
    channel_id: fields.channel ?? 'C-general',
    channel_name: 'general',
    user_id: fields.user ?? 'UALICE',
    user_name: 'alice',
    command: '/papers',
    text,
    api_app_id: 'A1',
    response_url: fake.responseUrl(fields.responseId),
    trigger_id: '1.2.3',
  }).toString();
}

async function post(app: Running, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${app.server.port}/slack/events`, { method: 'POST', headers, body });
}

/** Sends a signed slash command and returns the first message posted to its response_url. */
async function slash(text: string, fields: { user?: string; channel?: string; app?: Running } = {}): Promise<{ status: number; reply: RecordedCall }> {
  seq += 1;
  const responseId = `r${seq}`;
  const body = commandBody(text, { ...fields, responseId });
  const res = await post(fields.app ?? open, body, signedHeaders(SECRET, body));
  const reply = await fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  return { status: res.status, reply };
}

/** Clicks a button on one of our ephemeral replies, as Slack posts it: a signed `block_actions` payload. */
async function clickButton(actionId: string, value: string, responseId: string): Promise<{ status: number; reply: RecordedCall }> {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: 'UALICE', team_id: 'T1' },
    channel: { id: 'C-general', name: 'general' },
    api_app_id: 'A1',
    trigger_id: '1.2.3',
    response_url: fake.responseUrl(responseId),
    container: { type: 'message', message_ts: '1.1', is_ephemeral: true },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value, action_ts: '1.2' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await post(open, body, signedHeaders(SECRET, body));
  const reply = await fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  return { status: res.status, reply };
}

function replyText(call: RecordedCall): string {
  return JSON.stringify(call.body.blocks ?? []) + String(call.body.text ?? '');
}

function channelCount(): number {
  return ctx.channels.list().length;
}

beforeAll(async () => {
  testDb = createTestDb('slack-app');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db, clock: { now: () => new Date('2025-03-12T15:00:00Z') } });
  ctx.papers.upsertPage(
    [
      makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', upvotes: 90, publishedAt: '2025-03-10', githubRepo: 'lab/protein-diffusion' }),
      makePaper({ id: '2503.00002', title: 'Scaling laws for diffusion transformers', upvotes: 40, publishedAt: '2025-03-09' }),
      makePaper({ id: '2503.00004', title: 'Reinforcement learning for theorem proving', upvotes: 70, publishedAt: '2025-03-11' }),
      ...Array.from({ length: 7 }, (_, i) =>
        makePaper({ id: `2503.1000${i}`, title: `Sparse autoencoder study ${i}`, abstract: `Sparse autoencoders${' again'.repeat(i)}.`, publishedAt: '2025-03-01' }),
      ),
    ],
    [{ paperId: '2503.00001', feedDay: '2025-03-12', rank: 0, upvotes: 90 }],
  );
  fake = await FakeSlackApi.start();
  fake.users.set('UALICE', { tz: 'Europe/Berlin' });
  fake.users.set('UADMIN', { tz: 'America/New_York', is_admin: true });
  open = await startApp({ adminsOnly: false });
  adminsOnly = await startApp({ adminsOnly: true });
});

afterAll(async () => {
  await open?.stop();
  await adminsOnly?.stop();
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

beforeEach(() => {
  scheduled.length = 0;
});

describe('Slack app over HTTP', () => {
  it('checks the bot token with auth.test at start', () => {
    expect(fake.callsTo('auth.test').length).toBeGreaterThanOrEqual(2);
    expect(fake.callsTo('auth.test')[0]!.authorization).toBe('Bearer xoxb-test-token');
  });

  it('acknowledges a signed /papers search and posts the right papers to the response_url, only for the caller', async () => {
    const { status, reply } = await slash('search diffusion');
    expect(status).toBe(200);
    expect(reply.body.response_type).toBe('ephemeral');
    const text = replyText(reply);
    expect(text).toContain('Diffusion models for protein design');
    expect(text).toContain('Scaling laws for diffusion transformers');
    expect(text).not.toContain('theorem proving');
    expect(text).toContain('https://huggingface.co/papers/2503.00001');
    expect(text).toContain('https://github.com/lab/protein-diffusion');
    expect(text).toContain('Share in channel');
  });

  it('acknowledges a command before doing any work, then answers', async () => {
    const release = fake.hold('users.info');
    try {
      const body = commandBody('search diffusion', { user: 'UHELD', responseId: 'held' });
      const res = await post(open, body, signedHeaders(SECRET, body));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('');
      await fake.waitFor((calls) => calls.some((c) => c.method === 'users.info' && c.body.user === 'UHELD'));
      expect(fake.callsTo('response:held')).toHaveLength(0);
    } finally {
      release();
    }
    const reply = await fake.waitFor((calls) => calls.find((c) => c.method === 'response:held'));
    expect(replyText(reply)).toContain('Diffusion models for protein design');
  });

  it('lists a topic after /papers subscribe, and enrols the channel in the caller\'s Slack time zone', async () => {
    const channel = 'C-subscribe';
    const subscribed = await slash('subscribe "protein design"', { channel });
    expect(replyText(subscribed.reply)).toContain('Added the topic');
    const topics = await slash('topics', { channel });
    expect(replyText(topics.reply)).toContain('1. \\"protein design\\"');
    const stored = ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: channel })!;
    expect(stored.schedule.timeZone).toBe('Europe/Berlin');
    expect(scheduled.map((c) => c.channelId)).toEqual([channel]);
    expect(fake.callsTo('users.info').some((c) => c.body.user === 'UALICE')).toBe(true);
  });

  it('reads entities in the command text as the characters the user typed', async () => {
    const channel = 'C-entities';
    await slash('subscribe robots &amp; &lt;planning&gt;', { channel });
    const stored = ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: channel })!;
    expect(ctx.channels.topics(stored.id).map((t) => t.query)).toEqual(['robots & <planning>']);
  });

  it('sets the layout from /papers settings layout=thread and says what changed', async () => {
    const channel = 'C-layout';
    const { reply } = await slash('settings layout=thread', { channel });
    expect(replyText(reply)).toContain('Layout: digest (one message) -&gt; thread (a header, one reply per paper in its thread).');
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: channel })?.layout).toBe('thread');
  });

  it('shows a bad schedule the right form', async () => {
    const { reply } = await slash('schedule 25:99', { channel: 'C-bad' });
    expect(replyText(reply)).toContain('not a time of day');
    expect(replyText(reply)).toContain('/papers schedule [time]');
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-bad' })).toBeUndefined();
  });

  it('pages on when the More button is clicked', async () => {
    const first = await slash('search sparse autoencoders');
    const blocks = first.reply.body.blocks as { type: string; elements?: { action_id: string; value?: string }[] }[];
    const more = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'papers_more')!;
    expect(more).toBeDefined();
    const { status, reply: page } = await clickButton('papers_more', more.value!, `more-${seq}`);
    expect(status).toBe(200);
    expect(page.body.replace_original).toBe(true);
    expect(replyText(page)).toContain('Papers 6-7 of 7 matching');
  });

  it('shares a paper in the channel when Share in channel is clicked', async () => {
    const { status, reply: shared } = await clickButton('papers_share', '2503.00004', `share-${seq}`);
    expect(status).toBe(200);
    expect(shared.body.response_type).toBe('in_channel');
    expect(replyText(shared)).toContain('<@UALICE> shared a paper');
    expect(replyText(shared)).toContain('Reinforcement learning for theorem proving');
  });
});

describe('request signatures', () => {
  const cases: [string, (body: string) => Record<string, string>][] = [
    ['a forged signature', (body) => ({ ...signedHeaders(SECRET, body), 'x-slack-signature': slackSignature('not-the-secret', Math.floor(Date.now() / 1000), body) })],
    ['a timestamp more than 5 minutes old', (body) => signedHeaders(SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60)],
    ['a timestamp more than 5 minutes ahead', (body) => signedHeaders(SECRET, body, Math.floor(Date.now() / 1000) + 6 * 60)],
    ['missing signature headers', () => ({ 'content-type': 'application/x-www-form-urlencoded' })],
  ];

  it.each(cases)('refuses %s with 401 and changes nothing', async (_label, headersFor) => {
    const before = channelCount();
    const callsBefore = fake.calls.length;
    const body = commandBody('subscribe forged topic', { channel: 'C-forged', user: 'UFORGER', responseId: 'forged' });
    const res = await post(open, body, headersFor(body));
    expect(res.status).toBe(401);
    // A signed request sent afterwards is answered first: proof the refused one queued no work.
    await slash('help');
    expect(channelCount()).toBe(before);
    const after = fake.calls.slice(callsBefore);
    expect(after.some((c) => c.method === 'response:forged' || c.body.user === 'UFORGER')).toBe(false);
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-forged' })).toBeUndefined();
  });

  it('verifies Slack\'s published signing example, and our test signer reproduces it', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const expected = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    expect(slackSignature(secret, 1531420618, body)).toBe(expected);
    const options = { signingSecret: secret, body, headers: { 'x-slack-signature': expected, 'x-slack-request-timestamp': 1531420618 } };
    expect(isValidSlackRequest({ ...options, nowMilliseconds: 1531420618 * 1000 + 1000 })).toBe(true);
    expect(isValidSlackRequest({ ...options, nowMilliseconds: (1531420618 + 6 * 60) * 1000 })).toBe(false);
    expect(isValidSlackRequest({ ...options, signingSecret: 'wrong', nowMilliseconds: 1531420618 * 1000 })).toBe(false);
  });
});

describe('SLACK_ADMINS_ONLY', () => {
  it('refuses a member who is not an admin and changes nothing', async () => {
    const { reply } = await slash('subscribe robotics', { channel: 'C-admins', app: adminsOnly });
    expect(replyText(reply)).toContain('only admins and owners can change digest settings');
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-admins' })).toBeUndefined();
  });

  it('lets a workspace admin change settings, and anyone search', async () => {
    const { reply } = await slash('subscribe robotics', { channel: 'C-admins', user: 'UADMIN', app: adminsOnly });
    expect(replyText(reply)).toContain('Added the topic');
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-admins' })!.schedule.timeZone).toBe('America/New_York');
    const search = await slash('search theorem', { app: adminsOnly });
    expect(replyText(search.reply)).toContain('Reinforcement learning for theorem proving');
  });
});
