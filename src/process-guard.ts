import type { Logger } from './logger.ts';

/**
 * Keeps one failure from ending the whole process: an unhandled promise rejection or an uncaught exception
 * (a bug reached by one request or one job) is logged at `error` with its stack, and the HTTP server, the
 * adapters, the workers and the schedulers keep running (what must survive lives in SQLite and Redis, not
 * in this process's memory).
 * Returns a function that removes the handlers again.
 */
export function installProcessGuard(logger: Logger, proc: NodeJS.EventEmitter = process): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, 'unhandled promise rejection; still running');
  };
  const onException = (error: unknown, origin?: string) => {
    logger.error({ err: error, origin }, 'uncaught exception; still running');
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
