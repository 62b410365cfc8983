import type pg from 'pg';
import { statement } from './statement.ts';

/** What runs a query: the pool (one statement, its own transaction) or a connection inside {@link inTransaction}. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

/** The rows of one parameterized statement. */
export async function rowsOf<T>(db: Queryable, text: string, params: unknown[] = []): Promise<T[]> {
  return (await db.query(statement(text, params))).rows as T[];
}

/** The first row of one parameterized statement, if any. */
export async function rowOf<T>(db: Queryable, text: string, params: unknown[] = []): Promise<T | undefined> {
  return (await db.query(statement(text, params))).rows[0] as T | undefined;
}

/** How many rows one parameterized statement wrote. */
export async function changesOf(db: Queryable, text: string, params: unknown[] = []): Promise<number> {
  return (await db.query(statement(text, params))).rowCount ?? 0;
}

/** Whether `error` is PostgreSQL's unique violation. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}
