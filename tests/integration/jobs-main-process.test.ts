import { spawn, type ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as cliMain } from '../../src/cli/main.ts';
import { feedDayAt } from '../../src/core/time.ts';
import { FakeSlackApi, signedHeaders } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { freePort } from '../helpers/net.ts';

const SECRET = 'main-process-signing-secret';
const prefix = uniquePrefix('jobs-main');
const { ctx, dbPath, cleanup } = jobsContext('jobs-main', prefix);
const papers = seedDay(ctx, feedDayAt(new Date()), samplePapers());
let slack: FakeSlackApi;
let app: ChildProcess;
let port: number;
let env: NodeJS.ProcessEnv;

/** Runs `papers <args>` in this process (the CLI's own entry point, with its output captured). */
async function papersCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += `${t}\n`), err: (t: string) => void (err += `${t}\n`), isTty: false };
  const code = await cliMain(['node', 'papers', ...args], io, env);
  return { code, out, err };
}

const postsTo = (channel: string) => slack.callsTo('chat.postMessage').filter((c) => c.body.channel === channel);

beforeAll(async () => {
  slack = await FakeSlackApi.start({ botToken: 'xoxb-main-test' });
  port = await freePort();
  env = {
    ...process.env,
    DATABASE_URL: `file:${dbPath}`,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    SLACK_BOT_TOKEN: 'xoxb-main-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_TOKEN: '',
    DISCORD_PUBLIC_KEY: '',
    LOG_LEVEL: 'silent',
  };
  app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env, stdio: 'ignore' });
  await waitFor('npm start to answer /healthz', () => fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false), 30_000, 100);
});

afterAll(async () => {
  if (app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
  await slack.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('npm start with papers digest --run-now', () => {
  it('is ready when Redis and the database answer', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ checks: { redis: 'ok', database: 'ok' } });
  });

  it('delivers one digest of matching papers to a channel that subscribed, and none on a second run', async () => {
    const body = new URLSearchParams({
      team_id: 'T1',
      channel_id: 'CMAIN1',
      user_id: 'UALICE',
      command: '/papers',
      text: 'subscribe diffusion',
      response_url: slack.responseUrl('subscribe'),
      trigger_id: '1.2.3',
    }).toString();
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: signedHeaders(SECRET, body), body });
    expect(res.status).toBe(200);
    await slack.waitFor((calls) => calls.find((c) => c.method === 'response:subscribe'));
    const channel = await waitFor('the subscribed channel', () => ctx.channels.list().find((c) => c.channelId === 'CMAIN1'));
    const schedules = new Queue('digest', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      expect(await schedules.getJobScheduler(`channel-${channel.id}`)).toMatchObject({ pattern: '0 9 * * *', tz: channel.schedule.timeZone });
    } finally {
      await schedules.close();
    }

    const listing = await papersCli(['channels']);
    expect(listing.code).toBe(0);
    expect(listing.out).toMatch(/slack\s+T1\/CMAIN1\s+09:00 daily/);
    expect(listing.out).toContain('diffusion');

    const first = await papersCli(['digest', '--run-now']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Enqueued 1 digest');
    const post = await slack.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'CMAIN1'), 20_000);
    const text = JSON.stringify(post.body.blocks);
    expect(text).toContain('Diffusion transformers at scale');
    expect(text).toContain('Latent diffusion for audio');
    expect(text).not.toContain('Sparse attention kernels');
    await waitFor('the delivery marked sent', () => ctx.deliveries.forChannel(channel.id)[0]?.status === 'sent');
    expect(ctx.deliveries.forChannel(channel.id)[0]!.paperIds).toEqual([papers[0]!.id, papers[2]!.id]);

    const second = await papersCli(['digest', '--run-now', '--channel', String(channel.id)]);
    expect(second.code).toBe(0);
    const digestQueue = new Queue('digest', { connection: { url: TEST_REDIS_URL }, prefix });
    try {
      await waitFor('the second run to be processed', async () => (await digestQueue.getCompletedCount()) >= 2 && (await digestQueue.getWaitingCount()) === 0 && (await digestQueue.getActiveCount()) === 0);
    } finally {
      await digestQueue.close();
    }
    expect(postsTo('CMAIN1')).toHaveLength(1);
    expect(ctx.deliveries.forChannel(channel.id)).toHaveLength(1);
  });

  it('stops on SIGTERM after finishing, exiting 0', async () => {
    const exited = new Promise<number | null>((resolve) => app.once('exit', (code) => resolve(code)));
    app.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
