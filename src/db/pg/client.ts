import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { PapersError } from '../../errors.ts';
import { PG_MIGRATIONS_FOLDER } from '../pg-migrations.ts';
import * as schema from './schema.ts';
import { redactDatabaseUrl } from '../database-url.ts';

export { redactDatabaseUrl };

export type PgSchema = typeof schema;
export type PgOrm = NodePgDatabase<PgSchema>;

/** An open PostgreSQL database: the node-postgres pool (for raw SQL and transactions) and the drizzle view of it. */
export interface PgDb {
  pool: pg.Pool;
  orm: PgOrm;
  /** The URL as given, password included: never log it (see {@link redactDatabaseUrl}). */
  url: string;
  /** Ends every connection of the pool; waits for queries in flight. Idempotent. */
  close(): Promise<void>;
}

export interface OpenPgOptions {
  /** Connections the pool keeps at most (`DATABASE_POOL_SIZE`); node-postgres' default, 10, when absent. */
  poolSize?: number;
  /** Applies the pending migrations of drizzle/pg before returning (see {@link migratePg}). */
  migrate?: boolean;
  /** How long a new connection may take before it fails, in ms (default 10,000). */
  connectTimeoutMs?: number;
  /** Errors of idle connections (the server restarted, the network dropped): the pool replaces them. */
  onError?: (error: Error) => void;
}

export { PG_MIGRATIONS_FOLDER };

/** The session-level advisory lock every migrating process takes first: one migrates, the others wait and find nothing to do. */
export const MIGRATION_LOCK_KEY = 4_208_370_112_017;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Counts and sums come back as `bigint` (int8), which node-postgres gives as strings: read as numbers here
 * (exact up to 2^53, far beyond any count this bot keeps). `numeric` stays a string: cast in SQL when needed.
 */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/** One line saying why, from node-postgres' errors: a socket error code, a server SQLSTATE, or a message. */
function reason(cause: unknown): string {
  const error = cause as { code?: unknown; message?: unknown; errors?: unknown[] };
  const inner = Array.isArray(error?.errors) && error.errors.length > 0 ? (error.errors[0] as { message?: unknown }) : undefined;
  const message = typeof error?.message === 'string' && error.message !== '' ? error.message : typeof inner?.message === 'string' ? inner.message : String(cause);
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const text = code && !message.includes(code) ? `${message} (${code})` : message;
  return text.replace(/\s*\n\s*/g, ' ');
}

/** The one-line error for a database that cannot be used: names DATABASE_URL, never its password. */
export function databaseError(url: string, action: string, cause: unknown): PapersError {
  const why = reason(cause).replaceAll(url, redactDatabaseUrl(url));
  return new PapersError('DATABASE', `${action} at DATABASE_URL=${redactDatabaseUrl(url)}: ${why}`, { cause });
}

/**
 * Opens a pool on the PostgreSQL database at `url` and checks that it answers (or migrates it, with
 * `{ migrate: true }`). Rejects with a one-line `PapersError('DATABASE')` naming DATABASE_URL (password
 * hidden) and the cause (`ECONNREFUSED`, `database "x" does not exist`, ...) when it cannot.
 */
export async function openPg(url: string, options: OpenPgOptions = {}): Promise<PgDb> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    types: TYPES,
  });
  pool.on('error', options.onError ?? (() => {}));
  let closed: Promise<void> | undefined;
  const db: PgDb = { pool, orm: drizzle(pool, { schema }), url, close: () => (closed ??= pool.end()) };
  try {
    if (options.migrate) await migratePg(db);
    else await pingPg(pool).catch((cause: unknown) => Promise.reject(databaseError(url, 'Cannot reach PostgreSQL', cause)));
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
  return db;
}

/**
 * Applies every pending migration in drizzle/pg (generated and hand-written), in one transaction, holding
 * {@link MIGRATION_LOCK_KEY}: processes that start together take turns, and all of them succeed. Idempotent.
 */
export async function migratePg(db: Pick<PgDb, 'pool' | 'url'>): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await db.pool.connect();
  } catch (cause) {
    throw databaseError(db.url, 'Cannot reach PostgreSQL', cause);
  }
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (cause) {
    // A connection that may still hold the lock is closed, not returned to the pool: closing releases it.
    broken = true;
    throw databaseError(db.url, 'Database migration failed', cause);
  } finally {
    client.release(broken);
  }
}

/** Readiness (`/readyz`): resolves when the database answers a query within `timeoutMs`, rejects otherwise. */
export async function pingPg(pool: pg.Pool, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([pool.query('SELECT 1'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
