import { createPapersWork } from '../../src/app/papers-work.ts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { openJobs } from '../../jobs/index.ts';
import { QUEUE_NAMES, SCHEDULER_IDS } from '../../jobs/queues.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { jobsContext } from './jobs-harness.ts';

const prefix = uniquePrefix('queue-names');
const { ctx, cleanup } = jobsContext('queue-names', prefix);
const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });

afterAll(async () => {
  await redis.quit();
  await dropPrefix(prefix);
  cleanup();
});

describe('the maintenance queue', () => {
  it('is called maintenance, and a start after an upgrade stops the schedulers left on its old name', async () => {
    const legacy = new Queue('ingest', { connection: redis, prefix });
    await legacy.upsertJobScheduler(SCHEDULER_IDS.ingest, { pattern: '*/30 * * * *', tz: 'UTC' }, { name: 'ingest', data: {} });
    expect(await legacy.getJobSchedulersCount()).toBe(1);

    const jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '*/30 * * * *' });
    await jobs.startSchedulers();
    expect(QUEUE_NAMES.maintenance).toBe('maintenance');
    expect(await legacy.getJobSchedulersCount()).toBe(0);
    expect((await jobs.queues.maintenance.getJobSchedulers()).map((s) => s.key).sort()).toEqual([SCHEDULER_IDS.sweep, SCHEDULER_IDS.ingest].sort());
    await jobs.close();
    await legacy.close();
  });
});
