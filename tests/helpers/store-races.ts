import { openPg, type PgDb } from '../../src/db/pg/client.ts';
import { rawSql, type Backend } from './backends.ts';

/**
 * A second process on the same database: on PostgreSQL a pool of its own (other connections, as another
 * process would have); on SQLite the same connection (its single writer runs the two one after the other).
 */
export async function secondProcess(backend: Backend): Promise<{ pg?: PgDb; close(): Promise<void> }> {
  if (backend.name === 'sqlite') return { close: async () => {} };
  const pg = await openPg(backend.pg.url, { poolSize: 2 });
  return { pg, close: () => pg.close() };
}

async function waitForLockWaiters(backend: Extract<Backend, { name: 'postgres' }>, count: number, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await backend.pg.pool.query<{ n: number }>(
      "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    if (rows[0]!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} sessions waiting on a lock, saw ${rows[0]!.n}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Runs `calls` at once, as processes racing. On PostgreSQL the race is forced: another connection holds
 * `hold` (a lock, in an open transaction) until every call is waiting on a lock, then lets them all go, so
 * each call has done its reads before any writes. With `inTurn`, each call is waiting before the next starts
 * (PostgreSQL grants a lock in the order it was asked for). On SQLite the calls run in turn.
 */
export async function race<T>(
  backend: Backend,
  hold: { sql: string; params?: unknown[]; inTurn?: boolean },
  calls: (() => Promise<T>)[],
): Promise<T[]> {
  if (backend.name === 'sqlite') return Promise.all(calls.map((call) => call()));
  const locker = await backend.pg.pool.connect();
  let released = false;
  try {
    await locker.query('BEGIN');
    await locker.query(hold.sql, hold.params ?? []);
    const running: Promise<T>[] = [];
    for (const call of calls) {
      const started = call();
      started.catch(() => {});
      running.push(started);
      if (hold.inTurn) await waitForLockWaiters(backend, running.length);
    }
    await waitForLockWaiters(backend, calls.length);
    await locker.query('COMMIT');
    released = true;
    return await Promise.all(running);
  } finally {
    if (!released) await locker.query('ROLLBACK').catch(() => {});
    locker.release();
  }
}

/** A flag as the dialect stores it (SQLite 1/0, PostgreSQL boolean). */
export function flag(backend: Backend, value: boolean): boolean | number {
  return backend.name === 'sqlite' ? (value ? 1 : 0) : value;
}

/** A channel row, arranged without the channels store; returns its id. */
export async function insertChannel(backend: Backend, channelId: string, workspaceId = 'T1'): Promise<number> {
  const rows = await rawSql(backend, "INSERT INTO channels (platform, workspace_id, channel_id) VALUES ('slack', ?, ?) RETURNING id", [workspaceId, channelId]);
  return Number(rows[0]!.id);
}

/**
 * Makes writes of `table` fail with `message` while `work` runs, when `column` gets `value` (a trigger on
 * either dialect: TEMP on SQLite's one connection, dropped afterwards on PostgreSQL).
 */
export async function failingWrite<T>(
  backend: Backend,
  spec: { table: string; op: 'INSERT' | 'UPDATE'; column: string; value: string; message: string },
  work: () => Promise<T>,
): Promise<T> {
  const { table, op, column, value, message } = spec;
  if (backend.name === 'sqlite') {
    backend.db.sqlite.exec(`CREATE TEMP TRIGGER failing_write BEFORE ${op} ON ${table} WHEN NEW.${column} = '${value}' BEGIN SELECT RAISE(ABORT, '${message}'); END`);
  } else {
    await backend.pg.pool.query(`CREATE FUNCTION failing_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`);
    await backend.pg.pool.query(`CREATE TRIGGER failing_write BEFORE ${op} ON ${table} FOR EACH ROW WHEN (NEW.${column} = '${value}') EXECUTE FUNCTION failing_write()`);
  }
  try {
    return await work();
  } finally {
    if (backend.name === 'sqlite') backend.db.sqlite.exec('DROP TRIGGER failing_write');
    else {
      await backend.pg.pool.query(`DROP TRIGGER failing_write ON ${table}`);
      await backend.pg.pool.query('DROP FUNCTION failing_write()');
    }
  }
}
