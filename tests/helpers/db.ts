import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openDb, type Db } from '../../src/db/client.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';

const TMP = join(process.cwd(), 'tests', '.tmp');

/** A fresh, migrated SQLite file for one test file; `cleanup` closes and deletes it. */
export function createTestDb(label = 'test'): { db: Db; path: string; cleanup: () => void } {
  mkdirSync(TMP, { recursive: true });
  const path = join(TMP, `${label}-${randomUUID()}.db`);
  const db = openDb(path, { migrate: true });
  return {
    db,
    path,
    cleanup: () => {
      db.close();
      for (const file of databaseFiles(path)) rmSync(file, { force: true });
    },
  };
}

/** A fresh SQLite file path (not opened), for tests that run the CLI or the app as a child process. */
export function testDbPath(label = 'test'): string {
  mkdirSync(TMP, { recursive: true });
  return join(TMP, `${label}-${randomUUID()}.db`);
}
