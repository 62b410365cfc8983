import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { DatabaseConfig } from '../../config.ts';
import { redactDatabaseUrl } from '../database-url.ts';
import { DUMP_FORMAT, DUMP_VERSION, DumpError, endLine, firstIssue, headerLine, latestMigration, rowLine, type Dialect, type DumpHeader } from './dump-format.ts';
import { openDumpSource } from './dump-source.ts';
import { openDumpTarget, type DumpTarget, type IncomingRow } from './dump-target.ts';
import { DUMP_TABLES, dumpTable, type DumpTable } from './dump-tables.ts';

/** What an export wrote or an import stored: the source's dialect and migration, and the rows of every table. */
export interface DumpSummary {
  dialect: Dialect;
  migration: string;
  /** Rows per table, every table of the dump named (0 included). */
  rows: Record<string, number>;
}

function where(database: DatabaseConfig): string {
  return database.dialect === 'sqlite' ? database.path : redactDatabaseUrl(database.url);
}

async function write(out: Writable, line: string): Promise<void> {
  if (out.errored) throw new DumpError(`Cannot write the dump: ${out.errored.message}`, undefined, { cause: out.errored });
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/**
 * Writes every table of the configured database (either dialect) to `out` as a dump (see dump-format.ts), in
 * one consistent snapshot, a row at a time: memory stays flat however many papers there are. The database
 * must be at this version's latest migration (`papers migrate`); nothing in it is changed. `out` stays open
 * (the caller ends it: a file, or stdout).
 */
export async function exportDatabase(database: DatabaseConfig, out: Writable): Promise<DumpSummary> {
  // A write error (disk full, a closed pipe) surfaces at the next write, as a DumpError, not as an unhandled event.
  out.on('error', () => {});
  const source = await openDumpSource(database);
  try {
    const migration = await source.migration();
    const latest = latestMigration(source.dialect);
    if (migration === undefined) throw new DumpError(`The database at ${where(database)} has no schema this version of papers knows (no migration, or a newer one than ${latest})`);
    if (migration !== latest) throw new DumpError(`The database at ${where(database)} is at migration ${migration}, not ${latest}: run \`papers migrate\` on it first`);
    const header: DumpHeader = { format: DUMP_FORMAT, version: DUMP_VERSION, dialect: source.dialect, migration, exportedAt: new Date().toISOString() };
    await write(out, JSON.stringify(header));
    const rows: Record<string, number> = {};
    for (const table of DUMP_TABLES) {
      rows[table.name] = 0;
      for await (const row of source.rows(table)) {
        await write(out, JSON.stringify({ table: table.name, row }));
        rows[table.name]!++;
      }
    }
    await write(out, JSON.stringify({ end: true, rows }));
    return { dialect: source.dialect, migration, rows };
  } finally {
    await source.close();
  }
}

/** Rows gathered before they are written (one table at a time). */
const BATCH_ROWS = 1_000;

function parseJson(text: string, line: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DumpError(`not a JSON line (${text.length > 40 ? `${text.slice(0, 40)}…` : text || 'empty'}): the file is damaged or cut short`, line);
  }
}

function readHeader(text: string | undefined): DumpHeader {
  if (text === undefined) throw new DumpError('the file is empty: no dump header', 1);
  const parsed = headerLine.safeParse(parseJson(text, 1));
  if (!parsed.success) throw new DumpError(`not a papers dump header (${firstIssue(parsed.error)})`, 1);
  const header = parsed.data;
  if (header.version !== DUMP_VERSION) throw new DumpError(`dump format version ${header.version}; this version of papers reads version ${DUMP_VERSION} only`, 1);
  const latest = latestMigration(header.dialect);
  if (header.migration !== latest) {
    throw new DumpError(`the dump was written at ${header.dialect} migration ${header.migration}, this version of papers is at ${latest}: export and import with the same version`, 1);
  }
  return header;
}

/**
 * Reads the rest of a dump into `target` inside its transaction: rows checked line by line (known table,
 * foreign-key order, every column of its kind), written in batches, and the end line's counts compared.
 */
async function readRows(lines: AsyncIterator<string>, target: DumpTarget): Promise<Record<string, number>> {
  const rows: Record<string, number> = Object.fromEntries(DUMP_TABLES.map((t) => [t.name, 0]));
  let batch: IncomingRow[] = [];
  let current: { table: DumpTable; position: number } | undefined;
  const flush = async () => {
    if (current && batch.length > 0) await target.insert(current.table, batch);
    batch = [];
  };
  for (let line = 2; ; line++) {
    const next = await lines.next();
    if (next.done) throw new DumpError('the dump stops before its end line: the file is cut short (export it again)', line - 1);
    const value = parseJson(next.value, line);
    if (typeof value === 'object' && value !== null && 'end' in value) {
      const end = endLine.safeParse(value);
      if (!end.success) throw new DumpError(`not a dump end line (${firstIssue(end.error)})`, line);
      await flush();
      for (const table of DUMP_TABLES) {
        const expected = end.data.rows[table.name] ?? 0;
        if (expected !== rows[table.name]) throw new DumpError(`the end line counts ${expected} ${table.name} rows but the dump has ${rows[table.name]}`, line);
      }
      const unknown = Object.keys(end.data.rows).find((name) => !dumpTable(name));
      if (unknown) throw new DumpError(`the end line counts rows of an unknown table ${unknown}`, line);
      // Blank lines may follow (an editor's final newline); anything else is not part of this dump.
      for (let after = line + 1; ; after++) {
        const rest = await lines.next();
        if (rest.done) return rows;
        if (rest.value.trim() !== '') throw new DumpError('a line after the end line', after);
      }
    }
    const parsed = rowLine.safeParse(value);
    if (!parsed.success) throw new DumpError(`not a dump row line (${firstIssue(parsed.error)})`, line);
    const found = dumpTable(parsed.data.table);
    if (!found) throw new DumpError(`unknown table ${parsed.data.table}`, line);
    if (current && found.position < current.position) throw new DumpError(`a ${found.table.name} row after the ${current.table.name} rows: tables must come in the order papers export writes them`, line);
    const row = found.table.row.safeParse(parsed.data.row);
    if (!row.success) throw new DumpError(`a ${found.table.name} row with ${firstIssue(row.error)}`, line);
    if (current?.table !== found.table || batch.length >= BATCH_ROWS) await flush();
    current = found;
    batch.push({ line, values: row.data });
    rows[found.table.name]!++;
  }
}

/**
 * Loads a dump (see dump-format.ts) from `input` into the configured database, either dialect, whichever wrote
 * it. The target is migrated first, must be empty (else nothing is changed), and takes every row in one
 * transaction: a bad line (named in the {@link DumpError}), a cut-short file or a refused row leaves it empty.
 * After the commit the target rebuilds what it derives (SQLite's search index file, PostgreSQL's vocabulary),
 * and PostgreSQL's identity sequences continue after the imported ids. The rows are read as they arrive.
 */
export async function importDatabase(database: DatabaseConfig, input: Readable): Promise<DumpSummary> {
  const reader = createInterface({ input, crlfDelay: Infinity });
  const lines = reader[Symbol.asyncIterator]();
  try {
    const first = await lines.next();
    const header = readHeader(first.done ? undefined : first.value);
    const target = await openDumpTarget(database, where(database));
    try {
      await target.begin();
      const rows = await readRows(lines, target);
      await target.commit();
      return { dialect: header.dialect, migration: header.migration, rows };
    } catch (error) {
      await target.rollback();
      throw error;
    } finally {
      await target.close();
    }
  } finally {
    reader.close();
  }
}
