import { existsSync } from 'node:fs';
import type { DatabaseConfig } from '../../config.ts';
import { openDb, type Db } from '../client.ts';
import { openPg, type PgDb } from '../pg/client.ts';
import type { PgTx } from '../pg/transaction.ts';
import { DumpError, migrationAt, type Dialect } from './dump-format.ts';
import { DERIVED_ROWS, type DumpTable } from './dump-tables.ts';

/** A database being dumped: one consistent snapshot of every table, read a batch at a time. */
export interface DumpSource {
  dialect: Dialect;
  /** The last migration the database applied (a journal tag), undefined when none this version knows. */
  migration(): Promise<string | undefined>;
  /** The table's rows in key order, dialect-neutral (flags as booleans). */
  rows(table: DumpTable): AsyncIterable<Record<string, unknown>>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name}"`;

function selectOf(table: DumpTable): string {
  const derived = DERIVED_ROWS[table.name];
  const where = derived ? ` WHERE ${quote(derived.column)} <> '${derived.value}'` : '';
  return `SELECT ${table.columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table.name)}${where} ORDER BY ${table.key.map(quote).join(', ')}`;
}

class SqliteSource implements DumpSource {
  readonly dialect = 'sqlite';

  constructor(private readonly db: Db) {
    // One read transaction for the whole dump: every table from the same state of the file.
    db.sqlite.exec('BEGIN');
  }

  async migration(): Promise<string | undefined> {
    const applied = this.db.sqlite.prepare("SELECT 1 FROM sqlite_master WHERE name = '__drizzle_migrations'").get();
    if (!applied) return undefined;
    const last = this.db.sqlite.prepare('SELECT max(created_at) FROM __drizzle_migrations').pluck().get() as number | null;
    return migrationAt('sqlite', last ?? undefined);
  }

  async *rows(table: DumpTable): AsyncIterable<Record<string, unknown>> {
    const flags = table.columns.filter((c) => c.kind === 'boolean').map((c) => c.name);
    for (const row of this.db.sqlite.prepare(selectOf(table)).iterate() as Iterable<Record<string, unknown>>) {
      for (const flag of flags) row[flag] = row[flag] === 1;
      yield row;
    }
  }

  async close(): Promise<void> {
    if (this.db.sqlite.inTransaction) this.db.sqlite.exec('COMMIT');
    this.db.close();
  }
}

/** Rows fetched per round trip of the PostgreSQL cursor. */
const FETCH_ROWS = 1_000;

class PgSource implements DumpSource {
  readonly dialect = 'postgres';

  private constructor(
    private readonly db: PgDb,
    private readonly tx: PgTx,
  ) {}

  static async open(db: PgDb): Promise<PgSource> {
    const tx = await db.pool.connect();
    // One snapshot for the whole dump, as SQLite's read transaction.
    await tx.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    return new PgSource(db, tx);
  }

  async migration(): Promise<string | undefined> {
    const { rows } = await this.tx.query<{ last: number | null }>(
      "SELECT CASE WHEN to_regclass('drizzle.__drizzle_migrations') IS NULL THEN NULL ELSE (SELECT max(created_at) FROM drizzle.__drizzle_migrations) END AS last",
    );
    return migrationAt('postgres', rows[0]?.last ?? undefined);
  }

  async *rows(table: DumpTable): AsyncIterable<Record<string, unknown>> {
    await this.tx.query(`DECLARE dump_rows NO SCROLL CURSOR FOR ${selectOf(table)}`);
    for (;;) {
      const { rows } = await this.tx.query<Record<string, unknown>>(`FETCH ${FETCH_ROWS} FROM dump_rows`);
      yield* rows;
      if (rows.length < FETCH_ROWS) break;
    }
    await this.tx.query('CLOSE dump_rows');
  }

  async close(): Promise<void> {
    await this.tx.query('ROLLBACK').catch(() => undefined);
    this.tx.release();
    await this.db.close();
  }
}

/** Opens the configured database for a dump, without migrating or creating anything. */
export async function openDumpSource(database: DatabaseConfig): Promise<DumpSource> {
  if (database.dialect === 'sqlite') {
    if (database.path === ':memory:' || !existsSync(database.path)) throw new DumpError(`There is no SQLite database at ${database.path} (DATABASE_URL) to export`);
    return new SqliteSource(openDb(database.path));
  }
  const db = await openPg(database.url, { poolSize: 1 });
  try {
    return await PgSource.open(db);
  } catch (error) {
    await db.close();
    throw error;
  }
}
