import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'src', 'cli', 'bin.mjs');
const cwd = mkdtempSync(join(tmpdir(), 'papers-dburl-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('papers migrate with an unsupported DATABASE_URL', () => {
  it('refuses postgres://host/db with one line naming the accepted forms and creates nothing', () => {
    const result = spawnSync(process.execPath, [BIN, 'migrate'], {
      cwd,
      env: { ...process.env, DATABASE_URL: 'postgres://host/db', LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).not.toContain('up to date');
    const line = result.stderr.split('\n').find((l) => l.includes('DATABASE_URL'));
    expect(line).toContain('"postgres:" databases are not supported yet, only SQLite');
    expect(line).toContain('file:./data/papers.db');
    expect(readdirSync(cwd)).toEqual([]);
  });
});
