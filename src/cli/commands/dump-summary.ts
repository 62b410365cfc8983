import type { DumpCounts } from '../runtime.ts';

/** `12 rows (papers 10, channels 2)`: the total and every table that has rows. */
export function describeRows(summary: DumpCounts): string {
  const tables = Object.entries(summary.rows).filter(([, n]) => n > 0);
  const total = tables.reduce((sum, [, n]) => sum + n, 0);
  return `${total} row${total === 1 ? '' : 's'}${tables.length > 0 ? ` (${tables.map(([name, n]) => `${name} ${n}`).join(', ')})` : ''}`;
}

/** The note for dumps that carry chat-app installations: their tokens stay sealed with the source's key. */
export function tokenNote(summary: DumpCounts): string | undefined {
  return (summary.rows.installations ?? 0) > 0 ? 'Installations keep their tokens encrypted as stored: the target needs the same TOKEN_ENCRYPTION_KEY.' : undefined;
}
