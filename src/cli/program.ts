import { Command } from 'commander';
import { registerChannels } from './commands/channels.ts';
import { registerDigest } from './commands/digest.ts';
import { registerDiscord } from './commands/discord-register.ts';
import { registerExport } from './commands/export.ts';
import { registerImport } from './commands/import.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerMigrate } from './commands/migrate.ts';
import { registerSearch } from './commands/search.ts';
import { registerShow } from './commands/show.ts';
import { registerSimilar } from './commands/similar.ts';
import { registerWorker } from './commands/worker.ts';
import type { CliRuntime } from './runtime.ts';

/** The `papers` program: every subcommand registered here, one file each under `commands/`. */
export function createProgram(runtime: CliRuntime): Command {
  const program = new Command('papers')
    .description("papers bot: the day's trending research papers from Hugging Face Daily Papers, for Slack and Discord")
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => runtime.io.out(s.trimEnd()), writeErr: (s) => runtime.io.err(s.trimEnd()) })
    .exitOverride();
  registerIngest(program, runtime);
  registerSearch(program, runtime);
  registerShow(program, runtime);
  registerSimilar(program, runtime);
  registerDigest(program, runtime);
  registerMigrate(program, runtime);
  registerExport(program, runtime);
  registerImport(program, runtime);
  registerChannels(program, runtime);
  registerWorker(program, runtime);
  registerDiscord(program, runtime);
  for (const command of program.commands) command.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}
