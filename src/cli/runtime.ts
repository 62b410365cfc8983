import type { Writable } from 'node:stream';
import { loadConfig, loadDotEnv, type Config } from '../config.ts';
import type { OperatorApp } from '../app/operator-app.ts';
import { createConfigLogger, type Logger } from '../logger.ts';

/** Where CLI commands write: stdout for results, stderr for notes; injectable for tests. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars). */
  isTty: boolean;
  /** stdout as a stream, for output too large to hold (`papers export`); without it, such output goes through `out`. */
  stdout?: Writable;
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  isTty: Boolean(process.stderr.isTTY),
  stdout: process.stdout,
};

/** What an export wrote or an import stored: the source's dialect and the rows of each table. */
export interface DumpCounts {
  dialect: string;
  rows: Record<string, number>;
}

/** Config, logger and (lazily) the operator's app for one CLI run. Nothing is opened until a command needs it. */
export class CliRuntime {
  private opened: OperatorApp | undefined;
  private cachedConfig: Config | undefined;
  private cachedLogger: Logger | undefined;

  /** @param options.dotEnv load `.env` first (only when `env` is the process's own environment). */
  constructor(
    readonly io: CliIo,
    private readonly env: NodeJS.ProcessEnv,
    private readonly options: { dotEnv: boolean } = { dotEnv: false },
  ) {}

  get config(): Config {
    if (!this.cachedConfig) {
      if (this.options.dotEnv) loadDotEnv();
      this.cachedConfig = loadConfig(this.env);
    }
    return this.cachedConfig;
  }

  get logger(): Logger {
    this.cachedLogger ??= createConfigLogger(this.config, this.env.LOG_LEVEL ? this.config.logLevel : 'warn');
    return this.cachedLogger;
  }

  /** The operator's application, composed by the composition root (src/main.ts) on first use. */
  async app(): Promise<OperatorApp> {
    if (!this.opened) {
      const { openOperatorApp } = await import('../main.ts');
      this.opened = await openOperatorApp(this.config, this.logger);
    }
    return this.opened;
  }

  /** Creates or upgrades the database's schema (either dialect) without opening the rest of the app. */
  async migrate(): Promise<string> {
    const { migrateConfiguredDatabase } = await import('../main.ts');
    return migrateConfiguredDatabase(this.config);
  }

  /** `papers export`: the database as a dump, to the file at `path` or to stdout (src/db/dump, through src/main.ts). */
  async exportDatabase(path: string | undefined, stdout: Writable): Promise<DumpCounts> {
    const { exportConfiguredDatabase } = await import('../main.ts');
    return exportConfiguredDatabase(this.config, { path, stdout });
  }

  /** `papers import`: the dump file at `path` into the (empty) database. */
  async importDatabase(path: string): Promise<DumpCounts> {
    const { importConfiguredDatabase } = await import('../main.ts');
    return importConfiguredDatabase(this.config, path);
  }

  async close(): Promise<void> {
    await this.opened?.close();
  }
}
