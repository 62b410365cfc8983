import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { FakeHfApi } from '../fakes/hf-api.ts';
import { runCli } from '../helpers/cli.ts';
import { testDbPath } from '../helpers/db.ts';

const DAY = '2025-03-17';
const RECORDER = join(process.cwd(), 'tests', 'helpers', 'record-loads.mjs');
const PLATFORM_AND_QUEUE_SDKS = ['discord.js', '@slack/bolt', 'bullmq'];

/** The packages (under node_modules) whose files a process loaded, from the recorder's log. */
function packagesIn(log: string): Set<string> {
  const names = [...log.matchAll(/\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)].map((m) => m[1]!);
  return new Set(names);
}

describe('the papers CLI loads only what a command needs', () => {
  const hf = new FakeHfApi().setDay(DAY, JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[]);
  const dbPath = testDbPath('cli-start-up');
  const logs: string[] = [];
  let env: Record<string, string>;

  /** Runs the binary with the load recorder; returns the result and the packages it loaded. */
  async function runRecorded(args: string[]) {
    const log = `${dbPath}.loads-${logs.length}.txt`;
    logs.push(log);
    const result = await runCli(args, { ...env, RECORD_LOADS_TO: log }, 60_000, ['--import', RECORDER]);
    return { ...result, packages: packagesIn(readFileSync(log, 'utf8')) };
  }

  beforeAll(async () => {
    await hf.start();
    env = { HF_API_URL: hf.url, DATABASE_URL: `file:${dbPath}` };
    const quiet = { out: () => {}, err: () => {}, isTty: false };
    expect(await main(['node', 'papers', 'ingest', '--date', DAY], quiet, { ...env, LOG_LEVEL: 'silent' })).toBe(0);
  });
  afterAll(async () => {
    await hf.stop();
    for (const file of [...databaseFiles(dbPath), ...logs]) rmSync(file, { force: true });
  });

  it('the load recorder sees discord.js, @slack/bolt and bullmq when a process imports them', () => {
    const log = `${dbPath}.loads-control.txt`;
    logs.push(log);
    const body = PLATFORM_AND_QUEUE_SDKS.map((name) => `import '${name}';`).join(' ');
    const child = spawnSync(process.execPath, ['--import', RECORDER, '--input-type=module', '-e', body], { env: { ...process.env, RECORD_LOADS_TO: log }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const packages = packagesIn(readFileSync(log, 'utf8'));
    for (const name of PLATFORM_AND_QUEUE_SDKS) expect(packages).toContain(name);
  });

  it.each([
    ['search', ['search', 'low-rank', 'adaptation']],
    ['show', ['show', '2106.09685']],
    ['channels', ['channels']],
    ['migrate', ['migrate']],
    ['digest --dry-run', ['digest', '--dry-run', '--date', DAY]],
  ])('papers %s runs without loading discord.js, @slack/bolt or bullmq', async (_name, args) => {
    const result = await runRecorded(args);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toBe('');
    for (const name of PLATFORM_AND_QUEUE_SDKS) expect(result.packages).not.toContain(name);
    expect(result.packages).toContain('better-sqlite3');
  });
});
