import type { Command } from 'commander';
import { createConfigLogger } from '../../logger.ts';
import { installProcessGuard } from '../../process-guard.ts';
import type { CliRuntime } from '../runtime.ts';

/**
 * `papers worker`: queue workers only (digests, deliveries, scheduled ingests), no HTTP server and no
 * schedules; run several to share the load (on one machine while the database is a SQLite file).
 * Stops on SIGTERM/SIGINT after finishing in-flight jobs; a second signal forces.
 */
export function registerWorker(program: Command, runtime: CliRuntime): void {
  program
    .command('worker')
    .description('Run queue workers only (digests, deliveries, ingest); several may share the queues')
    .action(async () => {
      const config = runtime.config;
      const { exitOnSignals, startWorkerProcess } = await import('../../main.ts');
      const logger = createConfigLogger(config);
      installProcessGuard(logger);
      const running = await startWorkerProcess(config, logger);
      await exitOnSignals(running);
    });
}
