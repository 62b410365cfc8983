import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../adapters/discord/discord-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { noScheduleSync } from '../../src/core/ports.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeDiscordGateway } from '../fakes/discord-gateway.ts';
import { autocompleteInteraction, commandInteraction, IDS, PERMS } from '../fakes/discord-payloads.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const api = new FakeDiscordApi({ botToken: 'gateway-bot-token' });
const gateway = new FakeDiscordGateway({ applicationId: IDS.app, userId: '900000000000000099' });
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let adapter: PlatformAdapter;

const callback = (interaction: { id: string; token: string }) => api.waitFor('POST', new RegExp(`^/interactions/${interaction.id}/${interaction.token}/callback$`));
const original = (interaction: { token: string }) => api.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${interaction.token}/messages/@original$`));

beforeAll(async () => {
  await api.start();
  await gateway.start();
  api.gatewayUrl = gateway.url;
  testDb = createTestDb('discord-gateway');
  const config = loadConfig({ DISCORD_TOKEN: 'gateway-bot-token', DISCORD_APPLICATION_ID: IDS.app, DISCORD_API_URL: api.apiUrl });
  ctx = createContext(config, silentLogger(), { db: testDb.db });
  ctx.papers.upsertPage([makePaper({ id: '2503.00001', title: 'Diffusion models for protein design' }), makePaper({ id: '2503.00004', title: 'Theorem proving with RL' })], []);
  adapter = createDiscordAdapter({ papers: createPapersApp({ ctx, schedules: noScheduleSync }), logger: silentLogger() }, config.discord!);
  await adapter.start();
});

afterAll(async () => {
  await adapter?.stop();
  await gateway.stop();
  await api.stop();
  ctx?.close();
  testDb?.cleanup();
});

describe('Discord gateway mode (a real discord.js Client against a fake gateway)', () => {
  it('finds the gateway through GET /gateway/bot and identifies with the Guilds and GuildMessageReactions intents (no privileged one)', async () => {
    await gateway.whenIdentified();
    expect(adapter.routes).toEqual([]);
    expect(api.callsTo('GET', /^\/gateway\/bot$/)[0]!.headers.authorization).toBe('Bot gateway-bot-token');
    expect(gateway.identifies).toHaveLength(1);
    expect(gateway.identifies[0]).toMatchObject({ token: 'gateway-bot-token', intents: 1 | (1 << 10) });
  });

  it('defers a /papers search before any work, then edits the reply with the matching papers', async () => {
    const interaction = commandInteraction('search', { query: 'diffusion' });
    gateway.dispatch('INTERACTION_CREATE', interaction);
    const deferred = await callback(interaction);
    expect(deferred.body).toEqual({ type: 5, data: { flags: 64 } });
    const patch = await original(interaction);
    expect(patch.body.embeds.map((e: { title: string }) => e.title)).toEqual(['1. Diffusion models for protein design']);
    expect(patch.body.content).toContain('Results for "diffusion"');
    const deferIndex = api.calls.indexOf(deferred);
    expect(api.calls.indexOf(patch)).toBeGreaterThan(deferIndex);
  });

  it('reads Manage Channels from the member permissions', async () => {
    const refused = commandInteraction('subscribe', { topic: 'diffusion' }, { permissions: PERMS.member });
    gateway.dispatch('INTERACTION_CREATE', refused);
    expect((await original(refused)).body.content).toContain('Manage Channels');
    const allowed = commandInteraction('subscribe', { topic: 'diffusion' }, { permissions: PERMS.manageChannels });
    gateway.dispatch('INTERACTION_CREATE', allowed);
    expect((await original(allowed)).body.content).toContain('diffusion');
    const channel = ctx.channels.find({ platform: 'discord', workspaceId: IDS.guild, channelId: IDS.channel })!;
    expect(ctx.channels.topics(channel.id).map((t) => t.query)).toEqual(['diffusion']);
  });

  it('answers autocomplete with the channel\'s topics', async () => {
    const interaction = autocompleteInteraction('unsubscribe', { name: 'topic', value: 'diff' });
    gateway.dispatch('INTERACTION_CREATE', interaction);
    const answer = await callback(interaction);
    expect(answer.body).toEqual({ type: 8, data: { choices: [{ name: 'diffusion', value: 'diffusion' }] } });
  });
});
