import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createIngestor } from '../../src/app/ingest-pipeline.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { ChatPlatform } from '../../src/core/ports.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel, DigestLayout, Platform } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { JOB_NAMES } from '../../jobs/queues.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, FAST_TUNING, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('follow-ups');
const hf = new FakeHfApi();
const discord = new FakeDiscordApi({ botToken: 'test-token' });
const testDb = createTestDb('follow-ups');
let slack: FakeSlackApi;
let ctx: ReturnType<typeof createContext>;
let jobs: Jobs;
let platforms: Partial<Record<Platform, ChatPlatform>>;
const today = feedDayAt(new Date());
const [CODE, SURGING, QUIET] = ['2512.31001', '2512.31002', '2512.31003'];
const feed = (overrides: Record<string, Record<string, unknown>> = {}) =>
  hf.setDay(today, [
    hfItem({ id: CODE, title: 'Diffusion without code yet', upvotes: 40, ...overrides[CODE] }),
    hfItem({ id: SURGING, title: 'A paper about to surge', upvotes: 10, ...overrides[SURGING] }),
    hfItem({ id: QUIET, title: 'A quiet paper', upvotes: 5, ...overrides[QUIET] }),
  ]);

beforeAll(async () => {
  await hf.start();
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  ctx = createContext(loadConfig({ DATABASE_URL: `file:${testDb.path}`, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, HF_API_URL: hf.url, LOG_LEVEL: 'silent' }), silentLogger(), { db: testDb.db });
  jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
  const commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const slackAdapter = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false });
  platforms = { slack: slackAdapter.chat, discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) };
  const ingestor = createIngestor(ctx);
  await jobs.startWorkers({ platforms, ingest: (now) => ingestor.ingestRecent(now) });
});

afterAll(async () => {
  await jobs?.close();
  await Promise.all([hf.stop?.(), discord.stop(), slack?.close()]);
  await dropPrefix(prefix);
  ctx?.planner.invalidate();
  testDb.cleanup();
});

async function ingestNow(): Promise<void> {
  const job = await jobs.queues.maintenance.add(JOB_NAMES.ingest, {});
  await waitFor('the ingest job to finish', async () => (await job.isCompleted()) || (await job.isFailed()), 20_000);
  expect(await job.isCompleted()).toBe(true);
}

function channelWith(platform: Platform, layout: DigestLayout): Channel {
  return ctx.channels.update(enrolChannel(ctx, platform).id, { layout });
}

const sent = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');

describe('follow-ups on posted papers', () => {
  let slackThread: Channel;
  let slackDigest: Channel;
  let discordPapers: Channel;
  let discordDigest: Channel;

  it('replies once in the paper thread, or edits the digest, when Hugging Face starts returning a githubRepo', async () => {
    feed();
    await ingestNow();
    slackThread = channelWith('slack', 'thread');
    slackDigest = channelWith('slack', 'digest');
    discordPapers = channelWith('discord', 'papers');
    discordDigest = channelWith('discord', 'digest');
    const all = [slackThread, slackDigest, discordPapers, discordDigest];
    await jobs.enqueueDigests(all.map((c) => c.id));
    for (const c of all) await waitFor(`the digest of ${c.layout} on ${c.platform}`, sent(c), 20_000);

    feed({ [CODE]: { githubRepo: 'https://github.com/acme/diffusion', githubStars: 12 }, [SURGING]: { upvotes: 200 } });
    await ingestNow();
    await waitFor('every follow-up said', () => all.every((c) => ctx.followUps.get(c.id, CODE, 'code')?.status === 'sent'), 20_000);

    const header = slack.messagesIn(slackThread.channelId)[0]!;
    const replies = slack.repliesTo(slackThread.channelId, header.ts).map((r) => r.text);
    // Every reply of a thread layout is under the header's thread: each names its paper.
    expect(replies.filter((t) => t.startsWith('Code released'))).toEqual(['Code released for 1. "Diffusion without code yet": acme/diffusion (https://github.com/acme/diffusion)']);
    expect(replies.filter((t) => t.startsWith('Upvotes surging'))).toEqual(['Upvotes surging: 2. "A paper about to surge" went from ▲ 10 when posted to ▲ 200.']);
    expect(ctx.followUps.get(slackThread.id, SURGING, 'surge')).toMatchObject({ status: 'sent', detail: '10->200' });

    const digestMessage = slack.messagesIn(slackDigest.channelId)[0]!;
    expect(slack.messagesIn(slackDigest.channelId)).toHaveLength(1);
    expect(digestMessage.edited).toBe(true);
    expect(JSON.stringify(digestMessage.blocks)).toContain('https://github.com/acme/diffusion');
    expect(digestMessage.metadata?.event_payload).toMatchObject({ delivery_id: sent(slackDigest)()!.id, part: 1 });

    const [codePost] = discord.messagesIn(discordPapers.channelId);
    const inThread = discord.messagesIn(String(codePost!.id)).map((m) => String(m.content));
    expect(inThread.filter((t) => t.startsWith('Code released'))).toEqual(['Code released: acme/diffusion (https://github.com/acme/diffusion)']);
    const edits = discord.callsTo('PATCH', new RegExp(`^/channels/${discordDigest.channelId}/messages/\\d+$`));
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(edits.at(-1)!.body.embeds)).toContain('[Code](https://github.com/acme/diffusion)');
  }, 60_000);

  it('posts nothing more when the detection runs again, after another ingest or directly', async () => {
    const count = () => slack.callsTo('chat.postMessage').length + slack.callsTo('chat.update').length + discord.calls.filter((c) => c.method !== 'GET').length;
    const before = count();
    await ingestNow();
    const again = await createPapersWork(ctx).followUps(platforms);
    expect(again.posted).toEqual([]);
    expect(count()).toBe(before);
    expect(ctx.followUps.get(discordDigest.id, CODE, 'code')).toMatchObject({ status: 'sent', attempts: 1 });
    expect(ctx.followUps.get(slackDigest.id, QUIET, 'code')).toBeUndefined();
  }, 30_000);
});
