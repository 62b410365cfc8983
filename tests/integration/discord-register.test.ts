import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandDefinitions } from '../../adapters/discord/command-definitions.ts';
import { main } from '../../src/cli/main.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';

const APP = '900000000000000001';
const api = new FakeDiscordApi();

function cli(args: string[], env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), isTty: false };
  return main(['node', 'papers', ...args], io, { LOG_LEVEL: 'silent', ...env }).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

const discordEnv = () => ({ DISCORD_TOKEN: 'bot-token', DISCORD_APPLICATION_ID: APP, DISCORD_API_URL: api.apiUrl });

type Option = { name: string; type: number; required?: boolean; autocomplete?: boolean; choices?: { value: string }[]; options?: Option[] };

beforeAll(async () => {
  await api.start();
});

afterAll(async () => {
  await api.stop();
});

describe('papers discord register', () => {
  it('bulk-overwrites the full /papers command tree globally with the bot token', async () => {
    const result = await cli(['discord', 'register'], discordEnv());
    expect(result).toMatchObject({ code: 0 });
    expect(result.out).toContain('Registered /papers globally');
    const [call] = api.callsTo('PUT', new RegExp(`^/applications/${APP}/commands$`));
    expect(call!.headers.authorization).toBe('Bot bot-token');
    expect(call!.body).toEqual(JSON.parse(JSON.stringify(commandDefinitions())));
    const [papers] = call!.body as { name: string; options: Option[] }[];
    expect(papers!.name).toBe('papers');
    const subs = Object.fromEntries(papers!.options.map((o) => [o.name, o]));
    expect(Object.keys(subs)).toEqual(['search', 'similar', 'today', 'subscribe', 'unsubscribe', 'topics', 'schedule', 'settings', 'pause', 'resume', 'follow', 'following', 'unfollow', 'saved', 'why', 'taste', 'help']);
    expect(subs.follow!.options!.map((o) => [o.name, o.required ?? false])).toEqual([['topic', false], ['time', false], ['timezone', false]]);
    expect(subs.unfollow!.options![0]).toMatchObject({ name: 'topic', required: true });
    expect(papers!.options.every((o) => o.type === 1)).toBe(true);
    expect(subs.search!.options).toEqual([expect.objectContaining({ name: 'query', type: 3, required: true })]);
    expect(subs.unsubscribe!.options![0]).toMatchObject({ name: 'topic', autocomplete: true });
    const schedule = Object.fromEntries(subs.schedule!.options!.map((o) => [o.name, o]));
    expect(schedule.cadence!.choices!.map((c) => c.value)).toEqual(['daily', 'weekdays', 'weekly']);
    expect(schedule.weekday!.choices!.map((c) => c.value)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(schedule.timezone).toMatchObject({ autocomplete: true });
    const settings = Object.fromEntries(subs.settings!.options!.map((o) => [o.name, o]));
    expect(settings.top).toMatchObject({ type: 4, min_value: 1, max_value: 10 });
    expect(settings.min_upvotes).toMatchObject({ type: 4, min_value: 0 });
    expect(settings.empty!.choices!.map((c) => c.value)).toEqual(['skip', 'notice']);
    expect(subs.why!.options).toEqual([expect.objectContaining({ name: 'id', type: 3, required: true })]);
    expect(subs.taste!.options).toEqual([expect.objectContaining({ name: 'reset', type: 5 })]);
  });

  it('registers in one guild with --guild', async () => {
    const result = await cli(['discord', 'register', '--guild', '123456789012345678'], discordEnv());
    expect(result.code).toBe(0);
    expect(result.out).toContain('in guild 123456789012345678');
    const [call] = api.callsTo('PUT', new RegExp(`^/applications/${APP}/guilds/123456789012345678/commands$`));
    expect(call!.body).toEqual(JSON.parse(JSON.stringify(commandDefinitions())));
  });

  it('explains what is missing when the token or application id is not set', async () => {
    const before = api.calls.length;
    const result = await cli(['discord', 'register'], { DISCORD_TOKEN: 'bot-token', DISCORD_API_URL: api.apiUrl });
    expect(result.code).toBe(2);
    expect(result.err).toContain('DISCORD_APPLICATION_ID');
    expect(api.calls.length).toBe(before);
  });

  it('reports a refusal from Discord as a failure', async () => {
    api.errorNext('PUT', /\/commands$/, 401, 0, '401: Unauthorized');
    const result = await cli(['discord', 'register'], discordEnv());
    expect(result.code).toBe(1);
    expect(result.err).toContain('Unauthorized');
  });
});
