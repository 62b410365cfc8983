import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { timeSearches } from '../../src/app/timed-search.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { metricsRoute } from '../../src/server/metrics-route.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { createPrometheusMetrics } from '../../src/server/prometheus-metrics.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { parsePrometheusText, sampleValue, type Sample } from '../helpers/prometheus-text.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const ADMIN_TOKEN = 'metrics-admin-token-5c1e9a';
const prefix = uniquePrefix('metrics');
const { ctx, cleanup } = jobsContext('metrics', prefix);
seedDay(ctx, feedDayAt(new Date()), samplePapers());
const metrics = createPrometheusMetrics();
timeSearches(ctx.search, metrics);
const discord = new FakeDiscordApi({ botToken: 'test-token' });
let slack: FakeSlackApi;
let jobs: Jobs;
let open: HttpServer;
let guarded: HttpServer;

/** An address of this machine that is not loopback: a request to it arrives from it, as a remote one would. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

async function scrape(server: HttpServer, host = '127.0.0.1', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://${host}:${server.port}/metrics`, { headers });
}

async function samples(): Promise<Sample[]> {
  const res = await scrape(open);
  expect(res.status).toBe(200);
  return parsePrometheusText(await res.text());
}

type Expected = [name: string, labels: Record<string, string>, value: number];

/**
 * Scrapes until every expected value is reached (at most 10 s), then returns the last scrape for the test to
 * assert on: the delivery row is written before its count, and before BullMQ moves the job to completed, so
 * a test that saw the row may scrape a moment too early.
 */
async function samplesWhen(expected: Expected[]): Promise<Sample[]> {
  let last: Sample[] = [];
  const reached = async () => {
    last = await samples();
    return expected.every(([name, labels, value]) => sampleValue(last, name, labels) === value);
  };
  await waitFor('the expected samples', reached, 10_000, 50).catch(() => {});
  return last;
}

const sent = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  jobs = await openJobs({ work: createPapersWork(ctx, { metrics }), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
  const papers = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const slackAdapter = createSlackAdapter({ papers, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false });
  await jobs.startWorkers({
    platforms: { slack: slackAdapter.chat, discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) },
  });
  const serve = (adminToken?: string) =>
    startHttpServer({ port: 0, host: '0.0.0.0', routes: [metricsRoute(metrics, { adminToken })], readiness: async () => ({}), logger: silentLogger() });
  open = await serve();
  guarded = await serve(ADMIN_TOKEN);
});

afterAll(async () => {
  await Promise.all([open?.close(), guarded?.close()]);
  await jobs?.close();
  await discord.stop();
  await slack.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('GET /metrics', () => {
  it('answers in Prometheus text format with the process metrics and every family of the bot', async () => {
    const res = await scrape(open);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const parsed = parsePrometheusText(text);
    expect(sampleValue(parsed, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleValue(parsed, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    for (const family of [
      'papers_deliveries_total counter',
      'papers_digest_lateness_seconds histogram',
      'papers_queue_jobs gauge',
      'papers_queue_job_failures_total counter',
      'papers_huggingface_request_duration_seconds histogram',
      'papers_huggingface_request_errors_total counter',
      'papers_search_duration_seconds histogram',
      'papers_ingested_papers_total counter',
    ]) {
      expect(text).toContain(`# TYPE ${family}\n`);
    }
    expect(sampleValue(parsed, 'papers_queue_jobs', { queue: 'digest', state: 'waiting' })).toBe(0);
  });

  it('counts the digests delivered in the test by platform and status, with their lateness and queue depths', async () => {
    const onSlack = enrolChannel(ctx, 'slack');
    const onDiscord = enrolChannel(ctx, 'discord');
    await jobs.enqueueDigests([onSlack.id, onDiscord.id]);
    await waitFor('the Slack digest', sent(onSlack));
    await waitFor('the Discord digest', sent(onDiscord));
    const after = await samplesWhen([
      ['papers_queue_jobs', { queue: 'digest', state: 'completed' }, 2],
      ['papers_queue_jobs', { queue: 'deliver-slack', state: 'completed' }, 1],
      ['papers_deliveries_total', { platform: 'discord', status: 'sent' }, 1],
    ]);
    expect(sampleValue(after, 'papers_deliveries_total', { platform: 'slack', status: 'sent' })).toBe(1);
    expect(sampleValue(after, 'papers_deliveries_total', { platform: 'discord', status: 'sent' })).toBe(1);
    expect(sampleValue(after, 'papers_digest_lateness_seconds_count', { platform: 'slack' })).toBe(1);
    expect(sampleValue(after, 'papers_digest_lateness_seconds_bucket', { platform: 'slack', le: '+Inf' })).toBe(1);
    expect(sampleValue(after, 'papers_digest_lateness_seconds_sum', { platform: 'slack' })).toBeLessThan(60);
    expect(sampleValue(after, 'papers_queue_jobs', { queue: 'deliver-slack', state: 'completed' })).toBe(1);
    expect(sampleValue(after, 'papers_queue_jobs', { queue: 'digest', state: 'completed' })).toBe(2);
  });

  it('counts a failed attempt and the queue failure, then the retry that posted', async () => {
    const channel = enrolChannel(ctx, 'slack');
    slack.failNext('chat.postMessage', { status: 500 });
    await jobs.enqueueDigests([channel.id]);
    await waitFor('the retried digest', sent(channel));
    const after = await samplesWhen([
      ['papers_deliveries_total', { platform: 'slack', status: 'sent' }, 2],
      ['papers_queue_job_failures_total', { queue: 'deliver-slack' }, 1],
    ]);
    expect(sampleValue(after, 'papers_deliveries_total', { platform: 'slack', status: 'failed' })).toBe(1);
    expect(sampleValue(after, 'papers_deliveries_total', { platform: 'slack', status: 'sent' })).toBe(2);
    expect(sampleValue(after, 'papers_queue_job_failures_total', { queue: 'deliver-slack' })).toBe(1);
  });

  it('times searches of the stored papers, a malformed query too', async () => {
    const before = sampleValue(await samples(), 'papers_search_duration_seconds_count') ?? 0;
    expect((await ctx.search.search('diffusion')).total).toBe(2);
    await expect(ctx.search.search('upvotes:>=lots')).rejects.toThrow();
    expect(sampleValue(await samples(), 'papers_search_duration_seconds_count')).toBe(before + 2);
  });

  it('treats a request through a proxy as remote: refused without ADMIN_TOKEN', async () => {
    const res = await scrape(open, '127.0.0.1', { 'x-forwarded-for': '203.0.113.9' });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('papers_');
  });

  it.skipIf(!outsideAddress)('answers a remote request only with the admin token, and refuses it without ADMIN_TOKEN set', async () => {
    expect((await scrape(open, outsideAddress)).status).toBe(403);
    expect((await scrape(open, outsideAddress, { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(403);
    const none = await scrape(guarded, outsideAddress);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await none.text()).not.toContain('papers_');
    expect((await scrape(guarded, outsideAddress, { authorization: 'Bearer not-the-token-at-all' })).status).toBe(401);
    const allowed = await scrape(guarded, outsideAddress, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(allowed.status).toBe(200);
    expect(parsePrometheusText(await allowed.text()).length).toBeGreaterThan(0);
    expect((await scrape(guarded)).status).toBe(200);
  });
});
