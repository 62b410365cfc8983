import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { assertRedisReachable } from '../../jobs/redis-connection.ts';
import { provideTestRedis } from '../global-setup.ts';
import { freePort } from '../helpers/net.ts';
import { TEST_REDIS_URL } from '../helpers/redis.ts';

const answers = (url: string) => assertRedisReachable(url, 500).then(() => true, () => false);
const nobody = async () => `redis://127.0.0.1:${await freePort()}`;

describe('npm test finds or brings its Redis (global setup)', () => {
  it('starts a private redis-server on a free port, without persistence, when nothing answers on the shared address, and stops it after', async () => {
    const shared = await nobody();
    const redis = await provideTestRedis({ sharedUrl: shared });
    try {
      expect(redis.local).toBeDefined();
      expect(redis.url).not.toBe(shared);
      const client = new Redis(redis.url);
      try {
        expect(await client.ping()).toBe('PONG');
        expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
        expect(await client.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
      } finally {
        client.disconnect();
      }
    } finally {
      await redis.stop();
    }
    expect(await answers(redis.url)).toBe(false);
    expect(existsSync(redis.local!.dir)).toBe(false);
  });

  it('uses the shared Redis when it answers and starts nothing', async () => {
    const redis = await provideTestRedis({ sharedUrl: TEST_REDIS_URL });
    expect(redis.url).toBe(TEST_REDIS_URL);
    expect(redis.local).toBeUndefined();
  });

  it('fails, starting nothing, when TEST_REDIS_URL is set and does not answer', async () => {
    const dead = await nobody();
    await expect(provideTestRedis({ explicitUrl: dead, sharedUrl: await nobody() })).rejects.toThrow(`Redis is not reachable at ${dead} (TEST_REDIS_URL)`);
  });

  it('fails, saying how to get redis-server, when nothing answers and none is installed', async () => {
    const error = await provideTestRedis({ sharedUrl: await nobody(), binary: 'redis-server-not-installed' }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toMatch(/redis-server is not on the PATH, so the tests cannot start their own.*TEST_REDIS_URL/);
    expect(lines.slice(1).map((l) => l.trim().split(':')[0])).toEqual(['Debian/Ubuntu', 'macOS', 'Docker']);
  });
});
