import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PapersError } from '../../errors.ts';
import { MIGRATIONS_FOLDER } from '../client.ts';
import { PG_MIGRATIONS_FOLDER } from '../pg-migrations.ts';

/**
 * The dump format (NDJSON, one JSON object per line, UTF-8):
 * 1. a header: `{"format":"papers-dump","version":1,"dialect":"sqlite","migration":"0017_slack_installations",...}`;
 * 2. one line per row, tables in foreign-key order: `{"table":"papers","row":{"seq":1,"id":"2501.00001",...}}`,
 *    keyed by SQL column name, flags as booleans, timestamps and JSON arrays as the text the database keeps;
 * 3. an end line with the row count of every table: `{"end":true,"rows":{"papers":3,...}}`. A file without it
 *    was cut short, and an import refuses it.
 * `installations.sealed` stays encrypted as stored: the target needs the same TOKEN_ENCRYPTION_KEY.
 */
export const DUMP_FORMAT = 'papers-dump';

/** The version of the line format above; an import reads this version only. */
export const DUMP_VERSION = 1;

export type Dialect = 'sqlite' | 'postgres';

export const headerLine = z.object({
  format: z.literal(DUMP_FORMAT),
  version: z.number().int(),
  dialect: z.enum(['sqlite', 'postgres']),
  /** The last migration the source had applied (a tag of its dialect's drizzle journal). */
  migration: z.string(),
  exportedAt: z.string(),
});
export type DumpHeader = z.infer<typeof headerLine>;

export const rowLine = z.strictObject({ table: z.string(), row: z.record(z.string(), z.unknown()) });

export const endLine = z.strictObject({ end: z.literal(true), rows: z.record(z.string(), z.number().int().nonnegative()) });

/** A dump that cannot be written or read, or a target that cannot take it: one line, naming the file's line when there is one. */
export class DumpError extends PapersError {
  constructor(
    message: string,
    readonly line?: number,
    options?: { cause?: unknown },
  ) {
    super('DATABASE', line === undefined ? message : `line ${line}: ${message}`, options);
  }
}

interface JournalEntry {
  when: number;
  tag: string;
}

const journals = new Map<Dialect, JournalEntry[]>();

/** The migrations this version of papers knows for `dialect`, oldest first (drizzle's meta/_journal.json). */
export function migrationsOf(dialect: Dialect): JournalEntry[] {
  let entries = journals.get(dialect);
  if (!entries) {
    const folder = dialect === 'sqlite' ? MIGRATIONS_FOLDER : PG_MIGRATIONS_FOLDER;
    entries = (JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] }).entries;
    journals.set(dialect, entries);
  }
  return entries;
}

/** The newest migration of `dialect`: what a database must have applied for its rows to have this version's columns. */
export function latestMigration(dialect: Dialect): string {
  return migrationsOf(dialect).at(-1)!.tag;
}

/** The tag of the migration drizzle recorded at `createdAt` (its `created_at` is the journal's `when`). */
export function migrationAt(dialect: Dialect, createdAt: number | undefined): string | undefined {
  if (createdAt === undefined) return undefined;
  return migrationsOf(dialect).find((m) => m.when === createdAt)?.tag;
}

/** The first problem zod found, as `path: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
