import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execForm, healthcheckCommand, instructions, parseDockerfile, stageEnv } from '../helpers/dockerfile.ts';
import { freePort } from '../helpers/net.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { waitFor } from './jobs-harness.ts';

/**
 * No Docker engine here: the image's start command runs as a plain command from the repository (the image's
 * WORKDIR holds the same layout), with the image's environment and a temporary database in place of the volume.
 */
const runtime = parseDockerfile('Dockerfile').at(-1)!;
const [command, ...args] = execForm(instructions(runtime, 'CMD')[0]!);
const healthcheck = healthcheckCommand(instructions(runtime, 'HEALTHCHECK')[0]!);
const node = (argv: string[]) => (argv[0] === 'node' ? [process.execPath, ...argv.slice(1)] : argv);

const prefix = uniquePrefix('container');
const volume = mkdtempSync(join(tmpdir(), 'papers-container-'));
let port: number;
let stderr = '';
let bot: ReturnType<typeof spawn>;

function runHealthcheck(env: NodeJS.ProcessEnv): number | null {
  const [file, ...rest] = node(healthcheck);
  return spawnSync(file!, rest, { env, timeout: 20_000 }).status;
}

beforeAll(async () => {
  port = await freePort();
  const env = {
    PATH: process.env.PATH,
    ...stageEnv(runtime),
    DATABASE_URL: `file:${join(volume, 'papers.db')}`,
    PORT: String(port),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    // Nothing leaves this machine: a first run's ingest meets a closed port and logs it.
    HF_API_URL: 'http://127.0.0.1:9',
  };
  const [file, ...rest] = node([command!, ...args]);
  bot = spawn(file!, rest, { cwd: process.cwd(), env, stdio: ['ignore', 'ignore', 'pipe'] });
  bot.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  await waitFor('the start command to answer /healthz', () => {
    if (bot.exitCode !== null) throw new Error(`the start command exited ${bot.exitCode}:\n${stderr}`);
    return fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
  }, 60_000, 100);
}, 70_000);

afterAll(async () => {
  if (bot && bot.exitCode === null && bot.signalCode === null) bot.kill('SIGKILL');
  await dropPrefix(prefix);
  rmSync(volume, { recursive: true, force: true });
});

describe("the image's start command, run as a plain command", () => {
  it('serves /healthz, and the image HEALTHCHECK passes against it and fails when nothing answers', async () => {
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(runHealthcheck({ PATH: process.env.PATH, PORT: String(port) })).toBe(0);
    expect(runHealthcheck({ PATH: process.env.PATH, PORT: String(await freePort()) })).toBe(1);
  }, 60_000);

  it('serves /metrics from the running bot, its queues read from Redis', async () => {
    const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    expect(sampleValue(samples, 'papers_queue_jobs', { queue: 'maintenance', state: 'active' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('logs JSON lines (no terminal in a container) and stops on SIGTERM with 0', async () => {
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('http server listening');
    const exited = new Promise<number | null>((resolve) => bot.once('exit', (code) => resolve(code)));
    bot.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});
