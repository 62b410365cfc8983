import type Database from 'better-sqlite3';
import type { DatabaseConfig } from '../../config.ts';
import { describeError } from '../../errors.ts';
import { openDb, type Db } from '../client.ts';
import { indexPending } from '../fts-index.ts';
import { openPg, type PgDb } from '../pg/client.ts';
import type { PgTx } from '../pg/transaction.ts';
import { refreshVocabulary } from '../pg/vocabulary.ts';
import { DumpError, type Dialect } from './dump-format.ts';
import { DUMP_TABLES, MERGED_TABLES, type DumpTable } from './dump-tables.ts';

/** One row of a dump on its way in, with the file line it came from (for the message when it is refused). */
export interface IncomingRow {
  line: number;
  values: Record<string, unknown>;
}

/**
 * A migrated database taking a dump inside one transaction: {@link begin} refuses a non-empty one, every
 * {@link insert} joins the transaction, {@link commit} makes it all visible at once (and rebuilds what the
 * dialect derives), {@link rollback} leaves the database as it was.
 */
export interface DumpTarget {
  dialect: Dialect;
  /** Where it is, password hidden. */
  where: string;
  begin(): Promise<void>;
  insert(table: DumpTable, rows: IncomingRow[]): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name}"`;

/** `INSERT ... VALUES <values>`, merging on the key for {@link MERGED_TABLES}. */
function insertSql(table: DumpTable, values: string): string {
  const columns = table.columns.map((c) => quote(c.name));
  const head = `INSERT INTO ${quote(table.name)} (${columns.join(', ')}) VALUES ${values}`;
  if (!MERGED_TABLES.has(table.name)) return head;
  const set = table.columns.filter((c) => !table.key.includes(c.name)).map((c) => `${quote(c.name)} = excluded.${quote(c.name)}`);
  return `${head} ON CONFLICT (${table.key.map(quote).join(', ')}) DO UPDATE SET ${set.join(', ')}`;
}

function refused(table: DumpTable, row: IncomingRow, cause: unknown): DumpError {
  return new DumpError(`the ${table.name} row was refused by the target: ${describeError(cause)}`, row.line, { cause });
}

/** The first table (merged ones aside) that has a row, or undefined when all are empty. */
async function firstNonEmpty(count: (table: string) => Promise<number>): Promise<{ table: string; rows: number } | undefined> {
  for (const table of DUMP_TABLES) {
    if (MERGED_TABLES.has(table.name)) continue;
    const rows = await count(table.name);
    if (rows > 0) return { table: table.name, rows };
  }
  return undefined;
}

function notEmpty(where: string, found: { table: string; rows: number }): DumpError {
  return new DumpError(
    `The database at ${where} is not empty (${found.table} has ${found.rows} row${found.rows === 1 ? '' : 's'}): import into a new database only, nothing was changed`,
  );
}

class SqliteTarget implements DumpTarget {
  readonly dialect = 'sqlite';
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Db,
    readonly where: string,
  ) {}

  async begin(): Promise<void> {
    this.db.sqlite.exec('BEGIN IMMEDIATE');
    const found = await firstNonEmpty(async (table) => this.db.sqlite.prepare(`SELECT count(*) FROM ${quote(table)}`).pluck().get() as number);
    if (found) throw notEmpty(this.where, found);
  }

  async insert(table: DumpTable, rows: IncomingRow[]): Promise<void> {
    let statement = this.statements.get(table.name);
    if (!statement) {
      statement = this.db.sqlite.prepare(insertSql(table, `(${table.columns.map(() => '?').join(', ')})`));
      this.statements.set(table.name, statement);
    }
    for (const row of rows) {
      const values = table.columns.map((c) => (c.kind === 'boolean' && row.values[c.name] !== null ? Number(row.values[c.name]) : row.values[c.name]));
      try {
        statement.run(values);
      } catch (cause) {
        throw refused(table, row, cause);
      }
    }
  }

  async commit(): Promise<void> {
    this.db.sqlite.exec('COMMIT');
    // The search index file: every imported paper is past its watermark, so this indexes them all.
    indexPending(this.db.sqlite);
  }

  async rollback(): Promise<void> {
    if (this.db.sqlite.inTransaction) this.db.sqlite.exec('ROLLBACK');
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** PostgreSQL's limit on the parameters of one statement. */
const MAX_PARAMETERS = 65_535;
/** Rows per multi-row INSERT (fewer when the table is wide). */
const PG_BATCH_ROWS = 500;

class PgTarget implements DumpTarget {
  readonly dialect = 'postgres';
  private tx: PgTx | undefined;

  constructor(
    private readonly db: PgDb,
    readonly where: string,
  ) {}

  async begin(): Promise<void> {
    this.tx = await this.db.pool.connect();
    await this.tx.query('BEGIN');
    // Nobody writes the tables while they are checked empty and filled; readers go on.
    await this.tx.query(`LOCK TABLE ${DUMP_TABLES.map((t) => quote(t.name)).join(', ')} IN EXCLUSIVE MODE`);
    const tx = this.tx;
    const found = await firstNonEmpty(async (table) => (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`)).rows[0]!.n);
    if (found) throw notEmpty(this.where, found);
  }

  async insert(table: DumpTable, rows: IncomingRow[]): Promise<void> {
    const tx = this.tx!;
    const size = Math.max(1, Math.min(PG_BATCH_ROWS, Math.floor(MAX_PARAMETERS / table.columns.length)));
    for (let start = 0; start < rows.length; start += size) {
      const batch = rows.slice(start, start + size);
      await tx.query('SAVEPOINT dump_batch');
      try {
        await this.insertRows(table, batch);
        await tx.query('RELEASE SAVEPOINT dump_batch');
      } catch (cause) {
        // Find the row to name: the batch again, one row at a time (the transaction is lost either way).
        await tx.query('ROLLBACK TO SAVEPOINT dump_batch');
        for (const row of batch) {
          try {
            await this.insertRows(table, [row]);
          } catch (single) {
            throw refused(table, row, single);
          }
        }
        throw refused(table, batch[0]!, cause);
      }
    }
  }

  private async insertRows(table: DumpTable, rows: IncomingRow[]): Promise<void> {
    const width = table.columns.length;
    const tuples = rows.map((_, r) => `(${table.columns.map((__, c) => `$${r * width + c + 1}`).join(', ')})`);
    const values = rows.flatMap((row) => table.columns.map((c) => row.values[c.name]));
    await this.tx!.query(insertSql(table, tuples.join(', ')), values);
  }

  async commit(): Promise<void> {
    const tx = this.tx!;
    // Identity columns were given explicitly: move each sequence past the largest value now stored.
    for (const table of DUMP_TABLES) {
      for (const column of table.identity) {
        await tx.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT max(${quote(column)}) FROM ${quote(table.name)}), 0) + 1, false)`,
          [table.name, column],
        );
      }
    }
    await tx.query('COMMIT');
    this.release();
    await refreshVocabulary(this.db.pool);
  }

  async rollback(): Promise<void> {
    if (!this.tx) return;
    await this.tx.query('ROLLBACK').catch(() => undefined);
    this.release();
  }

  private release(): void {
    this.tx?.release();
    this.tx = undefined;
  }

  async close(): Promise<void> {
    this.release();
    await this.db.close();
  }
}

/** Opens the configured database for an import, applying its pending migrations first (as every start does). */
export async function openDumpTarget(database: DatabaseConfig, where: string): Promise<DumpTarget> {
  if (database.dialect === 'sqlite') return new SqliteTarget(openDb(database.path, { migrate: true }), where);
  return new PgTarget(await openPg(database.url, { migrate: true, poolSize: 2 }), where);
}
