import type pg from 'pg';
import { statement } from './statement.ts';
import type { PgTx } from './transaction.ts';

/**
 * Where a store's statements run: the pool (each statement on any connection, committed on its own) or one
 * transaction's connection ({@link PgTx}), so a store's SQL serves a transaction of another store unchanged.
 */
export type PgRunner = pg.Pool | PgTx;

/** Runs one parameterized statement (`$1` placeholders) on `on`; the rows, and how many rows it wrote. */
export async function run<R extends pg.QueryResultRow = Record<string, unknown>>(on: PgRunner, text: string, values: unknown[] = []): Promise<{ rows: R[]; count: number }> {
  const result = await (on as pg.Pool).query<R>(statement(text, values));
  return { rows: result.rows, count: result.rowCount ?? 0 };
}

/** The ISO-8601 UTC timestamp with milliseconds the schema's defaults write, taken at the statement's start. */
export const ISO_NOW = `to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
