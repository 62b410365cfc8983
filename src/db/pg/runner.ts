import type pg from 'pg';
import { statement } from './statement.ts';
import type { PgTx } from './transaction.ts';

/**
 * Where a store's statements run: the pool (each statement on any connection, committed on its own) or one
 * transaction's connection ({@link PgTx}), so a store's SQL serves a transaction of another store unchanged.
 */
export type PgRunner = pg.Pool | PgTx;

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

/** Runs one parameterized statement (`$1` placeholders) on `on`; the rows, and how many rows it wrote. */
export async function run<R extends pg.QueryResultRow = Record<string, unknown>>(on: PgRunner, text: string, values: unknown[] = []): Promise<{ rows: R[]; count: number }> {
  const result = await (on as pg.Pool).query<R>(statement(text, values));
  return { rows: result.rows, count: result.rowCount ?? 0 };
}

/** The ISO-8601 UTC timestamp with milliseconds the schema's defaults write, taken at the statement's start. */
export const ISO_NOW = `to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The rows of one parameterized statement. */
export async function rowsOf<T>(on: PgRunner, text: string, values: unknown[] = []): Promise<T[]> {
  return (await run(on, text, values)).rows as T[];
}

/** The first row of one parameterized statement, if any. */
export async function rowOf<T>(on: PgRunner, text: string, values: unknown[] = []): Promise<T | undefined> {
  return (await run(on, text, values)).rows[0] as T | undefined;
}

/** How many rows one parameterized statement wrote. */
export async function changesOf(on: PgRunner, text: string, values: unknown[] = []): Promise<number> {
  return (await run(on, text, values)).count;
}

/** Whether `error` is PostgreSQL's unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}
