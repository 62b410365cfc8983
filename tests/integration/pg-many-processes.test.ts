import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedDayAt } from '../../src/core/time.ts';
import { createPgStores } from '../../src/db/pg/pg-stores.ts';
import type { Stores } from '../../src/db/stores.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { IDS, publicKeyHex } from '../fakes/discord-payloads.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { runCli } from '../helpers/cli.ts';
import { freePort } from '../helpers/net.ts';
import { makePaper } from '../helpers/papers.ts';
import { createTestPg } from '../helpers/pg-database.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { waitFor } from './jobs-harness.ts';

const SLACK_CHANNELS = 200;
const DISCORD_CHANNELS = 800;
const prefix = uniquePrefix('pg-many');
const slackToken = 'xoxb-many';
const discordToken = 'discord-many-token';
// Discord in HTTP-interactions mode (a public key): no gateway to log in to.
const discordKey = publicKeyHex(generateKeyPairSync('ed25519').publicKey);
let pg: Awaited<ReturnType<typeof createTestPg>>;
let stores: Stores;
let slack: FakeSlackApi;
const discord = new FakeDiscordApi({ botToken: discordToken });
const children: ChildProcess[] = [];
const slackChannels: string[] = [];
const discordChannels: string[] = [];

function env(): Record<string, string> {
  return {
    DATABASE_URL: pg.url,
    DATABASE_POOL_SIZE: '8',
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    SLACK_BOT_TOKEN: slackToken,
    SLACK_SIGNING_SECRET: 'many-secret',
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: discordToken,
    DISCORD_PUBLIC_KEY: discordKey,
    DISCORD_APPLICATION_ID: IDS.app,
    DISCORD_API_URL: discord.apiUrl,
    BACKFILL_DAYS: '0',
    HF_API_URL: 'http://127.0.0.1:9',
    INGEST_CRON: '0 0 1 1 *',
    JOB_LOCK_MS: '4000',
    LOG_LEVEL: 'info',
  };
}

/** Starts `npm start` (`web`) or `papers worker` on the shared PostgreSQL and Redis; resolves once it says it runs. */
const webPorts: number[] = [];

async function start(kind: 'web' | 'worker'): Promise<ChildProcess> {
  const args = kind === 'web' ? ['--import', 'tsx', 'src/main.ts'] : ['src/cli/bin.mjs', 'worker'];
  const port = await freePort();
  if (kind === 'web') webPorts.push(port);
  const extra = kind === 'web' ? { PORT: String(port) } : {};
  const child = spawn(process.execPath, args, { cwd: process.cwd(), env: { ...process.env, ...env(), ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const ready = kind === 'web' ? 'papers bot running' : 'papers worker running';
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${kind} did not start in 30 s:\n${out}`)), 30_000);
    const take = (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    child.once('exit', (code) => reject(new Error(`${kind} exited early (${code}):\n${out}`)));
  });
  return child;
}

async function sentCount(): Promise<number> {
  const { rows } = await pg.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM deliveries WHERE status = 'sent'`);
  return Number(rows[0]!.n);
}

beforeAll(async () => {
  pg = await createTestPg('many-processes');
  stores = createPgStores(pg.db);
  slack = await FakeSlackApi.start({ botToken: slackToken });
  await discord.start();
  const day = feedDayAt(new Date());
  const papers = Array.from({ length: 6 }, (_, i) => makePaper({ title: `Shared paper ${i}`, upvotes: 60 - i }));
  await stores.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })));
  const schedule = { time: '09:00', cadence: 'daily' as const, weekday: null, timeZone: 'Europe/Berlin' };
  for (let i = 0; i < SLACK_CHANNELS; i++) {
    const channelId = `CMANY${String(i).padStart(5, '0')}`;
    slackChannels.push(channelId);
    await stores.channels.enrol({ platform: 'slack', workspaceId: 'T0001', channelId }, schedule);
  }
  for (let i = 0; i < DISCORD_CHANNELS; i++) {
    const channelId = String(910_000_000_000_000_000n + BigInt(i));
    discordChannels.push(channelId);
    await stores.channels.enrol({ platform: 'discord', workspaceId: '800000000000000001', channelId }, schedule);
  }
}, 60_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all([discord.stop(), slack?.close()]);
  await dropPrefix(prefix);
  await pg?.cleanup();
});

describe('two web and two worker processes on one PostgreSQL and one Redis', () => {
  it("deliver 1,000 channels' digests exactly once while a worker is SIGKILLed mid-run", async () => {
    await start('web');
    await start('web');
    const doomed = await start('worker');
    await start('worker');
    for (const port of webPorts) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await ready.json()).toMatchObject({ checks: { redis: 'ok', database: 'ok' } });
    }

    const triggered = await runCli(['digest', '--run-now'], env());
    expect(triggered.stderr).toBe('');
    expect(triggered.stdout).toContain(`Enqueued ${SLACK_CHANNELS + DISCORD_CHANNELS} digest(s)`);

    const posted = () => slackChannels.filter((c) => slack.messagesIn(c).length > 0).length + discordChannels.filter((c) => discord.messagesIn(c).length > 0).length;
    await waitFor('a fifth of the channels to be posted to', () => posted() >= 200, 60_000);
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    expect(posted()).toBeLessThan(SLACK_CHANNELS + DISCORD_CHANNELS);

    await waitFor('every delivery to be sent', async () => (await sentCount()) === SLACK_CHANNELS + DISCORD_CHANNELS, 150_000, 500);
    const perChannel = [...slackChannels.map((c) => slack.messagesIn(c).length), ...discordChannels.map((c) => discord.messagesIn(c).length)];
    expect(perChannel.filter((n) => n === 0)).toHaveLength(0);
    expect(perChannel.filter((n) => n > 1)).toHaveLength(0);
    const { rows } = await pg.db.pool.query<{ n: number; channels: number }>(`SELECT count(*) AS n, count(DISTINCT channel_id) AS channels FROM deliveries`);
    expect(rows[0]).toEqual({ n: 1000, channels: 1000 });
  }, 240_000);
});
