import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localRedisDir, provideRedis } from '../../jobs/local-redis.ts';
import { assertRedisReachable } from '../../jobs/redis-connection.ts';
import { silentLogger } from '../../src/logger.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const root = mkdtempSync(join(tmpdir(), 'papers-local-redis-'));
const answers = (url: string) => assertRedisReachable(url, 500).then(() => true, () => false);
let silent: Server;
let silentPort: number;

beforeAll(async () => {
  silent = createServer((socket) => socket.on('data', () => {}));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => silent.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe("npm start's own Redis", () => {
  it('starts on a free port when its port is held by something that never answers PING', async () => {
    const taken = `redis://127.0.0.1:${silentPort}`;
    const databasePath = join(root, 'papers.db');
    const redis = await provideRedis({ redis: { url: taken, prefix: 'p' }, localRedis: { port: silentPort }, databasePath }, silentLogger());
    try {
      expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
      expect(redis.url).not.toBe(taken);
      expect(redis.local?.dir).toBe(join(root, 'redis'));
      expect(await answers(redis.url)).toBe(true);
    } finally {
      await redis.stop();
    }
    expect(await answers(redis.url)).toBe(false);
  });

  it('uses the Redis that answers on its port and starts nothing', async () => {
    const port = Number(new URL(TEST_REDIS_URL).port || 6379);
    const redis = await provideRedis({ redis: { url: TEST_REDIS_URL, prefix: 'p' }, localRedis: { port }, databasePath: join(root, 'other.db') }, silentLogger());
    expect(redis.url).toBe(TEST_REDIS_URL);
    expect(redis.local).toBeUndefined();
  });

  it('keeps its data in redis/ beside the database file, ./data/redis for an in-memory database', () => {
    expect(localRedisDir('./data/papers.db')).toBe(join('data', 'redis'));
    expect(localRedisDir('/srv/bot/papers.db')).toBe('/srv/bot/redis');
    expect(localRedisDir(':memory:')).toBe(join('data', 'redis'));
  });
});
