import type { DigestTrigger } from '../src/core/ports.ts';
import { JobQueues, resolveTuning } from './queues.ts';
import { assertRedisReachable, createShortLivedRedis } from './redis-connection.ts';

/**
 * A {@link DigestTrigger} for a process that runs no jobs (the CLI's `papers digest --run-now`): each call
 * opens a short-lived connection, adds the digest jobs the schedules would add, and closes it. A running
 * `npm start` or `papers worker` takes them. Throws `RedisUnreachableError` (one line naming REDIS_URL)
 * when Redis is down.
 */
export function openDigestTrigger(redisUrl: string, prefix: string): DigestTrigger {
  return {
    async enqueueDigests(channelIds) {
      await assertRedisReachable(redisUrl);
      if (channelIds.length === 0) return [];
      const connection = createShortLivedRedis(redisUrl, `${prefix}-cli`);
      // Failures surface as rejected calls below; the events would only repeat them.
      connection.on('error', () => {});
      await connection.connect();
      const queues = new JobQueues(connection, prefix, resolveTuning());
      for (const queue of queues.all()) queue.on('error', () => {});
      try {
        return await queues.enqueueDigests(channelIds);
      } finally {
        await queues.close();
        await connection.quit().catch(() => connection.disconnect());
      }
    },
  };
}
