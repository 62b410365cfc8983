import type { Channel } from '../src/core/types.ts';
import type { ChannelsRepo } from '../src/db/channels-repo.ts';
import { NotFoundError } from '../src/errors.ts';
import { JobQueues, resolveTuning } from './queues.ts';
import { assertRedisReachable, createShortLivedRedis } from './redis-connection.ts';

export interface RunNowResult {
  /** Channels whose digest job was enqueued. */
  enqueued: Channel[];
  /** Channels left out because they are paused (or failing). */
  paused: Channel[];
}

/**
 * `papers digest --run-now [--channel <id>]`: enqueues digest jobs on the `digest` queue, the same path
 * the schedules take, for every active channel or one channel by its number. A running `npm start` (or
 * `papers worker`) plans and delivers them; a digest already created for the day posts nothing new.
 * Throws `RedisUnreachableError` (one line naming REDIS_URL) when Redis is down, `NotFoundError` for an
 * unknown channel.
 */
export async function enqueueDigestsNow(options: { redisUrl: string; prefix: string; channels: ChannelsRepo; channelId?: number }): Promise<RunNowResult> {
  const candidates = options.channelId === undefined ? options.channels.list() : [options.channels.get(options.channelId)];
  if (candidates[0] === undefined && options.channelId !== undefined) {
    throw new NotFoundError(`No channel ${options.channelId}; "papers channels" lists them.`);
  }
  const all = candidates as Channel[];
  const enqueued = all.filter((c) => !c.paused);
  const paused = all.filter((c) => c.paused);
  await assertRedisReachable(options.redisUrl);
  if (enqueued.length === 0) return { enqueued, paused };
  const connection = createShortLivedRedis(options.redisUrl, `${options.prefix}-cli`);
  // Failures surface as rejected calls below; the events would only repeat them.
  connection.on('error', () => {});
  await connection.connect();
  const queues = new JobQueues(connection, options.prefix, resolveTuning());
  for (const queue of queues.all()) queue.on('error', () => {});
  try {
    await queues.enqueueDigests(enqueued.map((c) => c.id));
  } finally {
    await queues.close();
    await connection.quit().catch(() => connection.disconnect());
  }
  return { enqueued, paused };
}
