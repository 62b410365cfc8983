import { Redis } from 'ioredis';

/**
 * Runs once before the suite: Redis-backed tests must fail loudly, never skip, when Redis is absent.
 * The URL comes from TEST_REDIS_URL (default redis://127.0.0.1:6379).
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${url} (${(error as Error).message}). The queue tests need a real Redis: ` +
        `start one with "redis-server --daemonize yes --save '' --appendonly no" or set TEST_REDIS_URL.`,
    );
  } finally {
    redis.disconnect();
  }
}
