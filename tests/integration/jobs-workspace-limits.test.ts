import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import type { FakeWorkspace } from '../fakes/slack-workspaces.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { FAST_TUNING, samplePapers, seedDay, waitFor } from './jobs-harness.ts';
import { install, startOAuthHarness, type OAuthHarness } from './slack-oauth-harness.ts';

/** One post per this many ms per workspace in this test (Slack's own is about 5 a second). */
const SPACING_MS = 300;
const prefix = uniquePrefix('ws-limits');
const acme: FakeWorkspace = { teamId: 'TACME', name: 'Acme', channels: ['CA1', 'CA2', 'CA3', 'CA4'] };
const globex: FakeWorkspace = { teamId: 'TGLOBEX', name: 'Globex', channels: ['CB1', 'CB2', 'CB3', 'CB4'] };
let h: OAuthHarness;
let jobs: Jobs;

const schedule = { time: '09:00', cadence: 'daily' as const, weekday: null, timeZone: 'UTC' };
const enrol = (workspaceId: string, channelId: string): Channel => h.ctx.channels.enrol({ platform: 'slack', workspaceId, channelId }, schedule).channel;
const arrivals = (channels: string[]) =>
  h.fake
    .callsTo('chat.postMessage')
    .filter((c) => channels.includes(String(c.body.channel)))
    .map((c) => c.at!)
    .sort((a, b) => a - b);
const sent = (channel: Channel) => () => h.ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

beforeAll(async () => {
  h = await startOAuthHarness('ws-limits', async (ctx) => {
    jobs = await openJobs({
      work: createPapersWork(ctx),
      redisUrl: TEST_REDIS_URL,
      prefix,
      ingestCron: '0 0 1 1 *',
      tuning: { ...FAST_TUNING, pacing: { slack: { perWorkspace: { max: 1, duration: SPACING_MS } } } },
    });
    return jobs.scheduleSync;
  });
  seedDay(h.ctx, feedDayAt(new Date()), samplePapers());
  await install(h, acme);
  await install(h, globex);
  await jobs.startWorkers({ platforms: { slack: h.adapter.chat } });
});

afterAll(async () => {
  await jobs?.close();
  await h?.close();
  await dropPrefix(prefix);
});

describe('Slack rate limits per workspace', () => {
  it('spreads the posts of one workspace across its channels while two workspaces post side by side', async () => {
    const channels = [...['CA1', 'CA2', 'CA3'].map((c) => enrol('TACME', c)), ...['CB1', 'CB2', 'CB3'].map((c) => enrol('TGLOBEX', c))];
    await jobs.enqueueDigests(channels.map((c) => c.id));
    for (const channel of channels) await waitFor(`digest of ${channel.channelId}`, sent(channel));
    const a = arrivals(['CA1', 'CA2', 'CA3']);
    const b = arrivals(['CB1', 'CB2', 'CB3']);
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    // Slots space the sends; an arrival may lag its send a little, so the gaps are checked with room for that.
    for (const gap of [...gaps(a), ...gaps(b)]) expect(gap).toBeGreaterThanOrEqual(SPACING_MS / 2);
    for (const times of [a, b]) expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2 * SPACING_MS - 100);
    // One queue-wide spacing would need five gaps for six posts; per workspace, they overlap.
    expect(Math.max(...a, ...b) - Math.min(...a, ...b)).toBeLessThan(5 * SPACING_MS);
  });

  it('holds back only the workspace that answered 429, for its Retry-After, without counting a failed attempt', async () => {
    const limited = enrol('TACME', 'CA4');
    const other = enrol('TGLOBEX', 'CB4');
    h.fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    await jobs.enqueueDigests([limited.id]);
    const refusedAt = await h.fake.waitFor((calls) => calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'CA4')?.at);
    await jobs.enqueueDigests([other.id]);
    await waitFor('digest of the other workspace', sent(other));
    expect(arrivals(['CB4'])[0]! - refusedAt).toBeLessThan(1_500);
    await waitFor('digest of the limited workspace', sent(limited), 10_000);
    const [first, second] = arrivals(['CA4']);
    expect(second! - first!).toBeGreaterThanOrEqual(1_900);
    const delivery = h.ctx.deliveries.forChannel(limited.id)[0]!;
    expect(delivery.status).toBe('sent');
    // BullMQ counts the attempt that completed; the 429 counted none.
    const queue = jobs.queues.deliver('slack');
    await waitFor('the deliver job completed', async () => (await queue.getJobState(delivery.id)) === 'completed');
    expect((await queue.getJob(delivery.id))?.attemptsMade).toBe(1);
  });
});
