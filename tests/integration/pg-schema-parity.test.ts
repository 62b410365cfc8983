import { getTableName, is, type SQL, type Table } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pgSchema from '../../src/db/pg/schema.ts';
import * as sqliteSchema from '../../src/db/schema.ts';
import type { PgDb } from '../../src/db/pg/client.ts';
import { createTestDb } from '../helpers/db.ts';
import { createTestPg } from '../helpers/pg-database.ts';

/** What only PostgreSQL has: the search vector and its GIN index (SQLite keeps its FTS5 index in another file). */
const PG_ONLY = { columns: ['papers.search'], indexes: ['papers.papers_search_idx'] };

/**
 * Tables the SQLite migrations make by hand that PostgreSQL needs no twin of: `fts_changes` records which
 * papers the FTS5 index file must index again (PostgreSQL recomputes papers.search itself); the others are
 * SQLite's and drizzle's own bookkeeping.
 */
const SQLITE_ONLY_TABLES = ['fts_changes', 'sqlite_sequence', '__drizzle_migrations'];

interface Column {
  name: string;
  notNull: boolean;
  primary: boolean;
  hasDefault: boolean;
  dataType: string;
  enumValues?: string[];
  default?: unknown;
}

type AnyConfig = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

const names = (columns: { name: string }[]) => columns.map((c) => c.name).join(',');

/**
 * A dialect-neutral description of a table. A unique index and a UNIQUE constraint are one `unique` key (PostgreSQL's
 * papers.id is a constraint, which its foreign keys need); SQL in defaults and partial indexes is rendered as text.
 */
function describeTable(config: AnyConfig, render: (sql: SQL) => string) {
  const columns: Column[] = config.columns
    .filter((c) => !PG_ONLY.columns.includes(`${config.name}.${c.name}`))
    .map((c) => ({
      name: c.name,
      notNull: c.notNull,
      primary: c.primary,
      hasDefault: c.hasDefault,
      dataType: c.dataType,
      enumValues: c.enumValues,
      default: c.default === undefined || typeof c.default === 'object' ? typeof c.default : c.default,
    }));
  const indexes = config.indexes
    .map((i) => i.config)
    .filter((i) => !PG_ONLY.indexes.includes(`${config.name}.${i.name}`))
    .map((i) => ({
      name: i.name,
      unique: i.unique,
      columns: (i.columns as { name: string }[]).map((c) => c.name).join(','),
      where: i.where ? render(i.where) : undefined,
    }));
  const constraints = ('uniqueConstraints' in config ? config.uniqueConstraints : []).map((u) => ({ name: u.name, unique: true, columns: names(u.columns), where: undefined }));
  return {
    columns: columns.sort((a, b) => a.name.localeCompare(b.name)),
    primaryKeys: config.primaryKeys.map((k) => names(k.columns)),
    keys: [...indexes, ...constraints].sort((a, b) => a.name!.localeCompare(b.name!)),
    foreignKeys: config.foreignKeys.map((f) => {
      const ref = f.reference();
      return { columns: names(ref.columns), table: getTableName(ref.foreignTable as Table), foreignColumns: names(ref.foreignColumns), onDelete: f.onDelete };
    }),
  };
}

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();
const sqliteTables = (Object.values(sqliteSchema) as unknown[]).filter((t): t is SQLiteTable => is(t, SQLiteTable));
const pgTables = (Object.values(pgSchema) as unknown[]).filter((t): t is PgTable => is(t, PgTable));

describe('the PostgreSQL schema', () => {
  it('has every table of the SQLite schema and no other', () => {
    expect(pgTables.map((t) => pgConfig(t).name).sort()).toEqual(sqliteTables.map((t) => sqliteConfig(t).name).sort());
  });

  it('has the same columns, keys, indexes and foreign keys as the SQLite schema, table by table', () => {
    for (const table of sqliteTables) {
      const sqlite = sqliteConfig(table);
      const pg = pgConfig(pgTables.find((t) => pgConfig(t).name === sqlite.name)!);
      expect({ table: sqlite.name, ...describeTable(pg, (s) => pgDialect.sqlToQuery(s).sql) }).toEqual({
        table: sqlite.name,
        ...describeTable(sqlite, (s) => sqliteDialect.sqlToQuery(s).sql),
      });
    }
  });

  describe('once migrated', () => {
    let pg: { db: PgDb; cleanup: () => Promise<void> };
    const sqlite = createTestDb('pg-parity');
    beforeAll(async () => {
      pg = await createTestPg('pg-parity');
    });
    afterAll(async () => {
      sqlite.cleanup();
      await pg?.cleanup();
    });

    it('has the tables the SQLite migrations make, but for SQLite-only bookkeeping', async () => {
      const { rows } = await pg.db.pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      const sqliteNames = (sqlite.db.sqlite.prepare("SELECT name FROM main.sqlite_master WHERE type = 'table'").pluck().all() as string[]).filter(
        (n) => !SQLITE_ONLY_TABLES.includes(n),
      );
      expect(rows.map((r) => r.table_name).sort()).toEqual(sqliteNames.sort());
    });

    it('has in the database exactly the columns, nullability and indexes the schema file declares (no drift from drizzle/pg)', async () => {
      const { rows: columns } = await pg.db.pool.query<{ table_name: string; column_name: string; is_nullable: string }>(
        "SELECT table_name, column_name, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name",
      );
      const declared = pgTables
        .flatMap((t) => pgConfig(t).columns.map((c) => ({ table_name: pgConfig(t).name, column_name: c.name, is_nullable: c.notNull ? 'NO' : 'YES' })))
        .sort((a, b) => a.table_name.localeCompare(b.table_name) || a.column_name.localeCompare(b.column_name));
      expect(columns.filter((c) => c.table_name !== 'paper_words')).toEqual(declared);

      const { rows: indexes } = await pg.db.pool.query<{ indexname: string }>(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_pk' AND tablename <> 'paper_words'",
      );
      const declaredIndexes = pgTables.flatMap((t) => [...pgConfig(t).indexes.map((i) => i.config.name!), ...pgConfig(t).uniqueConstraints.map((u) => u.name!)]);
      expect(indexes.map((i) => i.indexname).sort()).toEqual(declaredIndexes.sort());
    });
  });
});
