import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHfApi } from '../fakes/hf-api.ts';

const DAY = '2025-03-17';
const RECORDER = join(process.cwd(), 'tests', 'helpers', 'record-loads.mjs');
/** What `npm run build` and the launchers need: a checkout without tests, node_modules shared. */
const CHECKOUT = ['src', 'adapters', 'jobs', 'drizzle', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  loaded: string[];
}

describe('the compiled build (npm run build, run by npm prepare)', () => {
  const hf = new FakeHfApi().setDay(DAY, JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[]);
  const root = join(process.cwd(), 'tests', '.tmp', `build-${randomUUID()}`);
  let runs = 0;

  /** Runs `entry` (relative to the copy) with the load recorder; `loaded` lists the copy's own files it loaded. */
  function run(entry: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
    const log = join(root, `loads-${runs++}.txt`);
    const childEnv = { ...process.env, LOG_LEVEL: 'warn', HF_API_URL: hf.url, DATABASE_URL: `file:${join(root, 'papers.db')}`, RECORD_LOADS_TO: log, ...env };
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', RECORDER, join(root, entry), ...args], { cwd: root, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        const urls = readFileSync(log, 'utf8').split('\n');
        const loaded = [...new Set(urls.filter((u) => u.startsWith(`file://${root}/`)).map((u) => u.slice(`file://${root}/`.length)))];
        resolve({ code, stdout, stderr, loaded });
      });
    });
  }

  beforeAll(async () => {
    await hf.start();
    mkdirSync(root, { recursive: true });
    for (const name of CHECKOUT) cpSync(name, join(root, name), { recursive: true, preserveTimestamps: true });
    symlinkSync(join(process.cwd(), 'node_modules'), join(root, 'node_modules'));
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'pipe' });
  }, 120_000);
  afterAll(async () => {
    await hf.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('papers runs its bundle from dist/ without tsx: migrates a new database, backfills on the indexing thread, and searches', async () => {
    const ingest = await run('src/cli/bin.mjs', ['ingest', '--from', DAY, '--to', DAY]);
    expect(ingest.stderr).not.toMatch(/error|papers:/i);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('18 papers listed');
    // The thread (execArgv [], so unrecorded) indexes what search then finds; a thread that failed to load fails the ingest.
    expect(ingest.loaded).toContain('dist/src/db/background-indexer.js');
    const search = await run('src/cli/bin.mjs', ['search', 'low-rank', 'adaptation', '--json', '--limit', '1']);
    expect(search.code).toBe(0);
    expect((JSON.parse(search.stdout) as { id: string }[])[0]!.id).toBe('2106.09685');
    // The bundle's chunks only (cli-start-up.test.ts checks that no chat SDK or queue library loads).
    expect(search.loaded.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/src/cli-bundle/'))).toEqual([]);
    for (const r of [ingest, search]) {
      expect(r.loaded).toContain('dist/src/cli-bundle/main.js');
      expect(r.loaded.filter((f) => f.endsWith('.ts'))).toEqual([]);
      expect(r.loaded.filter((f) => f.includes('node_modules/tsx/'))).toEqual([]);
    }
  });

  it('npm start runs dist/src/main.js as the main module (a bad setting is refused with exit code 2)', async () => {
    const start = await run('src/start.mjs', [], { PORT: 'not-a-port' });
    expect(start.code).toBe(2);
    expect(start.stderr).toContain('PORT');
    expect(start.loaded).toContain('dist/src/main.js');
  });

  it('after a source file changes, papers runs the sources through tsx, never the stale build', async () => {
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'cli', 'commands', 'migrate.ts'), later, later);
    const migrate = await run('src/cli/bin.mjs', ['migrate']);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain('Database is up to date');
    expect(migrate.loaded).toContain('src/cli/main.ts');
    expect(migrate.loaded.filter((f) => f.startsWith('dist/'))).toEqual([]);
  });
});
