import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.ts';
import { describeRows, tokenNote } from './dump-summary.ts';

/** `papers import --in FILE`: a dump of `papers export` into a new, empty database of either dialect. */
export function registerImport(program: Command, runtime: CliRuntime): void {
  program
    .command('import')
    .description('Load a dump of `papers export` into the database (migrated first; it must be empty), all or nothing')
    .requiredOption('--in <file>', 'the dump file to read')
    .action(async (options: { in: string }) => {
      const summary = await runtime.importDatabase(options.in);
      runtime.io.out(`Imported ${describeRows(summary)} from a ${summary.dialect} dump.`);
      const note = tokenNote(summary);
      if (note) runtime.io.out(note);
    });
}
