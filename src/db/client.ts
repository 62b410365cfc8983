import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { PapersError } from '../errors.ts';
import * as schema from './schema.ts';
import { attachFtsIndex, ftsPathFor } from './fts-index.ts';

export type Schema = typeof schema;
export type Orm = BetterSQLite3Database<Schema>;

/** An open database: the raw better-sqlite3 handle (for FTS5 and hot paths) and the drizzle view of it. */
export interface Db {
  sqlite: Database.Database;
  orm: Orm;
  path: string;
  close(): void;
}

export const MIGRATIONS_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** How much of each database file is read through a memory map (address space, not memory: pages load as read). */
const MMAP_BYTES = 1 << 30;

/**
 * Opens (creating when needed) the SQLite file at `path` in WAL mode with foreign keys on, with its search
 * index file attached as `fts` (see fts-index.ts).
 * Run {@link migrateDb} before use, or pass `{ migrate: true }`.
 */
export function openDb(path: string, options: { migrate?: boolean; readonly?: boolean } = {}): Db {
  // A URL here (postgres://...) is a caller that skipped loadConfig: never create a folder named after its scheme.
  if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(path)) throw new PapersError('DATABASE', `Not a SQLite file path but a ${path.split(':')[0]}:// URL`);
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  let sqlite: Database.Database;
  try {
    sqlite = new Database(path, { readonly: options.readonly ?? false });
  } catch (cause) {
    throw new PapersError('DATABASE', `Cannot open the database at ${path}: ${(cause as Error).message}`, { cause });
  }
  // Larger pages suit FTS5 segments (bulk indexing measured ~10% faster); only applies to a new file.
  sqlite.pragma('page_size = 16384');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process writing waits up to this long. The outbox's and the engagement repositories' write
  // transactions begin IMMEDIATE (`.immediate()`): a deferred one that read first could not take the write lock
  // after another process wrote, and fails at once with SQLITE_BUSY whatever the timeout, which made a delivery
  // retry and post twice (tests/integration/sqlite-processes.test.ts). The ingest's stay deferred: IMMEDIATE
  // would also lock the attached search index file, which the indexing thread writes meanwhile; an ingest that
  // meets SQLITE_BUSY fails its page and is retried whole (it is idempotent).
  sqlite.pragma('busy_timeout = 5000');
  const orm = drizzle(sqlite, { schema });
  const db: Db = { sqlite, orm, path, close: () => sqlite.open && sqlite.close() };
  if (options.migrate) migrateDb(db);
  try {
    attachFtsIndex(sqlite, path);
  } catch (cause) {
    throw new PapersError('DATABASE', `Cannot open the search index at ${ftsPathFor(path)}: ${(cause as Error).message}`, { cause });
  }
  // Reads through a memory map: a search joins thousands of matches to their rows, and each row read through
  // a pread call cost about three times its read from the map (measured at 200,000 papers).
  sqlite.pragma(`mmap_size = ${MMAP_BYTES}`);
  sqlite.pragma(`fts.mmap_size = ${MMAP_BYTES}`);
  return db;
}

/** Applies every pending migration in `drizzle/` (generated and hand-written). Idempotent. */
export function migrateDb(db: Db): void {
  try {
    migrate(db.orm, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (cause) {
    throw new PapersError('DATABASE', `Database migration failed: ${(cause as Error).message}`, { cause });
  }
}
