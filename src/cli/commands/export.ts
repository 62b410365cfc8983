import { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.ts';
import { describeRows, tokenNote } from './dump-summary.ts';

/** A stream whose lines go to `out` (an injected CliIo without a stdout stream). */
function linesTo(out: (text: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      out(String(chunk).replace(/\n$/, ''));
      done();
    },
  });
}

/** `papers export [--out FILE]`: the whole database as a dump (NDJSON), to stdout or a file. */
export function registerExport(program: Command, runtime: CliRuntime): void {
  program
    .command('export')
    .description('Write every table of the database (SQLite or PostgreSQL) as a dump, for `papers import` into another one')
    .option('--out <file>', 'write the dump to this file (default: stdout)')
    .action(async (options: { out?: string }) => {
      const { exportDatabase } = await import('../../db/dump/database-dump.ts');
      const { createDumpFile } = await import('../../db/dump/dump-file.ts');
      const database = runtime.config.database;
      if (options.out === undefined) {
        const summary = await exportDatabase(database, runtime.io.stdout ?? linesTo(runtime.io.out));
        runtime.io.err(`Exported ${describeRows(summary)}.`);
        return;
      }
      const file = await createDumpFile(options.out);
      try {
        const summary = await exportDatabase(database, file.stream);
        await file.finish();
        runtime.io.out(`Exported ${describeRows(summary)} to ${options.out}.`);
        const note = tokenNote(summary);
        if (note) runtime.io.out(note);
      } catch (error) {
        await file.discard();
        throw error;
      }
    });
}
