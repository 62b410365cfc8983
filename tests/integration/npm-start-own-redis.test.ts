import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertRedisReachable } from '../../jobs/redis-connection.ts';
import { main as cliMain } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { feedDayAt } from '../../src/core/time.ts';
import { openDb } from '../../src/db/client.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi, signedHeaders } from '../fakes/slack-api.ts';
import { freePort } from '../helpers/net.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const SECRET = 'own-redis-signing-secret';
const prefix = uniquePrefix('own-redis');
const root = mkdtempSync(join(tmpdir(), 'papers-own-redis-'));
const dbPath = join(root, 'papers.db');
const ctx = createContext(loadConfig({ DATABASE_URL: `file:${dbPath}`, LOG_LEVEL: 'silent' }), silentLogger(), { db: openDb(dbPath, { migrate: true }) });
seedDay(ctx, feedDayAt(new Date()), samplePapers());
let slack: FakeSlackApi;
const started: { kill(signal: NodeJS.Signals): void; exited: () => boolean }[] = [];
const strayPids: number[] = [];

/** `npm start` as a child process: the env has no REDIS_URL unless `overrides` sets one. */
function npmStart(overrides: NodeJS.ProcessEnv) {
  const env: NodeJS.ProcessEnv = { ...process.env, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', DISCORD_TOKEN: '', DISCORD_PUBLIC_KEY: '', ...overrides };
  if (!('REDIS_URL' in overrides)) delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  started.push({ kill: (signal) => child.kill(signal), exited: () => child.exitCode !== null || child.signalCode !== null });
  return { child, exit, stderr: () => stderr };
}

const logLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
const answers = (url: string) => assertRedisReachable(url, 500).then(() => true, () => false);
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  slack = await FakeSlackApi.start();
});

afterAll(async () => {
  for (const app of started) if (!app.exited()) app.kill('SIGKILL');
  for (const pid of strayPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await slack.close();
  await dropPrefix(prefix);
  ctx.close();
  rmSync(root, { recursive: true, force: true });
});

describe('npm start brings its own Redis only when REDIS_URL is unset and nothing answers', () => {
  it('starts its own redis-server, delivers a digest through it, and SIGTERM stops both', async () => {
    const redisPort = await freePort();
    const httpPort = await freePort();
    const env = { DATABASE_URL: `file:${dbPath}`, LOCAL_REDIS_PORT: String(redisPort) };
    const app = npmStart({ ...env, PORT: String(httpPort), SLACK_BOT_TOKEN: slack.botToken, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: slack.apiUrl });
    await waitFor('npm start to answer /healthz', () => {
      if (app.child.exitCode !== null) throw new Error(`npm start exited ${app.child.exitCode}:\n${app.stderr()}`);
      return fetch(`http://127.0.0.1:${httpPort}/healthz`).then((r) => r.ok, () => false);
    }, 25_000, 50);

    const notice = logLines(app.stderr()).filter((l) => String(l.msg).includes('private redis-server'));
    expect(notice).toHaveLength(1);
    expect(notice[0]!.msg).toContain('REDIS_URL');
    const url = `redis://127.0.0.1:${redisPort}`;
    expect(notice[0]).toMatchObject({ url, dir: join(root, 'redis') });
    const pid = notice[0]!.pid as number;
    strayPids.push(pid);
    const own = new Redis(url);
    try {
      expect(await own.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await own.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
      expect(existsSync(join(root, 'redis', 'appendonlydir'))).toBe(true);

      const body = new URLSearchParams({ team_id: 'T1', channel_id: 'COWN1', user_id: 'UALICE', command: '/papers', text: 'subscribe diffusion', response_url: slack.responseUrl('subscribe'), trigger_id: '1.2.3' }).toString();
      expect((await fetch(`http://127.0.0.1:${httpPort}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body), body })).status).toBe(200);
      await slack.waitFor((calls) => calls.find((c) => c.method === 'response:subscribe'));
      let out = '';
      const io = { out: (t: string) => void (out += `${t}\n`), err: () => {}, isTty: false };
      expect(await cliMain(['node', 'papers', 'digest', '--run-now'], io, { ...env, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' })).toBe(0);
      expect(out).toContain('Enqueued 1 digest');
      const post = await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'COWN1'), 10_000);
      expect(JSON.stringify(post.body.blocks)).toContain('Diffusion transformers at scale');
      expect((await own.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
    } finally {
      own.disconnect();
    }
    const shared = new Redis(TEST_REDIS_URL);
    try {
      expect(await shared.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      shared.disconnect();
    }

    app.child.kill('SIGTERM');
    expect(await app.exit).toBe(0);
    await waitFor('the redis-server child to be gone', () => !alive(pid), 5_000);
    expect(await answers(url)).toBe(false);
  });

  it('with REDIS_URL set to a dead address, fails with the one line and starts nothing', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    const redisPort = await freePort();
    const dir = join(root, 'with-redis-url');
    mkdirSync(dir);
    const app = npmStart({ DATABASE_URL: `file:${join(dir, 'papers.db')}`, REDIS_URL: dead, LOCAL_REDIS_PORT: String(redisPort), PORT: '0' });
    expect(await app.exit).toBe(1);
    const lines = app.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Cannot reach Redis at ${dead} \\(REDIS_URL\\): `));
    expect(existsSync(join(dir, 'redis'))).toBe(false);
    expect(await answers(`redis://127.0.0.1:${redisPort}`)).toBe(false);
  });

  it('says how to get redis-server (Debian/Ubuntu, macOS, Docker) when none is on the PATH', async () => {
    const dir = join(root, 'no-binary');
    mkdirSync(join(dir, 'empty-path'), { recursive: true });
    const redisPort = await freePort();
    const app = npmStart({ DATABASE_URL: `file:${join(dir, 'papers.db')}`, LOCAL_REDIS_PORT: String(redisPort), PORT: '0', PATH: join(dir, 'empty-path') });
    expect(await app.exit).toBe(1);
    const lines = app.stderr().trim().split('\n');
    expect(lines[0]).toBe(`No Redis answers at redis://127.0.0.1:${redisPort} and redis-server is not on the PATH, so the bot cannot start its own. Install it, or set REDIS_URL to a Redis you run:`);
    expect(lines.slice(1)).toEqual([expect.stringMatching(/^ {2}Debian\/Ubuntu: +sudo apt-get install redis-server$/), expect.stringMatching(/^ {2}macOS: +brew install redis$/), expect.stringMatching(/^ {2}Docker: +docker run .*redis/)]);
    expect(existsSync(join(dir, 'redis'))).toBe(false);
  });
});
