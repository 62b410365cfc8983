import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { runCli } from '../helpers/cli.ts';
import { testDbPath } from '../helpers/db.ts';

const RECORDER = join(process.cwd(), 'tests', 'helpers', 'record-loads.mjs');
const dbPath = testDbPath('log-format-cli');
const logs: string[] = [];

/** `papers search diffusion` on an empty database with readable logs forced, and the files it loaded. */
async function search(env: Record<string, string>): Promise<{ stderr: string; loaded: string }> {
  const log = `${dbPath}.loads-${logs.length}.txt`;
  logs.push(log);
  const result = await runCli(['search', 'diffusion'], { DATABASE_URL: `file:${dbPath}`, LOG_FORMAT: 'pretty', RECORD_LOADS_TO: log, ...env }, 60_000, ['--import', RECORDER]);
  expect(result.code).toBe(0);
  return { stderr: result.stderr, loaded: readFileSync(log, 'utf8') };
}

afterAll(() => {
  for (const file of [...databaseFiles(dbPath), ...logs]) rmSync(file, { force: true });
});

describe('readable logs cost a command that logs nothing nothing', () => {
  it('loads pino-pretty on the first line a command logs', async () => {
    // Hugging Face's search on a closed port: the CLI logs a warning.
    const { stderr, loaded } = await search({ HF_API_URL: 'http://127.0.0.1:9', HF_SEARCH_WHEN_FEWER_THAN: '3' });
    expect(stderr).toMatch(/^\[\d{4}-\d{2}-\d{2} [\d:.]+\] WARN: Hugging Face search failed; local results only/m);
    expect(loaded).toContain('/node_modules/pino-pretty/');
  }, 90_000);

  it('never loads pino-pretty, nor prom-client, in a command that logs nothing', async () => {
    const { stderr, loaded } = await search({ HF_SEARCH_WHEN_FEWER_THAN: '0' });
    expect(stderr).not.toMatch(/WARN|INFO|"level"/);
    // From the sources pino loads from node_modules; from the build's bundle it is inside a chunk.
    expect(loaded).toMatch(/\/node_modules\/pino\/|\/dist\/src\/cli-bundle\//);
    expect(loaded).not.toContain('/node_modules/pino-pretty/');
    expect(loaded).not.toContain('/node_modules/prom-client/');
    // A bundled prom-client would sit in a chunk: none of the loaded ones carries its default metrics.
    const ownFiles = loaded.split('\n').filter((u) => u.startsWith('file://') && !u.includes('/node_modules/'));
    expect(ownFiles.filter((u) => readFileSync(new URL(u), 'utf8').includes('process_cpu_user_seconds_total'))).toEqual([]);
  }, 90_000);
});
