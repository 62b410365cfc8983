import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyTestPg } from '../helpers/pg-database.ts';

const BIN = join(process.cwd(), 'src', 'cli', 'bin.mjs');
const cwd = mkdtempSync(join(tmpdir(), 'papers-dburl-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function papers(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' }, encoding: 'utf8', timeout: 60_000 });
}

describe('papers migrate and DATABASE_URL', () => {
  it('refuses a database kind it does not know with one line naming the accepted forms, and creates nothing', () => {
    const result = papers(['migrate'], 'mysql://host/db');
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('up to date');
    const line = result.stderr.split('\n').find((l) => l.includes('DATABASE_URL'));
    expect(line).toContain('"mysql:" databases are not supported, only SQLite and PostgreSQL');
    expect(line).toContain('file:./data/papers.db');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('says in one line that PostgreSQL cannot be reached, naming DATABASE_URL without its password, and creates no SQLite file', () => {
    const result = papers(['migrate'], 'postgres://papers:hunter2-secret@127.0.0.1:1/papers');
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL=postgres://papers:***@127.0.0.1:1/papers');
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(result.stderr).not.toContain('hunter2-secret');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('names DATABASE_URL in one line when its PostgreSQL cannot be reached, and never falls back to a SQLite file', () => {
    const result = papers(['channels'], 'postgres://postgres:secret@127.0.0.1:1/papers');
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('Cannot reach PostgreSQL at DATABASE_URL=postgres://postgres:***@127.0.0.1:1/papers');
    expect(result.stderr).toContain('ECONNREFUSED');
    expect(result.stderr).not.toContain('secret');
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('papers migrate on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createEmptyTestPg>>;
  beforeAll(async () => {
    database = await createEmptyTestPg('cli-migrate');
  });
  afterAll(() => database?.drop());

  it('creates the schema on an empty database, and a second run finds it up to date', async () => {
    const first = papers(['migrate'], database.url);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Database is up to date: postgres://');
    expect(papers(['migrate'], database.url).status).toBe(0);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const tables = await client.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('papers', 'channels', 'deliveries')");
    await client.end();
    expect(tables.rows[0].n).toBe(3);
  });

  it('serves the same CLI from it as from SQLite', () => {
    const listed = papers(['channels'], database.url);
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    const searched = papers(['search', '--no-hf', 'diffusion'], database.url);
    expect(searched.stderr).toContain('0 matches');
    expect(searched.status).toBe(0);
    expect(readdirSync(cwd)).toEqual([]);
  });
});
