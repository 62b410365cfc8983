import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, INSTALL_REDIS_LINES, LocalRedis, RedisServerMissingError } from '../jobs/local-redis.ts';
import { assertRedisReachable } from '../jobs/redis-connection.ts';
import { describeError } from '../src/errors.ts';

const SHARED_URL = 'redis://127.0.0.1:6379';

/** The Redis a test run uses; `stop` ends the private one (a no-op for a Redis we did not start). */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  local?: LocalRedis;
}

export interface TestRedisOptions {
  /** TEST_REDIS_URL: used as is, never replaced by a private server. */
  explicitUrl?: string;
  /** The machine's Redis, used when it answers (redis://127.0.0.1:6379). */
  sharedUrl?: string;
  /** The redis-server executable (tests point it at a missing one). */
  binary?: string;
}

const reachable = (url: string) => assertRedisReachable(url, 1_000).then(() => undefined, (error: unknown) => error);

/**
 * TEST_REDIS_URL when set (it must answer); else the shared Redis when it answers; else a private
 * redis-server on a free loopback port, without persistence, in a temporary directory removed by `stop`.
 * Throws a message saying how to get Redis when none of these works: Redis-backed tests never skip.
 */
export async function provideTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const noop = async () => {};
  if (options.explicitUrl) {
    const error = await reachable(options.explicitUrl);
    if (error) throw new Error(`Redis is not reachable at ${options.explicitUrl} (TEST_REDIS_URL): ${describeError(error)}. Start it, or unset TEST_REDIS_URL and the tests bring their own.`);
    return { url: options.explicitUrl, stop: noop };
  }
  const shared = options.sharedUrl ?? SHARED_URL;
  if (!(await reachable(shared))) return { url: shared, stop: noop };
  const dir = mkdtempSync(join(tmpdir(), 'papers-test-redis-'));
  const local = await LocalRedis.start({ port: await freePort(), dir, persistent: false, binary: options.binary }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      error instanceof RedisServerMissingError
        ? `No Redis answers at ${shared} and redis-server is not on the PATH, so the tests cannot start their own. Install it, or set TEST_REDIS_URL to a Redis you run:\n${INSTALL_REDIS_LINES.join('\n')}`
        : `No Redis answers at ${shared} and the tests' own redis-server did not start: ${describeError(error)}. Set TEST_REDIS_URL to a Redis you run.`,
    );
  });
  return {
    url: local.url,
    local,
    stop: async () => {
      await local.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs once before the suite and hands the Redis URL to every test file through TEST_REDIS_URL
 * (tests/helpers/redis.ts reads it); the returned teardown stops a private server after the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const redis = await provideTestRedis({ explicitUrl: process.env.TEST_REDIS_URL });
  process.env.TEST_REDIS_URL = redis.url;
  if (redis.local) console.log(`No Redis on ${SHARED_URL}: this run uses its own redis-server at ${redis.url} (stopped afterwards).`);
  return () => redis.stop();
}
