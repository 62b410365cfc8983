import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';

describe('configuration', () => {
  it('has working defaults for every variable', () => {
    const config = loadConfig({});
    expect(config.databasePath).toBe('./data/papers.db');
    expect(config.hf.apiUrl).toBe('https://huggingface.co');
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'papers' });
    expect(config.port).toBe(3000);
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', HF_API_URL: 'not a url', DEFAULT_TIMEZONE: 'Mars/Olympus', REDIS_URL: 'http://x' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      for (const name of ['PORT', 'HF_API_URL', 'DEFAULT_TIMEZONE', 'REDIS_URL']) expect(message).toContain(name);
      expect((error as ConfigError).problems).toHaveLength(4);
    }
  });

  it('requires the Slack signing secret with a bot token in HTTP mode', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET/);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).slack?.signingSecret).toBe('s');
  });

  it('names the default time zone by its canonical name', () => {
    expect(loadConfig({ DEFAULT_TIMEZONE: 'Asia/Calcutta' }).defaults.timeZone).toBe('Asia/Kolkata');
  });

  it('strips file: from DATABASE_URL', () => {
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db' }).databasePath).toBe('/tmp/x.db');
  });
});

describe('DATABASE_URL', () => {
  it.each([
    ['file:./data/papers.db', './data/papers.db'],
    ['file:///var/lib/papers.db', '/var/lib/papers.db'],
    ['./local.db', './local.db'],
    ['/abs/papers.db', '/abs/papers.db'],
    [':memory:', ':memory:'],
  ])('accepts %s as the SQLite file %s', (url, path) => {
    expect(loadConfig({ DATABASE_URL: url }).databasePath).toBe(path);
  });

  it.each([
    ['postgres://host/db', 10],
    ['postgresql://user@host:5432/db', 10],
  ])('reads %s as PostgreSQL, with a pool of DATABASE_POOL_SIZE connections (default %i)', (url, poolSize) => {
    expect(loadConfig({ DATABASE_URL: url }).database).toEqual({ dialect: 'postgres', url, poolSize });
    expect(loadConfig({ DATABASE_URL: url, DATABASE_POOL_SIZE: '4' }).database).toEqual({ dialect: 'postgres', url, poolSize: 4 });
  });

  it('refuses a pool size that is no whole number from 1 to 200', () => {
    for (const size of ['0', '201', 'many', '2.5']) expect(() => loadConfig({ DATABASE_URL: 'postgres://host/db', DATABASE_POOL_SIZE: size })).toThrow(/DATABASE_POOL_SIZE/);
  });

  it.each(['mysql://host/db', 'sqlite://x.db', 'postgres://'])(
    'refuses %s in one line that names the accepted forms',
    (url) => {
      try {
        loadConfig({ DATABASE_URL: url });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        expect(problems).toHaveLength(1);
        expect(problems[0]).not.toContain('\n');
        expect(problems[0]).toMatch(/^DATABASE_URL: ".+:" databases are not supported, only SQLite and PostgreSQL: use file:\.\/data\/papers\.db, .*:memory:, or postgres:\/\//);
      }
    },
  );

  it('never quotes a password from the URL back', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://bot:hunter22@db.example/papers' })).toThrow(/mysql:\/\/bot:redacted@db\.example/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://bot:hunter22@db.example/papers' })).not.toThrow(/hunter22/);
  });
});
