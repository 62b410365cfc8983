import { createPapersWork } from '../../src/app/papers-work.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { feedDayAt } from '../../src/core/time.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, RedisUnreachableError, SCHEDULER_IDS, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { freePort } from '../helpers/net.ts';
import { assertRedisReachable } from '../../jobs/redis-connection.ts';

/** A private, throwaway redis-server for this file only (never the shared one), no persistence. */
class PrivateRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await waitFor(`redis-server on ${this.port}`, () => assertRedisReachable(this.url).then(() => true, () => false));
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

const prefix = uniquePrefix('jobs-redis');
let redis: PrivateRedis;
const discord = new FakeDiscordApi({ botToken: 'test-token' });
const { ctx, cleanup } = jobsContext('jobs-redis', prefix);
let jobs: Jobs | undefined;

beforeAll(async () => {
  redis = new PrivateRedis(await freePort());
  await redis.start();
  await discord.start();
});

afterAll(async () => {
  await jobs?.close({ force: true });
  await redis.kill();
  await discord.stop();
  cleanup();
});

describe('Redis going away', () => {
  it('refuses to start with one line naming REDIS_URL when Redis is unreachable', async () => {
    const nobody = `redis://127.0.0.1:${await freePort()}`;
    const error = await openJobs({ work: createPapersWork(ctx), redisUrl: nobody, prefix, ingestCron: '*/30 * * * *' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnreachableError);
    const message = (error as Error).message;
    expect(message).toContain(nobody);
    expect(message).toContain('REDIS_URL');
    expect(message).toMatch(/redis-server/);
    expect(message).not.toContain('\n');
  });

  it('survives a Redis restart while idle: schedules come back and the next digest is delivered', async () => {
    seedDay(ctx, feedDayAt(new Date()), samplePapers());
    const channel = enrolChannel(ctx, 'discord');
    jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: redis.url, prefix, ingestCron: '*/30 * * * *', tuning: FAST_TUNING });
    await jobs.startSchedulers();
    await jobs.startWorkers({ platforms: { discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) } });
    expect(await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))).toBeDefined();

    await redis.kill();
    await expect(jobs.ping(300)).rejects.toThrow();
    await redis.start(); // empty: no persistence, so every scheduler is gone

    const live = jobs;
    await waitFor('schedules restored after the reconnect', async () => (await live.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(channel.id))) !== undefined);
    expect(await live.queues.maintenance.getJobScheduler(SCHEDULER_IDS.ingest)).toMatchObject({ pattern: '*/30 * * * *' });
    await live.ping();

    await live.enqueueDigests([channel.id]);
    const sent = await waitFor('delivery after the restart', () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent'), 15_000);
    expect(discord.callsTo('POST', new RegExp(`^/channels/${channel.channelId}/messages$`))).toHaveLength(1);
    expect(sent.platformMessageIds).toHaveLength(1);
  });
});
