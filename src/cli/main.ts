import { CommanderError } from 'commander';
import { describeError, isPapersError, UsageError } from '../errors.ts';
import { createProgram } from './program.ts';
import { CliRuntime, processIo, type CliIo } from './runtime.ts';

/** Exit codes: 0 success, 1 failure, 2 usage error. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs the `papers` CLI and returns its exit code. Errors become one clear line on stderr; the stack
 * only with LOG_LEVEL=debug.
 */
export async function main(argv: string[], io: CliIo = processIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const runtime = new CliRuntime(io, env, { dotEnv: env === process.env });
  const program = createProgram(runtime);
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    return report(error, io, env);
  } finally {
    await runtime.close();
  }
}

function report(error: unknown, io: CliIo, env: NodeJS.ProcessEnv): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    io.err(`papers: ${error.message}`);
    if (error.usage) io.err(`\n${error.usage}`);
    return EXIT.usage;
  }
  const code = isPapersError(error) ? error.code : 'INTERNAL';
  io.err(`papers: ${code === 'CONFIG_INVALID' ? (error as Error).message : describeError(error)}`);
  if (env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace') io.err((error as Error).stack ?? String(error));
  return code === 'CONFIG_INVALID' ? EXIT.usage : EXIT.failure;
}
