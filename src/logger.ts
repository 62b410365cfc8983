import { isAuthorityUrl, redactUrl, urlSecrets } from './core/url-secrets.ts';
import { createRequire } from 'node:module';
import { pino, type Logger, type LevelWithSilent } from 'pino';
import type { PrettyOptions, prettyFactory } from 'pino-pretty';
import type { Config } from './config.ts';

export type { Logger };

type Leaf = string | number | boolean | undefined | null;
/** Every dotted path to a leaf of `T` ("slack.botToken"). */
type LeafPath<T> = T extends unknown
  ? { [K in keyof T & string]-?: NonNullable<T[K]> extends Leaf ? K : `${K}.${LeafPath<NonNullable<T[K]>>}` }[keyof T & string]
  : never;

/**
 * Where the parsed {@link Config} keeps secrets (tokens, signing secrets, URLs that may carry a password).
 * Typed against `Config`, so a renamed field fails to compile; tests/unit/logger.test.ts sets every secret
 * variable of `.env.example` and fails when one lands in the config at a path missing here.
 */
export const CONFIG_SECRET_PATHS = [
  'hf.token',
  'slack.botToken',
  'slack.signingSecret',
  'slack.appToken',
  'slack.oauth.clientSecret',
  'slack.oauth.stateSecret',
  'tokenEncryptionKey',
  'discord.token',
  'redis.url',
  'database.url',
  'adminToken',
] as const satisfies readonly LeafPath<Config>[];

/** Secret-named fields of any logged object (request headers, API payloads). */
const GENERIC_PATHS = ['token', 'authorization', 'cookie', 'password', 'secret', 'headers.authorization', 'headers.cookie'];

/**
 * Paths pino blanks out: each secret as the logged object itself, or nested one or two levels down
 * (`{ config }`, `{ ctx: { config } }`). Pino wildcards match one level each.
 */
export const REDACT_PATHS = [...CONFIG_SECRET_PATHS, ...GENERIC_PATHS].flatMap((path) => [path, `*.${path}`, `*.*.${path}`]);

const CENSOR = '[redacted]';

/** A URL keeps its scheme, user and host, only its passwords are hidden; anything else is blanked. */
function censor(value: unknown): string {
  return typeof value === 'string' && isAuthorityUrl(value) ? redactUrl(value, CENSOR) : CENSOR;
}

export interface LoggerOptions {
  level?: LevelWithSilent;
  /** Where log lines go; defaults to stderr so that CLI output on stdout stays machine-readable. */
  destination?: NodeJS.WritableStream;
  /**
   * Secret values to blank wherever they appear in a line, even inside a message or an error's text
   * (see {@link configSecrets}). Redaction by path happens in any case.
   */
  secrets?: readonly string[];
  /**
   * `json`: one JSON object per line (for machines: log shippers, `jq`). `pretty`: readable lines (time, level
   * word, message, then the fields). `auto` (the default): `pretty` when the output is a terminal, else `json`.
   */
  format?: LogFormat;
  /**
   * Whether the output is a terminal, for `auto`. Defaults to: `destination.isTTY` for a given destination,
   * else stdout and stderr both terminals (a redirected or piped stdout, as under a supervisor, means JSON).
   */
  terminal?: boolean;
}

/** How log lines are written: {@link LoggerOptions.format}. */
export type LogFormat = 'auto' | 'json' | 'pretty';

/** The format `auto` stands for on this output. */
export function resolveLogFormat(format: LogFormat, terminal: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (terminal ? 'pretty' : 'json') : format;
}

function isTerminal(destination: NodeJS.WritableStream | undefined): boolean {
  if (destination) return (destination as { isTTY?: boolean }).isTTY === true;
  return process.stdout.isTTY === true && process.stderr.isTTY === true;
}

/**
 * pino-pretty's line formatter, used in this thread (no transport worker): each JSON line pino has written
 * (redacted, secrets scrubbed) becomes one readable line, synchronously, so nothing is lost on exit. Loaded
 * on the first line, so a process that logs nothing (the CLI at `warn`) never pays its ~150 ms load.
 */
function prettyDestination(out: NodeJS.WritableStream | undefined, colorize: boolean): pino.DestinationStream {
  const sink = out ?? pino.destination({ fd: 2, sync: true });
  let format: ((line: string) => string) | undefined;
  return {
    write(line: string) {
      format ??= loadPretty({
        // undefined: pino-pretty's own check (a colour terminal, NO_COLOR and FORCE_COLOR honoured).
        ...(colorize ? {} : { colorize: false }),
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname,app',
        singleLine: true,
      });
      sink.write(format(line));
    },
  };
}

function loadPretty(options: PrettyOptions): (line: string) => string {
  const pretty = createRequire(import.meta.url)('pino-pretty') as { prettyFactory: typeof prettyFactory };
  return pretty.prettyFactory(options);
}

/** The secret values of a parsed config, for {@link LoggerOptions.secrets}: from a URL, only its password. */
export function configSecrets(config: Config): string[] {
  const values: string[] = [];
  for (const path of CONFIG_SECRET_PATHS) {
    const value = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], config);
    if (typeof value !== 'string' || value === '') continue;
    if (!isAuthorityUrl(value)) values.push(value);
    else values.push(...urlSecrets(value).flatMap(passwordForms));
  }
  return values;
}

function passwordForms(encoded: string): string[] {
  try {
    return [encoded, decodeURIComponent(encoded)];
  } catch {
    return [encoded];
  }
}

function scrubber(secrets: readonly string[]): ((line: string) => string) | undefined {
  const needles = [...new Set(secrets.filter((s) => s.length >= 4).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))];
  if (needles.length === 0) return undefined;
  return (line) => needles.reduce((out, needle) => (out.includes(needle) ? out.split(needle).join(CENSOR) : out), line);
}

/**
 * The one logger factory: structured lines, JSON or readable ({@link LoggerOptions.format}), secrets redacted
 * in both (the readable line is made from the redacted, scrubbed JSON line).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const terminal = options.terminal ?? isTerminal(options.destination);
  const destination =
    resolveLogFormat(options.format ?? 'auto', terminal) === 'pretty'
      ? prettyDestination(options.destination, terminal)
      : (options.destination ?? pino.destination({ fd: 2, sync: true }));
  const streamWrite = scrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor },
      base: { app: 'papers-bot' },
      ...(streamWrite ? { hooks: { streamWrite } } : {}),
    },
    destination as pino.DestinationStream,
  );
}

/** A logger that drops everything: for tests and library defaults. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * The process logger for a parsed config: its level and format (`LOG_FORMAT`), with every config secret
 * blanked wherever it appears.
 */
export function createConfigLogger(config: Config, level: LoggerOptions['level'] = config.logLevel): Logger {
  return createLogger({ level, format: config.logFormat, secrets: configSecrets(config) });
}
