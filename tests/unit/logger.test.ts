import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.ts';
import { CONFIG_SECRET_PATHS, configSecrets, createLogger, type LogFormat } from '../../src/logger.ts';

const SECRET_NAME = /TOKEN|SECRET|PASSWORD|CREDENTIAL|PRIVATE/;
const REDIS_PASSWORD = 'redis-pass-9f3k';

/**
 * Every variable `.env.example` documents, with its example value, every secret-named one set to a value of
 * its own, a Redis URL with a password, and what the Discord HTTP mode needs: the whole real config.
 */
function everySecretEnv(): { env: NodeJS.ProcessEnv; secrets: string[] } {
  const example = parseEnv(readFileSync(new URL('../../.env.example', import.meta.url), 'utf8'));
  const env: NodeJS.ProcessEnv = { ...example };
  const secrets: string[] = [];
  for (const name of Object.keys(example).filter((n) => SECRET_NAME.test(n))) {
    env[name] = `${name.toLowerCase()}-value-7qx`;
    secrets.push(env[name]!);
  }
  env.REDIS_URL = `redis://papers:${REDIS_PASSWORD}@127.0.0.1:6379`;
  secrets.push(REDIS_PASSWORD);
  env.DISCORD_APPLICATION_ID = '123456789012345678';
  env.DISCORD_PUBLIC_KEY = 'ab'.repeat(32);
  return { env, secrets };
}

/** The same in Slack OAuth mode (client id and secret instead of a bot token), which `.env.example` leaves commented. */
function oauthSecretEnv(): { env: NodeJS.ProcessEnv; secrets: string[] } {
  const { env, secrets } = everySecretEnv();
  const oauth = { SLACK_CLIENT_SECRET: 'client-secret-value-7qx', SLACK_STATE_SECRET: 'state-secret-value-7qx', TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  const kept = secrets.filter((s) => s !== env.SLACK_BOT_TOKEN && s !== env.SLACK_APP_TOKEN);
  return { env: { ...env, SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '', SLACK_CLIENT_ID: '1.2', ...oauth }, secrets: [...kept, ...Object.values(oauth)] };
}

/** The same on PostgreSQL: a DATABASE_URL with a password. */
function postgresSecretEnv(): { env: NodeJS.ProcessEnv; secrets: string[] } {
  const { env, secrets } = everySecretEnv();
  return { env: { ...env, DATABASE_URL: 'postgres://papers:pg-pass-4t8w@db.internal:5432/papers' }, secrets: [...secrets, 'pg-pass-4t8w'] };
}

function capture(): { destination: Writable; output: () => string } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { destination, output: () => lines.join('') };
}

function leaves(node: unknown, prefix = ''): { path: string; value: unknown }[] {
  if (node === null || typeof node !== 'object') return [{ path: prefix, value: node }];
  return Object.entries(node).flatMap(([key, value]) => leaves(value, prefix ? `${prefix}.${key}` : key));
}

describe.each<Exclude<LogFormat, 'auto'>>(['json', 'pretty'])('the logger, %s lines', (format) => {
  it('logs the real parsed config at trace, whole or nested, without any secret in it', () => {
    const { env, secrets } = everySecretEnv();
    const config = loadConfig(env);
    const { destination, output } = capture();
    const logger = createLogger({ level: 'trace', destination, format });
    logger.trace(config, 'config as the object');
    logger.trace({ config }, 'config under a key');
    logger.trace({ ctx: { config } }, 'config two levels down');
    logger.child({ config }).trace('config bound to a child');
    logger.info({ headers: { authorization: `Bearer ${config.hf.token}` }, token: config.slack?.botToken }, 'calling out');
    const text = output();
    expect(text.split('\n').filter(Boolean)).toHaveLength(5);
    expect(text).toContain(format === 'json' ? '"msg":"config two levels down"' : 'TRACE: config two levels down {');
    expect(text).toContain('127.0.0.1:6379');
    expect(text).toContain('"apiUrl":"https://huggingface.co"');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('blanks the config secrets inside message text too, when given them', () => {
    const { env, secrets } = everySecretEnv();
    const config: Config = loadConfig(env);
    const { destination, output } = capture();
    const logger = createLogger({ level: 'trace', destination, format, secrets: configSecrets(config) });
    logger.warn({ url: `https://discord.test/api/bot/${config.discord?.token}` }, `POST with ${config.slack?.signingSecret} failed`);
    logger.error({ err: new Error(`redis said no to ${REDIS_PASSWORD}`) }, 'redis');
    const text = output();
    expect(text).toContain('[redacted]');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

describe('the logger', () => {

  it('lists every config field that holds a secret, so a new secret cannot be left out of redaction', () => {
    const holding = new Set<string>();
    for (const { env, secrets } of [everySecretEnv(), oauthSecretEnv(), postgresSecretEnv()]) {
      const found = leaves(loadConfig(env))
        .filter(({ value }) => typeof value === 'string' && secrets.some((s) => value.includes(s)))
        .map(({ path }) => path);
      expect(found.length).toBeGreaterThanOrEqual(secrets.length);
      for (const path of found) holding.add(path);
      const secretKeyed = leaves(loadConfig(env))
        .map(({ path }) => path)
        .filter((path) => /token|secret|password|credential|private/i.test(path.split('.').pop()!));
      for (const path of secretKeyed) expect(CONFIG_SECRET_PATHS as readonly string[]).toContain(path);
    }
    expect([...holding].sort()).toEqual([...CONFIG_SECRET_PATHS].sort());
  });

  it.each([
    ['postgres://papers:pg-pass-4t8w@db.internal:5432/papers', 'pg-pass-4t8w'],
    ['postgres://papers@db.internal/papers?password=qsecret99', 'qsecret99'],
    ['postgres://papers:1234/abc9@db.internal/papers', '1234/abc9'],
  ])('logs a PostgreSQL config (%s) without its password, keeping its host, in both formats', (url, password) => {
    const { env } = everySecretEnv();
    for (const format of ['json', 'pretty'] as const) {
      const config = loadConfig({ ...env, DATABASE_URL: url });
      const { destination, output } = capture();
      const logger = createLogger({ level: 'trace', destination, format, secrets: configSecrets(config) });
      logger.trace({ config }, 'config');
      logger.warn(`could not reach ${config.database.dialect === 'postgres' ? config.database.url : ''}`);
      expect(output()).not.toContain(password);
      expect(output()).toContain('db.internal');
    }
  });

  it('logs a Slack OAuth-mode config without its client secret, state secret or encryption key', () => {
    const { env, secrets } = oauthSecretEnv();
    const config = loadConfig(env);
    const { destination, output } = capture();
    const logger = createLogger({ level: 'trace', destination, format: 'json', secrets: configSecrets(config) });
    logger.trace({ config }, 'config');
    logger.warn(`install with ${config.slack?.oauth?.clientSecret} failed`);
    const text = output();
    expect(text).toContain('"clientId":"1.2"');
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

});
