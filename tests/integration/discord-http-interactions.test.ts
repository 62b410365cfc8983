import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  IDS,
  PERMS,
  PING,
  publicKeyHex,
  signedHeaders,
} from '../fakes/discord-payloads.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const keys = generateKeyPairSync('ed25519');
const otherKeys = generateKeyPairSync('ed25519');
const api = new FakeDiscordApi();
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let adapter: PlatformAdapter;
let server: HttpServer;
const requests: CommandRequest[] = [];

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}
const logLines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(...chunk.toString().split('\n').filter(Boolean));
    done();
  },
});
const logged = (): LogLine[] => logLines.map((l) => JSON.parse(l) as LogLine);

async function post(payload: unknown, headers: Record<string, string> | ((body: string) => Record<string, string>)) {
  const body = JSON.stringify(payload);
  const res = await fetch(`http://127.0.0.1:${server.port}/discord/interactions`, {
    method: 'POST',
    headers: typeof headers === 'function' ? headers(body) : headers,
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

const signed = (payload: unknown) => post(payload, (body) => signedHeaders(body, keys.privateKey));

/** The PATCH that completes the deferred response of `interaction`. */
const original = (interaction: { token: string }) => api.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${interaction.token}/messages/@original$`));

function channel() {
  return ctx.channels.find({ platform: 'discord', workspaceId: IDS.guild, channelId: IDS.channel });
}

beforeAll(async () => {
  await api.start();
  testDb = createTestDb('discord-http');
  const config = loadConfig({
    DISCORD_PUBLIC_KEY: publicKeyHex(keys.publicKey),
    DISCORD_APPLICATION_ID: IDS.app,
    DISCORD_TOKEN: 'bot-token',
    DISCORD_API_URL: api.apiUrl,
  });
  ctx = createContext(config, silentLogger(), { db: testDb.db });
  ctx.papers.upsertPage(
    [
      makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', upvotes: 90, thumbnail: 'https://cdn.example/p1.png' }),
      makePaper({ id: '2503.00002', title: 'Scaling laws for diffusion transformers', upvotes: 40 }),
      makePaper({ id: '2503.00004', title: 'Reinforcement learning for theorem proving', upvotes: 70 }),
      ...Array.from({ length: 7 }, (_, i) => makePaper({ id: `2503.1000${i}`, title: `Graph neural network study ${i}`, upvotes: 10 + i })),
    ],
    [],
  );
  const core = createPapersApp({ ctx, schedules: noScheduleSync });
  // The app as the adapter sees it, recording each neutral request it is handed.
  const commands: PapersApp = {
    ...core,
    command: (req: CommandRequest): Promise<CommandReply> => {
      requests.push(req);
      return core.command(req);
    },
  };
  adapter = createDiscordAdapter({ papers: commands, logger: createLogger({ level: 'debug', destination: sink }) }, config.discord!);
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger: silentLogger() });
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await server?.close();
  await api.stop();
  ctx?.close();
  testDb?.cleanup();
});

describe('Discord HTTP interactions', () => {
  it('serves POST /discord/interactions and opens no gateway connection', () => {
    expect(adapter.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /discord/interactions']);
    expect(api.callsTo('GET', /^\/gateway/)).toEqual([]);
  });

  it('answers a signed PING with PONG', async () => {
    expect(await signed(PING)).toEqual({ status: 200, json: { type: 1 } });
  });

  it('defers a signed /papers search ephemerally, then edits the original response with the matching papers', async () => {
    const interaction = commandInteraction('search', { query: 'diffusion' });
    const answer = await signed(interaction);
    expect(answer).toEqual({ status: 200, json: { type: 5, data: { flags: 64 } } });
    const patch = await original(interaction);
    expect(patch.headers.authorization).toBeUndefined();
    const titles = patch.body.embeds.map((e: { title: string }) => e.title);
    expect(titles).toHaveLength(2);
    expect(titles.join('\n')).toContain('Diffusion models for protein design');
    expect(titles.join('\n')).toContain('Scaling laws for diffusion transformers');
    expect(patch.body.content).toContain('Results for "diffusion"');
    expect(patch.body.embeds[0]).toMatchObject({ url: expect.stringMatching(/^https:\/\/huggingface\.co\/papers\/2503\.0000[12]$/) });
    expect(patch.body.components[0].components.map((b: { custom_id: string }) => b.custom_id)).toEqual(
      expect.arrayContaining(['papers:share:2503.00001', 'papers:share:2503.00002']),
    );
    expect(requests.at(-1)).toMatchObject({ platform: 'discord', name: 'search', text: '', options: { query: 'diffusion' }, workspaceId: IDS.guild, channelId: IDS.channel, userId: IDS.user, canManage: false });
  });

  it('refuses a forged signature with 401 and runs nothing', async () => {
    const before = { requests: requests.length, calls: api.calls.length };
    const answer = await post(commandInteraction('search', { query: 'diffusion' }), (body) => signedHeaders(body, otherKeys.privateKey));
    expect(answer.status).toBe(401);
    expect({ requests: requests.length, calls: api.calls.length }).toEqual(before);
  });

  it('refuses a body that differs from the one signed', async () => {
    const headers = signedHeaders(JSON.stringify(PING), keys.privateKey);
    const answer = await post(commandInteraction('pause', {}, { permissions: PERMS.manageChannels }), headers);
    expect(answer.status).toBe(401);
    expect(channel()?.paused ?? false).toBe(false);
  });

  it('refuses stale, future and missing timestamps with 401', async () => {
    const before = requests.length;
    const now = Math.floor(Date.now() / 1000);
    const stale = await post(PING, (body) => signedHeaders(body, keys.privateKey, now - 600));
    const future = await post(PING, (body) => signedHeaders(body, keys.privateKey, now + 600));
    const missing = await post(PING, (body) => {
      const { 'x-signature-timestamp': _ts, ...rest } = signedHeaders(body, keys.privateKey);
      return rest;
    });
    const unsigned = await post(PING, { 'content-type': 'application/json' });
    expect([stale.status, future.status, missing.status, unsigned.status]).toEqual([401, 401, 401, 401]);
    expect(requests.length).toBe(before);
  });

  it('refuses setting changes without Manage Channels, ephemerally, changing nothing', async () => {
    const interaction = commandInteraction('subscribe', { topic: 'diffusion' });
    await signed(interaction);
    const patch = await original(interaction);
    expect(patch.body.content).toContain('Manage Channels');
    const c = channel();
    expect(c ? ctx.channels.topics(c.id) : []).toEqual([]);
  });

  it('lets a member with Manage Channels subscribe, then autocompletes the channel\'s topics for unsubscribe', async () => {
    for (const topic of ['diffusion', 'theorem proving']) {
      const interaction = commandInteraction('subscribe', { topic }, { permissions: PERMS.manageChannels });
      await signed(interaction);
      await original(interaction);
    }
    expect(ctx.channels.topics(channel()!.id).map((t) => t.query)).toEqual(['diffusion', 'theorem proving']);
    const answer = await signed(autocompleteInteraction('unsubscribe', { name: 'topic', value: 'theo' }));
    expect(answer).toEqual({ status: 200, json: { type: 8, data: { choices: [{ name: 'theorem proving', value: 'theorem proving' }] } } });
  });

  it('autocompletes time zones from what was typed', async () => {
    const answer = await signed(autocompleteInteraction('schedule', { name: 'timezone', value: 'berl' }, { time: '09:30' }));
    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe(8);
    expect(answer.json.data.choices[0]).toEqual({ name: 'Europe/Berlin', value: 'Europe/Berlin' });
    expect(answer.json.data.choices.length).toBeLessThanOrEqual(25);
  });

  it('passes typed schedule options to the command core', async () => {
    const interaction = commandInteraction('schedule', { time: '07:15', cadence: 'weekly', weekday: 'mon', timezone: 'Europe/Berlin' }, { permissions: PERMS.manageChannels });
    await signed(interaction);
    const patch = await original(interaction);
    expect(patch.body.content).toContain('Schedule updated');
    expect(requests.at(-1)).toMatchObject({ options: { time: '07:15', cadence: 'weekly', weekday: 'mon', timezone: 'Europe/Berlin' }, canManage: true });
    expect(channel()!.schedule).toEqual({ time: '07:15', cadence: 'weekly', weekday: 1, timeZone: 'Europe/Berlin' });
  });

  it('sets the layout from the typed layout option and says what changed', async () => {
    const interaction = commandInteraction('settings', { layout: 'thread' }, { permissions: PERMS.manageChannels });
    await signed(interaction);
    const patch = await original(interaction);
    expect(patch.body.content).toContain('Layout: digest (one message) -> thread (a header, one reply per paper in its thread).');
    expect(channel()!.layout).toBe('thread');
  });

  it('shows bad input ephemerally with the right form', async () => {
    const interaction = commandInteraction('schedule', { time: '25:99' }, { permissions: PERMS.manageChannels });
    expect(await signed(interaction)).toEqual({ status: 200, json: { type: 5, data: { flags: 64 } } });
    const patch = await original(interaction);
    expect(patch.body.content).toContain('is not a time of day');
    expect(patch.body.content).toContain('/papers schedule time:09:00');
  });

  it('pages search results with the More button', async () => {
    const first = commandInteraction('search', { query: 'graph' });
    await signed(first);
    const page1 = await original(first);
    expect(page1.body.embeds).toHaveLength(5);
    const moreButton = page1.body.components.at(-1).components[0];
    expect(moreButton).toMatchObject({ label: 'More results', custom_id: 'papers:more:search:5:graph' });
    const click = buttonInteraction(moreButton.custom_id);
    expect(await signed(click)).toEqual({ status: 200, json: { type: 5, data: { flags: 64 } } });
    const page2 = await original(click);
    expect(page2.body.embeds).toHaveLength(2);
    expect(requests.at(-1)).toMatchObject({ name: 'search', text: 'graph', cursor: '5' });
  });

  it('sends a reply longer than one message as the edited original plus ephemeral follow-ups', async () => {
    const channelId = '900000000000000077';
    const { channel: c } = ctx.channels.enrol({ platform: 'discord', workspaceId: IDS.guild, channelId }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    const topics = Array.from({ length: 14 }, (_, i) => `topic ${i} ${'about graph neural networks '.repeat(6).trim()}`);
    for (const topic of topics) ctx.channels.addTopic(c.id, topic);
    const interaction = commandInteraction('topics', {}, { channelId });
    await signed(interaction);
    const patch = await original(interaction);
    const followUpPath = new RegExp(`^/webhooks/${IDS.app}/${interaction.token}$`);
    const lastTopic = topics.at(-1)!;
    const followUps = await api.waitUntil(() => {
      const calls = api.callsTo('POST', followUpPath);
      return calls.some((c) => String(c.body.content).includes(lastTopic)) ? calls : undefined;
    }, 'follow-up with the last topic');
    expect(followUps.length).toBeGreaterThanOrEqual(1);
    expect(followUps.every((f) => f.body.flags === 64)).toBe(true);
    const shown = [patch, ...followUps].map((m) => m.body.content as string);
    expect(shown.every((text) => text.length <= 2000)).toBe(true);
    for (const topic of topics) expect(shown.join('\n')).toContain(topic);
  });

  it('shares a paper in the channel from the Share button', async () => {
    const answer = await signed(buttonInteraction('papers:share:2503.00004'));
    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe(4);
    expect(answer.json.data.flags).toBeUndefined();
    expect(answer.json.data.content).toBe(`<@${IDS.user}> shared a paper:`);
    expect(answer.json.data.allowed_mentions).toEqual({ parse: [] });
    expect(answer.json.data.embeds[0].title).toBe('Reinforcement learning for theorem proving');
  });
});

/** Posts a signed raw body (not necessarily an object). */
async function signedRaw(body: string) {
  const res = await fetch(`http://127.0.0.1:${server.port}/discord/interactions`, { method: 'POST', headers: signedHeaders(body, keys.privateKey), body });
  return { status: res.status, text: await res.text() };
}

function without(payload: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const copy = structuredClone(payload);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path.at(-1)!];
  return copy;
}

function withField(payload: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(payload);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

describe('malformed but signed interactions', () => {
  const search = () => commandInteraction('search', { query: 'diffusion' });
  const cases: [string, () => unknown, string][] = [
    ['a body of null', () => null, 'interaction'],
    ['a JSON array', () => [1, 2], 'interaction'],
    ['a type that is not a number', () => withField(search(), ['type'], 'two'), 'type'],
    ['a command without data', () => without(search(), ['data']), 'data'],
    ['a command whose data is null', () => withField(search(), ['data'], null), 'data'],
    ['a command whose options are not a list', () => withField(search(), ['data', 'options'], { name: 'search' }), 'options'],
    ['a subcommand whose options are not a list', () => withField(search(), ['data', 'options'], [{ type: 1, name: 'search', options: 'diffusion' }]), 'options'],
    ['a member without a user', () => without(search(), ['member', 'user']), 'member.user'],
    ['a button whose custom_id is a number', () => withField(buttonInteraction('papers:share:2503.00004'), ['data', 'custom_id'], 42), 'custom_id'],
    ['a button whose custom_id is null', () => withField(buttonInteraction('papers:share:2503.00004'), ['data', 'custom_id'], null), 'custom_id'],
    ['an autocomplete without data', () => without(autocompleteInteraction('schedule', { name: 'timezone', value: 'berl' }), ['data']), 'data'],
    ['an interaction without a token', () => without(search(), ['token']), 'token'],
  ];

  it.each(cases)('answers %s with 400 naming the problem, logs it at info without a stack, and runs nothing', async (_label, payload, field) => {
    const before = { requests: requests.length, calls: api.calls.length, lines: logLines.length };
    const answer = await signedRaw(JSON.stringify(payload()));
    expect(answer.status).toBe(400);
    const error = (JSON.parse(answer.text) as { error: string }).error;
    expect(error).toMatch(/^malformed interaction: /);
    expect(error).toContain(field);
    expect(answer.text).not.toMatch(/\bat .+:\d+:\d+/);
    const lines = logged().slice(before.lines);
    expect(lines.map((l) => [l.level, l.msg])).toEqual([[30, 'discord interaction refused: malformed payload']]);
    expect(JSON.stringify(lines)).not.toContain('stack');
    expect({ requests: requests.length, calls: api.calls.length }).toEqual({ requests: before.requests, calls: before.calls });
  });

  it('still answers a real command after all of them', async () => {
    const interaction = commandInteraction('search', { query: 'theorem' });
    expect(await signed(interaction)).toEqual({ status: 200, json: { type: 5, data: { flags: 64 } } });
    expect((await original(interaction)).body.embeds[0].title).toContain('Reinforcement learning for theorem proving');
  });

  it('refuses a body over 1 MB with 413', async () => {
    const answer = await signedRaw(JSON.stringify({ ...PING, padding: 'x'.repeat(1024 * 1024) }));
    expect(answer.status).toBe(413);
  });
});

describe('interaction tokens in logs', () => {
  const failureLine = async (token: string) => {
    const line = await api.waitUntil(() => logged().find((l) => l.msg === 'discord interaction failed' && JSON.stringify(l).includes('[redacted]')), 'the failure log line');
    expect(logLines.some((l) => l.includes(token))).toBe(false);
    return line;
  };

  it('logs a failed edit of the deferred response without the interaction token', async () => {
    const interaction = commandInteraction('search', { query: 'diffusion' }, { token: 'secret-interaction-token-edit-0123456789' });
    api.errorNext('PATCH', /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, 404, 10015, 'Unknown Webhook');
    await signed(interaction);
    await original(interaction);
    const line = await failureLine(interaction.token);
    expect(JSON.stringify(line)).toContain(`/webhooks/${IDS.app}/[redacted]/messages/`);
  });

  it('logs a failed follow-up without the interaction token', async () => {
    const channelId = '900000000000000088';
    const { channel: c } = ctx.channels.enrol({ platform: 'discord', workspaceId: IDS.guild, channelId }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    for (let i = 0; i < 14; i += 1) ctx.channels.addTopic(c.id, `topic ${i} ${'about graph neural networks '.repeat(6).trim()}`);
    const interaction = commandInteraction('topics', {}, { channelId, token: 'secret-interaction-token-follow-0123456789' });
    const followUpPath = new RegExp(`^/webhooks/${IDS.app}/${interaction.token}$`);
    api.errorNext('POST', followUpPath, 400, 50035, 'Invalid Form Body');
    logLines.length = 0;
    await signed(interaction);
    await api.waitFor('POST', followUpPath);
    const line = await failureLine(interaction.token);
    expect(JSON.stringify(line)).toContain(`/webhooks/${IDS.app}/[redacted]`);
  });
});
