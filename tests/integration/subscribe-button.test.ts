import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { buttonInteraction, commandInteraction, IDS, PERMS, publicKeyHex, signedHeaders as discordHeaders } from '../fakes/discord-payloads.ts';
import { FakeSlackApi, signedHeaders as slackHeaders, type RecordedCall } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const SECRET = 'subscribe-button-signing-secret';
const logger = silentLogger();
const keys = generateKeyPairSync('ed25519');
const discord = new FakeDiscordApi();
let slack: FakeSlackApi;
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
const servers: { server: HttpServer; adapter: PlatformAdapter }[] = [];
let open: HttpServer;
let adminsOnly: HttpServer;
let discordServer: HttpServer;
let seq = 0;

async function serve(adapter: PlatformAdapter): Promise<HttpServer> {
  await adapter.start();
  const server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger });
  servers.push({ server, adapter });
  return server;
}

function topicsOf(platform: string, workspaceId: string, channelId: string): string[] {
  const channel = ctx.channels.find({ platform, workspaceId, channelId });
  return channel ? ctx.channels.topicQueries(channel.id) : [];
}

/** Posts a signed Slack request and returns what the bot sent to its response_url. */
async function slackRequest(server: HttpServer, fields: Record<string, string>, responseId: string): Promise<RecordedCall> {
  const body = new URLSearchParams(fields).toString();
  const res = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body), body });
  expect(res.status).toBe(200);
  return slack.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
}

function slash(server: HttpServer, text: string, user: string, channel: string): Promise<RecordedCall> {
  const responseId = `cmd-${++seq}`;
  const fields = { team_id: 'T1', channel_id: channel, user_id: user, command: '/papers', text, response_url: slack.responseUrl(responseId), trigger_id: '1.2.3' };
  return slackRequest(server, fields, responseId);
}

function click(server: HttpServer, action: { action_id: string; value: string }, user: string, channel: string): Promise<RecordedCall> {
  const responseId = `click-${++seq}`;
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: user, team_id: 'T1' },
    channel: { id: channel, name: 'papers' },
    api_app_id: 'A1',
    trigger_id: '1.2.3',
    response_url: slack.responseUrl(responseId),
    container: { type: 'message', message_ts: '1.1', is_ephemeral: true },
    actions: [{ type: 'button', block_id: 'b1', action_ts: '1.2', ...action }],
  };
  return slackRequest(server, { payload: JSON.stringify(payload) }, responseId);
}

function subscribeButton(reply: RecordedCall): { action_id: string; value: string; text: { text: string } } | undefined {
  const blocks = reply.body.blocks as { elements?: { action_id: string; value: string; text: { text: string } }[] }[];
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'papers_subscribe');
}

const textOf = (call: RecordedCall) => JSON.stringify(call.body.blocks ?? []) + String(call.body.text ?? '');

async function discordSigned(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`http://127.0.0.1:${discordServer.port}/discord/interactions`, { method: 'POST', headers: discordHeaders(body, keys.privateKey), body });
  expect(res.status).toBe(200);
}

/** The edited original response of a deferred interaction. */
async function discordAnswer(payload: { token: string }): Promise<{ content?: string; components?: { components: { custom_id?: string; label: string }[] }[] }> {
  await discordSigned(payload);
  return (await discord.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${payload.token}/messages/@original$`))).body;
}

beforeAll(async () => {
  await discord.start();
  testDb = createTestDb('subscribe-button');
  const config = loadConfig({ DISCORD_PUBLIC_KEY: publicKeyHex(keys.publicKey), DISCORD_APPLICATION_ID: IDS.app, DISCORD_TOKEN: 'bot-token', DISCORD_API_URL: discord.apiUrl });
  ctx = createContext(config, logger, { db: testDb.db });
  ctx.papers.upsertPage(
    [
      makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', upvotes: 90 }),
      makePaper({ id: '2503.00002', title: 'Scaling laws for diffusion transformers', upvotes: 40 }),
    ],
    [{ paperId: '2503.00001', feedDay: '2025-03-12', rank: 0, upvotes: 90 }],
  );
  slack = await FakeSlackApi.start();
  slack.users.set('UADMIN', { is_admin: true });
  const papers = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  const slackFor = (admins: boolean) =>
    createSlackAdapter({ papers, logger }, { botToken: slack.botToken, signingSecret: SECRET, apiUrl: slack.apiUrl, adminsOnly: admins });
  open = await serve(slackFor(false));
  adminsOnly = await serve(slackFor(true));
  discordServer = await serve(createDiscordAdapter({ papers, logger }, config.discord!));
});

afterAll(async () => {
  for (const { server, adapter } of servers) {
    await server.close();
    await adapter.stop();
  }
  await slack?.close();
  await discord.stop();
  ctx?.close();
  testDb?.cleanup();
});

describe('Subscribe to this search, on Slack', () => {
  it('subscribes the channel to the query when a member who may manage it clicks, confirming as /papers subscribe does', async () => {
    const results = await slash(open, 'search diffusion', 'UALICE', 'C-sub');
    const button = subscribeButton(results)!;
    expect(button.text.text).toBe('Subscribe to this search');
    const confirmation = await click(open, button, 'UALICE', 'C-sub');
    expect(confirmation.body.replace_original).toBe(false);
    expect(textOf(confirmation)).toContain('Added the topic \\"diffusion\\" to this channel.');
    expect(textOf(confirmation)).toContain('This channel is now enrolled for digests');
    expect(topicsOf('slack', 'T1', 'C-sub')).toEqual(['diffusion']);
    const again = await click(open, button, 'UALICE', 'C-sub');
    expect(textOf(again)).toContain('This channel already follows \\"diffusion\\"; nothing changed.');
  });

  it('refuses a member who may not manage the channel with the words of /papers subscribe, changing nothing', async () => {
    const results = await slash(adminsOnly, 'search diffusion', 'UALICE', 'C-admins');
    const refused = await click(adminsOnly, subscribeButton(results)!, 'UALICE', 'C-admins');
    const typed = await slash(adminsOnly, 'subscribe diffusion', 'UALICE', 'C-admins');
    expect(refused.body.text).toBe(typed.body.text);
    expect(String(refused.body.text)).toContain("You can't change this channel's digest settings: nothing was changed.");
    expect(topicsOf('slack', 'T1', 'C-admins')).toEqual([]);
    const admin = await click(adminsOnly, subscribeButton(results)!, 'UADMIN', 'C-admins');
    expect(textOf(admin)).toContain('Added the topic');
    expect(topicsOf('slack', 'T1', 'C-admins')).toEqual(['diffusion']);
  });

  it('offers no button for a search that is no valid topic (over 200 characters), and ignores a forged button value', async () => {
    const results = await slash(open, `search ${Array.from({ length: 25 }, () => 'diffusion').join(' ')}`, 'UALICE', 'C-none');
    expect(textOf(results)).toContain('Diffusion models for protein design');
    expect(subscribeButton(results)).toBeUndefined();
    const before = slack.calls.length;
    const forged = { action_id: 'papers_subscribe', value: JSON.stringify({ c: 'pause', t: '', k: '' }) };
    const body = new URLSearchParams({ payload: JSON.stringify({ type: 'block_actions', team: { id: 'T1' }, user: { id: 'UALICE', team_id: 'T1' }, channel: { id: 'C-forged' }, response_url: slack.responseUrl('forged'), actions: [{ type: 'button', block_id: 'b', action_ts: '1', ...forged }] }) }).toString();
    const res = await fetch(`http://127.0.0.1:${open.port}/slack/events`, { method: 'POST', headers: slackHeaders(SECRET, body), body });
    expect(res.status).toBe(200);
    await slash(open, 'help', 'UALICE', 'C-forged');
    expect(slack.calls.slice(before).some((c) => c.method === 'response:forged')).toBe(false);
    expect(ctx.channels.find({ platform: 'slack', workspaceId: 'T1', channelId: 'C-forged' })).toBeUndefined();
  });
});

describe('Subscribe to this search, on Discord (HTTP interactions)', () => {
  const channelId = '900000000000000031';
  const buttonOf = (message: Awaited<ReturnType<typeof discordAnswer>>) =>
    (message.components ?? []).flatMap((row) => row.components).find((b) => b.label === 'Subscribe to this search');

  it('subscribes the channel for a member with Manage Channels, and refuses one without it as the command does', async () => {
    const results = await discordAnswer(commandInteraction('search', { query: 'protein design' }, { channelId }));
    const button = buttonOf(results)!;
    expect(button.custom_id).toBe('papers:subscribe:protein design');

    const refused = await discordAnswer(buttonInteraction(button.custom_id!, { channelId, permissions: PERMS.member }));
    const typed = await discordAnswer(commandInteraction('subscribe', { topic: 'protein design' }, { channelId, permissions: PERMS.member }));
    expect(refused.content).toBe(typed.content);
    expect(refused.content).toContain('Changing digest settings needs the Manage Channels permission.');
    expect(topicsOf('discord', IDS.guild, channelId)).toEqual([]);

    const done = await discordAnswer(buttonInteraction(button.custom_id!, { channelId, permissions: PERMS.manageChannels }));
    expect(done.content).toContain('Added the topic "protein design" to this channel.');
    expect(topicsOf('discord', IDS.guild, channelId)).toEqual(['protein design']);
  });

  it('offers no button when the topic would not fit a custom id (100 characters), and still shows the results', async () => {
    const long = `diffusion ${'protein '.repeat(11).trim()}`.slice(0, 90);
    const results = await discordAnswer(commandInteraction('search', { query: `${long} OR diffusion` }, { channelId }));
    expect(results.content).toContain('Results for');
    expect(buttonOf(results)).toBeUndefined();
  });
});
