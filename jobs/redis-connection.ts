import { Redis, type RedisOptions } from 'ioredis';
import { PapersError } from '../src/errors.ts';

/**
 * Redis could not be reached. By default the message is one line that says where we looked and how to start
 * one; `message` replaces it (the private Redis of `npm start` explains its own failures).
 */
export class RedisUnreachableError extends PapersError {
  constructor(readonly url: string, cause: unknown, message = unreachableMessage(url, cause)) {
    super('REDIS_UNREACHABLE', message, { cause });
  }
}

function unreachableMessage(url: string, cause: unknown): string {
  return (
    `Cannot reach Redis at ${redactUrl(url)} (REDIS_URL): ${describe(cause)}. Start one with ` +
    `"redis-server --daemonize yes" (or "docker run -d -p 6379:6379 redis:7"), or point REDIS_URL at yours.`
  );
}

function describe(cause: unknown): string {
  const message = cause instanceof Error ? cause.message : String(cause);
  return (message.split('\n')[0] || 'no answer').replace(/\.+$/, '');
}

/** The URL with any password masked, safe to print and log. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * A long-lived connection for queues and workers: `maxRetriesPerRequest: null` (BullMQ requires it for
 * workers, and commands wait through a Redis restart instead of failing), reconnecting forever with a
 * capped backoff.
 */
export function createRedis(url: string, name: string, extra: RedisOptions = {}): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 3_000),
    ...extra,
  });
}

/** A connection that fails fast: for the CLI, which should say so at once when Redis is down. */
export function createShortLivedRedis(url: string, name: string, connectTimeoutMs = 2_000): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: connectTimeoutMs,
    retryStrategy: () => null,
  });
}

/** Throws {@link RedisUnreachableError} unless a PING at `url` answers within `timeoutMs`. */
export async function assertRedisReachable(url: string, timeoutMs = 2_000): Promise<void> {
  const probe = createShortLivedRedis(url, 'papers-probe', timeoutMs);
  let socketError: unknown;
  probe.on('error', (error: unknown) => {
    socketError ??= error;
  });
  let timer: NodeJS.Timeout | undefined;
  // connectTimeout ends at the TCP connect: a listener that never answers would hold the PING forever.
  const silence = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to PING within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([probe.connect().then(() => probe.ping()), silence]);
  } catch (cause) {
    throw new RedisUnreachableError(url, socketError ?? cause);
  } finally {
    clearTimeout(timer);
    probe.disconnect();
  }
}
