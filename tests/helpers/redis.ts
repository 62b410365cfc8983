import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The Redis of this test run: tests/global-setup.ts sets TEST_REDIS_URL before any test file loads (the
 * machine's 127.0.0.1:6379 when it answers, otherwise a private redis-server started for the run).
 */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix no other test file uses, so suites can share one Redis. */
export function uniquePrefix(label = 't'): string {
  return `test-${label}-${randomUUID().slice(0, 8)}`;
}

/** Deletes every key under `prefix` (call in afterAll). */
export async function dropPrefix(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
