import { getTableColumns, getTableName } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import * as pgSchema from '../pg/schema.ts';
import * as sqliteSchema from '../schema.ts';

/** How a column's value is written in a dump: JSON strings, integers and booleans (SQLite's 0/1 flags become booleans). */
export type DumpColumnKind = 'text' | 'integer' | 'boolean';

export interface DumpColumn {
  /** The SQL name (snake_case), the key of the value in a dump row. */
  name: string;
  kind: DumpColumnKind;
  nullable: boolean;
}

/** One table a dump carries, described once from the two schema twins. */
export interface DumpTable {
  name: string;
  columns: DumpColumn[];
  /** The primary key's columns: rows are written in this order, so two dumps of one database are alike. */
  key: string[];
  /** PostgreSQL identity columns, whose sequence an import moves past the largest value it wrote. */
  identity: string[];
  /** zod schema of a row: every column, nothing else, each of its kind. */
  row: z.ZodType<Record<string, unknown>>;
}

/**
 * The tables in foreign-key order (a table after every table it references), which is the order of a dump
 * and of an import. Derived data is not here: the SQLite FTS5 index file and its `fts_changes` queue, and
 * PostgreSQL's generated `papers.search` and `paper_words` view, are rebuilt on the target.
 */
const PAIRS: [SQLiteTable, PgTable][] = [
  [sqliteSchema.papers, pgSchema.papers],
  [sqliteSchema.dailyListings, pgSchema.dailyListings],
  [sqliteSchema.channels, pgSchema.channels],
  [sqliteSchema.subscriptions, pgSchema.subscriptions],
  [sqliteSchema.deliveries, pgSchema.deliveries],
  [sqliteSchema.deliveredPapers, pgSchema.deliveredPapers],
  [sqliteSchema.votes, pgSchema.votes],
  [sqliteSchema.savedPapers, pgSchema.savedPapers],
  [sqliteSchema.processedEvents, pgSchema.processedEvents],
  [sqliteSchema.followUps, pgSchema.followUps],
  [sqliteSchema.acronyms, pgSchema.acronyms],
  [sqliteSchema.derivedState, pgSchema.derivedState],
  [sqliteSchema.ingestedDays, pgSchema.ingestedDays],
  [sqliteSchema.installations, pgSchema.installations],
  [sqliteSchema.installationWorkspaces, pgSchema.installationWorkspaces],
];

/**
 * Rows a dump leaves out because the target derives them: PostgreSQL's `votes_generation` counter in
 * derived_state, which a trigger on `votes` keeps (src/db/pg/votes-store.ts reads it; SQLite has no twin).
 */
export const DERIVED_ROWS: Record<string, { column: string; value: string }> = {
  derived_state: { column: 'name', value: 'votes_generation' },
};

/**
 * Tables an import merges into instead of requiring them empty: `derived_state` holds versions of what is
 * derived from the stored papers, which a starting process may write before any paper exists; the dump's
 * versions describe the rows it brings, so they replace the target's.
 */
export const MERGED_TABLES = new Set(['derived_state']);

function kindOf(columnType: string): DumpColumnKind {
  if (columnType === 'SQLiteText' || columnType === 'PgText') return 'text';
  if (columnType === 'SQLiteInteger' || columnType === 'PgInteger') return 'integer';
  if (columnType === 'SQLiteBoolean' || columnType === 'PgBoolean') return 'boolean';
  throw new Error(`dump: no dump kind for column type ${columnType}`);
}

const VALUE: Record<DumpColumnKind, z.ZodType> = {
  text: z.string(),
  integer: z.number().int(),
  boolean: z.boolean(),
};

function describe([sqlite, pg]: [SQLiteTable, PgTable]): DumpTable {
  const name = getTableName(sqlite);
  const pgColumns = Object.values(getTableColumns(pg)).filter((c) => !(c as { generated?: unknown }).generated);
  const columns = Object.values(getTableColumns(sqlite)).map((c) => ({ name: c.name, kind: kindOf(c.columnType), nullable: !c.notNull }));
  // The twins must agree column for column (tests/integration/pg-schema-parity.test.ts checks it too): a dump of one is a dump of the other.
  const twin = pgColumns.map((c) => `${c.name}:${kindOf(c.columnType)}`).join(',');
  if (getTableName(pg) !== name || twin !== columns.map((c) => `${c.name}:${c.kind}`).join(',')) throw new Error(`dump: the SQLite and PostgreSQL ${name} tables differ`);
  const config = sqliteTableConfig(sqlite);
  const key = config.primaryKeys[0]?.columns.map((c) => c.name) ?? config.columns.filter((c) => c.primary).map((c) => c.name);
  const identity = pgTableConfig(pg).columns.filter((c) => (c as { generatedIdentity?: unknown }).generatedIdentity).map((c) => c.name);
  const shape = Object.fromEntries(columns.map((c) => [c.name, c.nullable ? VALUE[c.kind].nullable() : VALUE[c.kind]]));
  return { name, columns, key, identity, row: z.strictObject(shape) as unknown as z.ZodType<Record<string, unknown>> };
}

/** Every table of a dump, in foreign-key order. */
export const DUMP_TABLES: readonly DumpTable[] = PAIRS.map(describe);

/** The table named `name`, with its position in {@link DUMP_TABLES}; undefined when a dump has no such table. */
export function dumpTable(name: string): { table: DumpTable; position: number } | undefined {
  const position = DUMP_TABLES.findIndex((t) => t.name === name);
  return position < 0 ? undefined : { table: DUMP_TABLES[position]!, position };
}
