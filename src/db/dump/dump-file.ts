import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { DatabaseConfig } from '../../config.ts';
import { exportDatabase, importDatabase, type DumpSummary } from './database-dump.ts';
import { DumpError } from './dump-format.ts';

function why(cause: unknown): string {
  return (cause as { code?: string }).code ?? (cause as Error).message;
}

/** The dump file at `path`, streamed; a file that cannot be read is one {@link DumpError} naming it. */
export async function openDumpFile(path: string): Promise<Readable> {
  try {
    const handle = await open(path, 'r');
    return handle.createReadStream({ encoding: 'utf8' });
  } catch (cause) {
    throw new DumpError(`Cannot read the dump ${path}: ${why(cause)}`, undefined, { cause });
  }
}

/**
 * A new dump file at `path`, written beside it first (`<path>.partial`) and moved into place by `finish`
 * (which ends the stream) once complete, so `path` is never a cut-short dump; `discard` removes the partial file.
 */
export async function createDumpFile(path: string): Promise<{ stream: Writable; finish: () => Promise<void>; discard: () => Promise<void> }> {
  const partial = `${path}.partial`;
  const stream = createWriteStream(partial, { flags: 'w' });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
  } catch (cause) {
    throw new DumpError(`Cannot write the dump ${path}: ${why(cause)}`, undefined, { cause });
  }
  return {
    stream,
    finish: async () => {
      stream.end();
      await finished(stream);
      await rename(partial, path);
    },
    discard: async () => {
      stream.destroy();
      await rm(partial, { force: true });
    },
  };
}

/**
 * `papers export`: the configured database as a dump to the file at `path` (complete, or not there at all), or
 * to `stdout` when no path is given. See {@link exportDatabase}.
 */
export async function exportDatabaseTo(database: DatabaseConfig, to: { path?: string; stdout: Writable }): Promise<DumpSummary> {
  if (to.path === undefined) return exportDatabase(database, to.stdout);
  const file = await createDumpFile(to.path);
  try {
    const summary = await exportDatabase(database, file.stream);
    await file.finish();
    return summary;
  } catch (error) {
    await file.discard();
    throw error;
  }
}

/** `papers import`: the dump file at `path` into the configured database. See {@link importDatabase}. */
export async function importDatabaseFrom(database: DatabaseConfig, path: string): Promise<DumpSummary> {
  const input = await openDumpFile(path);
  try {
    return await importDatabase(database, input);
  } finally {
    input.destroy();
  }
}
