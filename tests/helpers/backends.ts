import type { Db } from '../../src/db/client.ts';
import type { PgDb } from '../../src/db/pg/client.ts';
import { createTestDb } from './db.ts';
import { createTestPg } from './pg-database.ts';

/** The database dialects every store implements; contract suites run once per entry (`describe.each(BACKENDS)`). */
export const BACKENDS = ['sqlite', 'postgres'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A fresh, migrated database of one dialect for one test file; `close` drops it. */
export type Backend = { name: 'sqlite'; db: Db; close(): Promise<void> } | { name: 'postgres'; pg: PgDb; close(): Promise<void> };

/**
 * Opens a fresh database of `name` (a SQLite file, or a PostgreSQL database on the machine's server that
 * fails with how to start it when none answers: never a skip).
 */
export async function openBackend(name: BackendName, label: string): Promise<Backend> {
  if (name === 'sqlite') {
    const { db, cleanup } = createTestDb(label);
    return { name, db, close: async () => cleanup() };
  }
  const { db, cleanup } = await createTestPg(label);
  return { name, pg: db, close: cleanup };
}

/**
 * Runs plain SQL on either dialect (fixtures a suite arranges without the store under test). Placeholders are
 * `?`; on PostgreSQL they become `$1`, `$2`, ... Returns the rows.
 */
export async function rawSql(backend: Backend, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (backend.name === 'sqlite') {
    const statement = backend.db.sqlite.prepare(sql);
    return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
  }
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  return (await backend.pg.pool.query(text, params)).rows as Record<string, unknown>[];
}
