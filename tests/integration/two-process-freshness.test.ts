import { createPapersWork } from '../../src/app/papers-work.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandCore, type CommandCore } from '../../src/commands/index.ts';
import type { CommandReply } from '../../src/core/commands.ts';
import { feedDayAt } from '../../src/core/time.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { JOB_NAMES } from '../../jobs/queues.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { jobsContext, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('freshness');
const { ctx, dbPath, cleanup } = jobsContext('freshness', prefix);
const hf = new FakeHfApi();
let jobs: Jobs;
let commands: CommandCore;
let worker: ChildProcess | undefined;
const today = feedDayAt(new Date());

const run = (name: string, text = ''): Promise<CommandReply> =>
  commands.handle({ platform: 'slack', workspaceId: 'T1', channelId: 'CFRESH', userId: 'U1', name, text, canManage: true });
const ids = (reply: CommandReply) => (reply.kind === 'papers' ? reply.papers.map((p) => p.id) : reply.kind === 'digest' ? reply.digest.papers.map((p) => p.id) : []);

beforeAll(async () => {
  await hf.start();
  hf.setDay(today, [
    hfItem({ id: '2512.00001', title: 'Quantum widget folding (QWF) for tiny robots', summary: 'We define Quantum Widget Folding (QWF), a method.', upvotes: 30 }),
    hfItem({ id: '2512.00002', title: 'Scaling quantum widget folding', summary: 'Quantum widget folding at scale, without the acronym.', upvotes: 20 }),
  ]);
  jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *' });
  commands = createCommandCore({ ctx, schedules: jobs.scheduleSync });
});

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  await jobs?.close();
  await hf.stop();
  await dropPrefix(prefix);
  cleanup();
});

describe('an ingest run by `papers worker` in another process', () => {
  it("refreshes this process's digest previews and learned acronyms within seconds, not at the one-minute cache age", async () => {
    // Warm this process's caches on an empty catalogue.
    expect(ids(await run('today'))).toEqual([]);
    expect(ids(await run('search', 'QWF'))).toEqual([]);

    worker = spawn(process.execPath, [join(process.cwd(), 'src', 'cli', 'bin.mjs'), 'worker'], {
      env: { ...process.env, DATABASE_URL: `file:${dbPath}`, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, HF_API_URL: hf.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let logs = '';
    worker.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
    await waitFor('the worker to take jobs', () => logs.includes('papers worker running'), 30_000);
    const ingestedAt = Date.now();
    await jobs.queues.maintenance.add(JOB_NAMES.ingest, {});

    await waitFor('the new papers in /papers today', async () => ids(await run('today')).length === 2, 20_000, 100);
    // The acronym was learned by the other process: this one's lexicon follows, so QWF finds the paper without it.
    await waitFor('the learned acronym', async () => ids(await run('search', 'QWF')).includes('2512.00002'), 10_000, 100);
    expect(Date.now() - ingestedAt).toBeLessThan(30_000);
  });
});
