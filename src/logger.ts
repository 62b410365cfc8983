import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths pino blanks out wherever they appear in a log line. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'config.slackBotToken',
  'config.slackSigningSecret',
  'config.slackAppToken',
  'config.discordToken',
  'config.hfToken',
  'slackBotToken',
  'slackSigningSecret',
  'slackAppToken',
  'discordToken',
  'hfToken',
];

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where log lines go; defaults to stderr so that CLI output on stdout stays machine-readable. */
  destination?: NodeJS.WritableStream;
}

/** The one logger factory: structured JSON lines, secrets redacted. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? pino.destination({ fd: 2, sync: true });
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'papers-bot' },
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that drops everything: for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
