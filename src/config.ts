import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { canonicalTimeZone, isValidTimeZone } from './core/time.ts';
import { parseEncryptionKey } from './core/token-cipher.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));
const url = (fallback: string) => z.url({ protocol: /^https?$/ }).default(fallback);
const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const DATABASE_FORMS = 'file:./data/papers.db, file:///absolute/path.db, a plain file path, :memory:, or postgres://user@host:5432/db';
const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s]+$/;
/** Where local data (the embedded Redis) goes when the database is not a SQLite file. */
const DEFAULT_SQLITE_PATH = './data/papers.db';

/** The SQLite file a `DATABASE_URL` names, or undefined for a URL of another kind (`postgres://...`). */
export function sqlitePathFrom(url: string): string | undefined {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (url.startsWith('file:')) return url.slice('file:'.length) || undefined;
  const windowsDrive = /^[A-Za-z]:[\\/]/.test(url);
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(url) && !windowsDrive ? undefined : url;
}

/** Every environment variable the bot reads, with its default. `.env.example` documents each one. */
const schema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DATABASE_URL: z
    .string()
    .min(1)
    .default('file:./data/papers.db')
    .superRefine((url, ctx) => {
      if (POSTGRES_URL.test(url) || sqlitePathFrom(url) !== undefined) return;
      const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0] ?? url;
      ctx.addIssue({ code: 'custom', message: `"${scheme}" databases are not supported, only SQLite and PostgreSQL: use ${DATABASE_FORMS}` });
    }),
  DATABASE_POOL_SIZE: int(10, 1, 200),
  HF_API_URL: url('https://huggingface.co'),
  HF_TOKEN: optionalString,
  HF_TIMEOUT_MS: int(15_000, 100, 300_000),
  HF_MAX_RETRIES: int(4, 0, 10),
  HF_SEARCH_TIMEOUT_MS: int(2_500, 100, 30_000),
  HF_SEARCH_WHEN_FEWER_THAN: int(3, 0, 100),
  ARXIV_ENRICH: bool.default(false),
  ARXIV_API_URL: url('https://export.arxiv.org/api/query'),
  ARXIV_MIN_INTERVAL_MS: int(3_000, 0, 60_000),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), 'must start with redis:// or rediss://'),
  LOCAL_REDIS_PORT: int(6379, 1, 65_535),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only').default('papers'),
  INGEST_CRON: z.string().min(1).default('*/30 * * * *'),
  JOB_LOCK_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  PORT: int(3000, 0, 65_535),
  DEFAULT_TIMEZONE: z
    .string()
    .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin')
    .default('UTC')
    .transform((zone) => canonicalTimeZone(zone) ?? zone),
  DEFAULT_DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24h)').default('09:00'),
  DIGEST_MAX_CATCHUP_DAYS: z.coerce.number().int().min(1).max(60).default(7),
  BACKFILL_DAYS: z.coerce.number().int().min(0).max(365).default(14),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_API_URL: url('https://slack.com/api/'),
  SLACK_ADMINS_ONLY: bool.default(false),
  SLACK_CLIENT_ID: optionalString,
  SLACK_CLIENT_SECRET: optionalString,
  SLACK_STATE_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters (e.g. openssl rand -hex 24)'),
  SLACK_INSTALL_SCOPES: optionalString,
  TOKEN_ENCRYPTION_KEY: optionalString.superRefine((v, ctx) => {
    if (v === undefined) return;
    const key = parseEncryptionKey(v);
    if (typeof key === 'string') ctx.addIssue({ code: 'custom', message: key });
  }),
  DISCORD_TOKEN: optionalString,
  DISCORD_APPLICATION_ID: optionalString,
  DISCORD_PUBLIC_KEY: optionalString.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), 'must be 64 hex characters (the app\'s public key)'),
  DISCORD_API_URL: url('https://discord.com/api'),
  ADMIN_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters (e.g. openssl rand -hex 24)'),
});

/** `DATABASE_URL` read: which dialect, and where. */
export type DatabaseConfig = { dialect: 'sqlite'; path: string } | { dialect: 'postgres'; url: string; poolSize: number };

function databaseOf(url: string, poolSize: number): DatabaseConfig {
  return POSTGRES_URL.test(url) ? { dialect: 'postgres', url, poolSize } : { dialect: 'sqlite', path: sqlitePathFrom(url)! };
}

export interface Config {
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** `auto`: readable lines when stdout and stderr are terminals, JSON lines otherwise; `json` or `pretty` force one. */
  logFormat: z.infer<typeof schema>['LOG_FORMAT'];
  /** The database every process shares: a SQLite file (the embedded default) or PostgreSQL (many machines). */
  database: DatabaseConfig;
  /**
   * Filesystem path of the SQLite database (`:memory:` allowed); with PostgreSQL, the default file path, which
   * only places local data (the embedded Redis's folder) beside where a SQLite file would be.
   */
  databasePath: string;
  /** How long a job stays claimed by a worker that stopped answering before another worker takes it over (`JOB_LOCK_MS`). */
  jobLockMs: number;
  hf: {
    apiUrl: string;
    token?: string;
    timeoutMs: number;
    maxRetries: number;
    /** Hugging Face search: one attempt within this, asked when a search finds fewer than `searchWhenFewerThan` here (0: only on request). */
    searchTimeoutMs: number;
    searchWhenFewerThan: number;
  };
  arxiv: { enrich: boolean; apiUrl: string; minIntervalMs: number };
  redis: { url: string; prefix: string };
  /** Set when REDIS_URL is not: `npm start` starts its own redis-server on 127.0.0.1:port when nothing answers there. */
  localRedis?: { port: number };
  ingestCron: string;
  port: number;
  defaults: { timeZone: string; digestTime: string };
  /** How many feed days one digest covers at most after downtime (a weekly digest always covers its week). */
  digestMaxCatchUpDays: number;
  /** On a first start (nothing ingested), how many feed days before today are backfilled in the background. */
  backfillDays: number;
  /**
   * Slack: one workspace on `botToken` (single-token mode), or any workspace that installs the app through
   * `oauth` (OAuth mode: each workspace's own token, from the installation store).
   */
  slack?: { botToken?: string; oauth?: SlackOAuthConfig; signingSecret?: string; appToken?: string; apiUrl: string; adminsOnly: boolean };
  discord?: { token?: string; applicationId?: string; publicKey?: string; apiUrl: string };
  /** The web dashboard's sign-in token; unset: the dashboard answers only on loopback, read-only. */
  adminToken?: string;
  /**
   * `TOKEN_ENCRYPTION_KEY` as written (checked to be 32 bytes in hex or base64; `encryptionKey` decodes it): seals
   * platform tokens at rest. Required in Slack OAuth mode.
   */
  tokenEncryptionKey?: string;
}

/** Slack's OAuth v2 install flow (`GET /slack/install`, `GET /slack/oauth_redirect`). */
export interface SlackOAuthConfig {
  clientId: string;
  clientSecret: string;
  /** Signs the `state` parameter of the install flow (CSRF). */
  stateSecret: string;
  /** Bot scopes asked at install (`SLACK_INSTALL_SCOPES`, comma-separated). */
  scopes: string[];
}

/** The bot scopes the manifest asks for: what an install through `/slack/install` grants by default. */
export const DEFAULT_SLACK_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'channels:history', 'groups:history', 'im:history', 'im:write', 'channels:join', 'users:read', 'reactions:read'];

/** Variables whose value a problem never quotes back. */
const SECRETS = new Set(['ADMIN_TOKEN', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY']);

/** A value quoted back in a problem, with the password of a URL blanked. */
function shown(value: unknown): unknown {
  if (typeof value !== 'string' || !URL.canParse(value)) return value;
  const u = new URL(value);
  if (!u.password) return value;
  u.password = 'redacted';
  return u.toString();
}

function crossChecks(env: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET && !env.SLACK_APP_TOKEN) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN unless SLACK_APP_TOKEN (Socket Mode) is set');
  }
  const oauth = Boolean(env.SLACK_CLIENT_ID || env.SLACK_CLIENT_SECRET);
  if ((env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN) && !env.SLACK_BOT_TOKEN && !oauth) {
    problems.push('SLACK_BOT_TOKEN: required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set (or set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth mode)');
  }
  if (oauth) problems.push(...oauthChecks(env));
  if (env.DISCORD_PUBLIC_KEY && !env.DISCORD_APPLICATION_ID) {
    problems.push('DISCORD_APPLICATION_ID: required when DISCORD_PUBLIC_KEY is set');
  }
  return problems;
}

/** OAuth mode (`SLACK_CLIENT_ID` or `SLACK_CLIENT_SECRET` set): what else it needs, and what it excludes. */
function oauthChecks(env: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (!env.SLACK_CLIENT_ID) problems.push('SLACK_CLIENT_ID: required with SLACK_CLIENT_SECRET (OAuth mode)');
  if (!env.SLACK_CLIENT_SECRET) problems.push('SLACK_CLIENT_SECRET: required with SLACK_CLIENT_ID (OAuth mode)');
  if (!env.SLACK_STATE_SECRET) problems.push('SLACK_STATE_SECRET: required in OAuth mode (SLACK_CLIENT_ID), signs the install state (e.g. openssl rand -hex 24)');
  if (!env.TOKEN_ENCRYPTION_KEY) problems.push('TOKEN_ENCRYPTION_KEY: required in OAuth mode (SLACK_CLIENT_ID), encrypts the stored bot tokens (e.g. openssl rand -base64 32)');
  if (!env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required in OAuth mode (SLACK_CLIENT_ID): commands and events arrive over HTTP');
  if (env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN: leave unset in OAuth mode (SLACK_CLIENT_ID): each workspace uses the token it installed with');
  if (env.SLACK_APP_TOKEN) problems.push('SLACK_APP_TOKEN: Socket Mode serves one workspace; leave unset in OAuth mode (SLACK_CLIENT_ID)');
  return problems;
}

/**
 * Reads and validates the environment: the only place `process.env` is read.
 * Throws {@link ConfigError} naming every bad variable at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const got = (name: string) => (SECRETS.has(name) ? '' : ` (got ${JSON.stringify(shown(env[name]) ?? null)})`);
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}${got(String(issue.path[0]))}`);
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const problems = crossChecks(e);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    database: databaseOf(e.DATABASE_URL, e.DATABASE_POOL_SIZE),
    databasePath: sqlitePathFrom(e.DATABASE_URL) ?? DEFAULT_SQLITE_PATH,
    hf: {
      apiUrl: e.HF_API_URL.replace(/\/+$/, ''),
      token: e.HF_TOKEN,
      timeoutMs: e.HF_TIMEOUT_MS,
      maxRetries: e.HF_MAX_RETRIES,
      searchTimeoutMs: e.HF_SEARCH_TIMEOUT_MS,
      searchWhenFewerThan: e.HF_SEARCH_WHEN_FEWER_THAN,
    },
    arxiv: { enrich: e.ARXIV_ENRICH, apiUrl: e.ARXIV_API_URL, minIntervalMs: e.ARXIV_MIN_INTERVAL_MS },
    redis: { url: e.REDIS_URL ?? `redis://127.0.0.1:${e.LOCAL_REDIS_PORT}`, prefix: e.QUEUE_PREFIX },
    localRedis: e.REDIS_URL ? undefined : { port: e.LOCAL_REDIS_PORT },
    ingestCron: e.INGEST_CRON,
    jobLockMs: e.JOB_LOCK_MS,
    port: e.PORT,
    defaults: { timeZone: e.DEFAULT_TIMEZONE, digestTime: e.DEFAULT_DIGEST_TIME },
    digestMaxCatchUpDays: e.DIGEST_MAX_CATCHUP_DAYS,
    backfillDays: e.BACKFILL_DAYS,
    slack: e.SLACK_CLIENT_ID
      ? {
          oauth: {
            clientId: e.SLACK_CLIENT_ID,
            clientSecret: e.SLACK_CLIENT_SECRET!,
            stateSecret: e.SLACK_STATE_SECRET!,
            scopes: e.SLACK_INSTALL_SCOPES ? e.SLACK_INSTALL_SCOPES.split(',').map((s) => s.trim()).filter(Boolean) : DEFAULT_SLACK_SCOPES,
          },
          signingSecret: e.SLACK_SIGNING_SECRET,
          apiUrl: e.SLACK_API_URL,
          adminsOnly: e.SLACK_ADMINS_ONLY,
        }
      : e.SLACK_BOT_TOKEN
        ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL, adminsOnly: e.SLACK_ADMINS_ONLY }
        : undefined,
    discord:
      e.DISCORD_TOKEN || e.DISCORD_PUBLIC_KEY
        ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, publicKey: e.DISCORD_PUBLIC_KEY, apiUrl: e.DISCORD_API_URL.replace(/\/+$/, '') }
        : undefined,
    adminToken: e.ADMIN_TOKEN,
    ...(e.TOKEN_ENCRYPTION_KEY ? { tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY } : {}),
  };
}

/** Loads `.env` from the working directory into `process.env` when the file exists (real env wins). */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
