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
      const summary = await runtime.exportDatabase(options.out, runtime.io.stdout ?? linesTo(runtime.io.out));
      // With the dump on stdout, what is said goes to stderr.
      const say = options.out === undefined ? runtime.io.err : runtime.io.out;
      say(`Exported ${describeRows(summary)}${options.out === undefined ? '' : ` to ${options.out}`}.`);
      const note = tokenNote(summary);
      if (note) say(note);
    });
}
