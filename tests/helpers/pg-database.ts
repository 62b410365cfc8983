import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPg, redactDatabaseUrl, type PgDb } from '../../src/db/pg/client.ts';
import { describeError } from '../../src/errors.ts';

/** The PostgreSQL the tests create their databases on: TEST_PG_URL, or this machine's (trust auth, user postgres). */
export const DEFAULT_TEST_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const START_HINT =
  'Start it with `pg_ctlcluster 15 main start` (`pg_lsclusters` lists the clusters; `pg_isready -h 127.0.0.1` checks), ' +
  'or set TEST_PG_URL to a PostgreSQL you run (a URL of a database whose user may CREATE DATABASE).';

function adminUrl(): string {
  return process.env.TEST_PG_URL || DEFAULT_TEST_PG_URL;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = adminUrl();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    const why = describeError(error) || String((error as { code?: string }).code ?? error);
    throw new Error(`PostgreSQL does not answer at ${redactDatabaseUrl(url)} (TEST_PG_URL): ${why}. ${START_HINT}`);
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** A fresh, empty database (not migrated) for one test file; `drop` removes it, connections and all. */
export async function createEmptyTestPg(label = 'test'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const name = `papers_test_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_${process.pid}_${randomBytes(4).toString('hex')}`.slice(0, 63);
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined) };
}

/**
 * A fresh, migrated PostgreSQL database for one test file on the machine's server (TEST_PG_URL, default
 * {@link DEFAULT_TEST_PG_URL}); `cleanup` closes the pool and drops the database. When PostgreSQL does not
 * answer it throws a message saying how to start it: these tests never skip.
 */
export async function createTestPg(label = 'test', options: { poolSize?: number } = {}): Promise<{ url: string; db: PgDb; cleanup: () => Promise<void> }> {
  const empty = await createEmptyTestPg(label);
  let db: PgDb;
  try {
    db = await openPg(empty.url, { migrate: true, poolSize: options.poolSize ?? 4 });
  } catch (error) {
    await empty.drop();
    throw error;
  }
  return {
    url: empty.url,
    db,
    cleanup: async () => {
      await db.close();
      await empty.drop();
    },
  };
}
