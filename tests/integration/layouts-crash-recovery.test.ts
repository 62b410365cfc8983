import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { feedDayAt } from '../../src/core/time.ts';
import type { Channel, DigestLayout } from '../../src/core/types.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { HoldingProxy, spawnWorker } from '../helpers/holding-proxy.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { enrolChannel, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('layouts-crash');
const { ctx, dbPath, cleanup } = jobsContext('layouts-crash', prefix);
const discord = new FakeDiscordApi({ botToken: 'discord-test-token' });
let slack: FakeSlackApi;
let slackProxy: HoldingProxy;
let discordProxy: HoldingProxy;
let producer: Jobs;
const children: ChildProcess[] = [];
const papers = seedDay(ctx, feedDayAt(new Date()), samplePapers());

const startWorker = () => spawnWorker({ dbPath, prefix, slackApiUrl: `${slackProxy.url}/api/`, discordApiUrl: `${discordProxy.url}/api`, children });

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  slackProxy = await new HoldingProxy(slack.url, (m, p) => m === 'POST' && p === '/api/chat.postMessage').start();
  // Channel and thread messages and forum posts; starting a thread from a message passes.
  discordProxy = await new HoldingProxy(`http://127.0.0.1:${discord.port}`, (m, p) => m === 'POST' && /\/channels\/\d+\/(messages|threads)$/.test(p)).start();
  producer = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *' });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await producer?.close();
  await Promise.all([slackProxy?.stop(), discordProxy?.stop(), discord.stop(), slack?.close()]);
  await dropPrefix(prefix);
  cleanup();
});

function withLayout(platform: 'slack' | 'discord', layout: DigestLayout, topics: string[] = []): Channel {
  return ctx.channels.update(enrolChannel(ctx, platform, { topics }).id, { layout });
}

/** Lets `pass` posts through to each platform, holds the answer to the next one, and kills the worker then (proxies open again after). */
async function killMidway(channels: Channel[], pass: number): Promise<void> {
  // Only the worker started here may take the jobs: an earlier test's worker goes first.
  for (const child of children.filter((c) => c.exitCode === null && c.signalCode === null)) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  for (const proxy of [slackProxy, discordProxy]) Object.assign(proxy, { holding: true, passFirst: pass, held: [] });
  const worker = await startWorker();
  await producer.enqueueDigests(channels.map((c) => c.id));
  await waitFor(`post ${pass + 1} accepted and its answer held`, () => slackProxy.held.length === 1 && discordProxy.held.length === 1, 20_000);
  worker.kill('SIGKILL');
  await new Promise((resolve) => worker.once('exit', resolve));
  slackProxy.holding = false;
  discordProxy.holding = false;
}

const sent = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent');
const partOf = (m: { metadata?: { event_payload: Record<string, unknown> } }) => Number(m.metadata?.event_payload.part);
const idOf = (m: Record<string, unknown>) => String(m.id);

describe('a worker killed in the middle of a thread', () => {
  it('leaves the header and every reply exactly once on Slack and Discord after a worker runs again', async () => {
    const onSlack = withLayout('slack', 'thread');
    const onDiscord = withLayout('discord', 'thread');
    // Header and first reply answered; the second reply is stored by the platform, its answer never arrives.
    await killMidway([onSlack, onDiscord], 2);
    expect(ctx.deliveries.forChannel(onSlack.id)[0]).toMatchObject({ status: 'sending', attempts: 1 });
    expect(ctx.deliveries.forChannel(onDiscord.id)[0]).toMatchObject({ status: 'sending', attempts: 1 });
    await startWorker();

    const slackSent = await waitFor('the Slack thread completed', sent(onSlack), 30_000);
    const discordSent = await waitFor('the Discord thread completed', sent(onDiscord), 30_000);

    const [header, ...others] = slack.messagesIn(onSlack.channelId);
    expect(others).toHaveLength(0);
    const replies = slack.repliesTo(onSlack.channelId, header!.ts);
    expect(replies.map(partOf)).toEqual([2, 3, 4, 5, 6]);
    expect(replies.map((r) => r.metadata?.event_payload.paper_id)).toEqual(papers.map((p) => p.id));
    expect(slack.callsTo('chat.postMessage').filter((c) => c.body.channel === onSlack.channelId)).toHaveLength(6);
    expect(slack.callsTo('conversations.replies').filter((c) => c.body.channel === onSlack.channelId).length).toBeGreaterThanOrEqual(1);
    expect(slackSent.platformMessageIds).toEqual([header!.ts, ...replies.map((r) => r.ts)]);
    expect([slackSent.attempts, discordSent.attempts]).toEqual([2, 2]);

    const [discordHeader, ...more] = discord.messagesIn(onDiscord.channelId);
    expect(more).toHaveLength(0);
    expect(discord.threadsOf(onDiscord.channelId).map((t) => t.id)).toEqual([idOf(discordHeader!)]);
    const discordReplies = discord.messagesIn(idOf(discordHeader!));
    expect(discordReplies).toHaveLength(papers.length);
    expect(discordSent.platformMessageIds).toEqual([discordHeader!.id, ...discordReplies.map((r) => r.id)]);
    expect(ctx.deliveries.paperMessage(onSlack.id, papers[1]!.id)).toMatchObject({ messageId: replies[1]!.ts, threadId: header!.ts });
  }, 90_000);

  it('leaves one forum post per paper after a kill between two posts (found by name before the retry)', async () => {
    const forum = withLayout('discord', 'papers', ['diffusion', 'attention']);
    discord.addForum(forum.channelId, forum.workspaceId);
    const slackChannel = withLayout('slack', 'papers');
    await killMidway([forum, slackChannel], 1);
    await startWorker();
    const delivered = await waitFor('the forum posts completed', sent(forum), 30_000);
    await waitFor('the Slack papers completed', sent(slackChannel), 30_000);
    const posts = discord.threadsOf(forum.channelId);
    expect(posts.map((t) => t.name)).toEqual([papers[0]!.title, papers[2]!.title, papers[3]!.title]);
    expect(delivered.platformMessageIds).toEqual(posts.map((t) => t.id));
    expect(discord.callsTo('GET', new RegExp(`^/guilds/${forum.workspaceId}/threads/active$`)).length).toBeGreaterThanOrEqual(1);
    expect(discord.callsTo('POST', new RegExp(`^/channels/${forum.channelId}/threads$`))).toHaveLength(3);
    expect(slack.messagesIn(slackChannel.channelId).map(partOf)).toEqual([1, 2, 3, 4, 5]);
  }, 90_000);
});
