import type { DatabaseConfig } from '../config.ts';
import { openDb } from './client.ts';
import { openPg, redactDatabaseUrl } from './pg/client.ts';

/**
 * Creates or upgrades the schema of the configured database (SQLite: drizzle/; PostgreSQL: drizzle/pg, under
 * an advisory lock so processes starting together take turns) and closes it. Resolves to where it is, with
 * any password hidden; rejects with a one-line `PapersError('DATABASE')` naming `DATABASE_URL` when it cannot.
 */
export async function migrateDatabase(database: DatabaseConfig): Promise<string> {
  if (database.dialect === 'sqlite') {
    openDb(database.path, { migrate: true }).close();
    return database.path;
  }
  const pg = await openPg(database.url, { migrate: true, poolSize: 1 });
  await pg.close();
  return redactDatabaseUrl(database.url);
}
