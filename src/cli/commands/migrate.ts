import type { Command } from 'commander';
import type { CliRuntime } from '../runtime.ts';

/** `papers migrate`: applies pending migrations (they also run on every start). */
export function registerMigrate(program: Command, runtime: CliRuntime): void {
  program
    .command('migrate')
    .description('Create or upgrade the database schema (also done on every start)')
    .action(async () => {
      runtime.io.out(`Database is up to date: ${await runtime.migrate()}`);
    });
}
