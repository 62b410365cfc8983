import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayAt } from '../../src/core/time.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { commandInteraction, IDS, publicKeyHex, signedHeaders as discordHeaders } from '../fakes/discord-payloads.ts';
import { FakeSlackApi, signedHeaders as slackHeaders } from '../fakes/slack-api.ts';
import { freePort } from '../helpers/net.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const SECRET = 'hostile-main-signing-secret';
const SLACK_TOKEN = 'xoxb-hostile-main';
const DISCORD_TOKEN = 'bot-hostile-main';
const keys = generateKeyPairSync('ed25519');
const prefix = uniquePrefix('hostile-main');
const { ctx, dbPath, cleanup } = jobsContext('hostile-main', prefix);
seedDay(ctx, feedDayAt(new Date()), samplePapers());
let slack: FakeSlackApi;
const discord = new FakeDiscordApi({ botToken: DISCORD_TOKEN });
let app: ChildProcess;
let stderr = '';
let port: number;

const base = () => `http://127.0.0.1:${port}`;

async function slackPost(body: string, contentType: string, secret = SECRET): Promise<number> {
  const res = await fetch(`${base()}/slack/events`, { method: 'POST', headers: { ...slackHeaders(secret, body), 'content-type': contentType }, body });
  await res.arrayBuffer();
  return res.status;
}

async function discordPost(body: string): Promise<number> {
  const res = await fetch(`${base()}/discord/interactions`, { method: 'POST', headers: discordHeaders(body, keys.privateKey), body });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  slack = await FakeSlackApi.start({ botToken: SLACK_TOKEN });
  await discord.start();
  port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${dbPath}`,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN,
    DISCORD_PUBLIC_KEY: publicKeyHex(keys.publicKey),
    DISCORD_APPLICATION_ID: IDS.app,
    DISCORD_API_URL: discord.apiUrl,
    LOG_LEVEL: 'warn',
  };
  app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'ignore', 'pipe'] });
  app.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor('npm start to answer /healthz', () => {
    if (app.exitCode !== null) throw new Error(`npm start exited ${app.exitCode}: ${stderr}`);
    return fetch(`${base()}/healthz`).then((r) => r.ok, () => false);
  }, 25_000, 100);
});

afterAll(async () => {
  if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
  await slack.close();
  await discord.stop();
  await dropPrefix(prefix);
  cleanup();
});

describe('npm start under signed requests that carry nonsense', () => {
  it('refuses each with a 4xx and keeps running', async () => {
    const form = 'application/x-www-form-urlencoded';
    const statuses = [
      await slackPost('null', 'application/json'),
      await slackPost('payload=null', form),
      await slackPost('{"type":"event_callback","event":null}', 'application/json'),
      await slackPost(`text=${'a'.repeat(2 * 1024 * 1024)}`, form, 'not-the-secret'),
      await discordPost('null'),
      await discordPost(JSON.stringify({ ...commandInteraction('search'), data: null })),
    ];
    expect(statuses).toEqual([400, 400, 400, 413, 400, 400]);
    expect({ exitCode: app.exitCode, signal: app.signalCode }).toEqual({ exitCode: null, signal: null });
  });

  it('answers /healthz, a real Slack command and a real Discord command afterwards', async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    const command = new URLSearchParams({
      team_id: 'T1',
      channel_id: 'CHOSTILE',
      user_id: 'UALICE',
      command: '/papers',
      text: 'search diffusion',
      response_url: slack.responseUrl('after'),
      trigger_id: '1.2.3',
    }).toString();
    expect(await slackPost(command, 'application/x-www-form-urlencoded')).toBe(200);
    const reply = await slack.waitFor((calls) => calls.find((c) => c.method === 'response:after'), 15_000);
    expect(JSON.stringify(reply.body)).toContain('Diffusion transformers at scale');

    const interaction = commandInteraction('search', { query: 'diffusion' });
    expect(await discordPost(JSON.stringify(interaction))).toBe(200);
    const edit = await discord.waitFor('PATCH', new RegExp(`^/webhooks/${IDS.app}/${interaction.token}/messages/@original$`), 15_000);
    expect(JSON.stringify(edit.body)).toContain('Diffusion transformers at scale');
    expect(stderr).not.toContain('uncaught exception');
    expect(stderr).not.toContain('unhandled promise rejection');
  });
});
