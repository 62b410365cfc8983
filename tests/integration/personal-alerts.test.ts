import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCommandRequest } from '../../adapters/discord/command-request.ts';
import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { parseCommandText } from '../../adapters/slack/slack-command-text.ts';
import { SLACK_WORDING } from '../../adapters/slack/slack-wording.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import type { Channel } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, SCHEDULER_IDS, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi, signedHeaders } from '../fakes/slack-api.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { textOf } from '../helpers/command-core.ts';
import { makePaper } from '../helpers/papers.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { FAST_TUNING, jobsContext, samplePapers, seedDay, waitFor } from './jobs-harness.ts';

const prefix = uniquePrefix('personal-alerts');
const { ctx, cleanup } = jobsContext('personal-alerts', prefix);
const discord = new FakeDiscordApi({ botToken: 'test-token' });
let slack: FakeSlackApi;
let jobs: Jobs;
let papers: PapersApp;
let server: HttpServer;
const today = feedDayAt(new Date());
const yesterday = addDays(today, -1);
const [diffusionAtScale, , latentAudio] = seedDay(ctx, yesterday, samplePapers());
const GUILD = '800000000000000001';

/** `/papers <text>` typed by `user` in Slack channel `channel`, as the Slack adapter hands it on. */
function onSlack(text: string, user: string, channel = 'C-team') {
  return papers.command({ platform: 'slack', workspaceId: 'T0001', channelId: channel, userId: user, ...parseCommandText(text), canManage: false, wording: SLACK_WORDING });
}

/** `/papers <text>` as Slack sends it over HTTP, signed: the text the bot answers on the response_url. */
async function signedSlash(text: string, user: string): Promise<string> {
  const responseId = `r-${user}-${Date.now()}`;
  const body = new URLSearchParams({ team_id: 'T0001', channel_id: 'C-team', user_id: user, command: '/papers', text, response_url: slack.responseUrl(responseId) }).toString();
  const res = await fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST', headers: signedHeaders('secret', body), body });
  expect(res.status).toBe(200);
  const reply = await slack.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
  return JSON.stringify(reply.body.blocks) + String(reply.body.text);
}

/** `/papers <subcommand> [options]` used by `user` in a Discord server channel, as the Discord adapter reads it. */
function onDiscord(subcommand: string, options: Record<string, string>, user: string, guildId = GUILD) {
  return papers.command(toCommandRequest({ guildId, channelId: '810000000000000001', userId: user, subcommand, options, permissions: '0' }));
}

function person(platform: string, workspaceId: string, userId: string): Channel {
  const row = ctx.channels.find({ platform, workspaceId, channelId: userId });
  expect(row?.kind).toBe('person');
  return row!;
}

async function runDigest(channel: Channel): Promise<unknown> {
  const [outcome] = await jobs.digestOutcomes(await jobs.enqueueDigests([channel.id]));
  return outcome;
}

const settled = (channel: Channel) => () => ctx.deliveries.forChannel(channel.id).find((d) => d.status === 'sent' || d.status === 'failed');
const dmPosts = (dm: string) => slack.callsTo('chat.postMessage').filter((c) => c.body.channel === dm);

beforeAll(async () => {
  await discord.start();
  slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  jobs = await openJobs({
    work: createPapersWork(ctx),
    redisUrl: TEST_REDIS_URL,
    prefix,
    ingestCron: '0 0 1 1 *',
    tuning: FAST_TUNING,
    // The real cron rule's zone, firing on 1 January only: digests run when a test asks.
    repeatFor: (channel) => ({ pattern: '0 0 1 1 *', tz: channel.schedule.timeZone }),
  });
  papers = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  // Admins only manage channels here: following needs no such right.
  const slackAdapter = createSlackAdapter({ papers, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: true });
  await slackAdapter.start();
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: slackAdapter.routes, readiness: async () => ({}), logger: silentLogger() });
  await jobs.startWorkers({
    platforms: { slack: slackAdapter.chat, discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) },
  });
  // The channel people follow from: its digest time becomes theirs.
  ctx.channels.enrol({ platform: 'slack', workspaceId: 'T0001', channelId: 'C-team' }, { time: '07:30', cadence: 'weekly', weekday: 1, timeZone: 'Europe/Paris' });
});

afterAll(async () => {
  await server?.close();
  await jobs?.close();
  await discord.stop();
  await slack?.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('personal alerts on Slack', () => {
  it('follows a topic for the caller alone, daily at the digest time of the channel they followed from, without managing it', async () => {
    const reply = await signedSlash('follow diffusion', 'UBOB');
    expect(reply).toContain('You now follow \\"diffusion\\".');
    expect(reply).toContain('come to you by direct message daily at 07:30 (Europe/Paris), each paper once');
    const bob = person('slack', 'T0001', 'UBOB');
    expect(bob.schedule).toEqual({ time: '07:30', cadence: 'daily', weekday: null, timeZone: 'Europe/Paris' });
    expect((await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(bob.id)))?.tz).toBe('Europe/Paris');
    expect(ctx.channels.topicQueries(ctx.channels.find({ platform: 'slack', workspaceId: 'T0001', channelId: 'C-team' })!.id)).toEqual([]);
  });

  it('sends matching papers to the follower by direct message once, however often the digest runs', async () => {
    const bob = person('slack', 'T0001', 'UBOB');
    expect(await runDigest(bob)).toMatchObject({ outcome: 'created', papers: 2 });
    const sent = await waitFor('the alert DM', settled(bob));
    expect(sent).toMatchObject({ status: 'sent', paperIds: [diffusionAtScale!.id, latentAudio!.id] });
    const opened = slack.callsTo('conversations.open').filter((c) => c.body.users === 'UBOB');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.authorization).toBe('Bearer xoxb-test');
    const [dm] = dmPosts('DBOB');
    expect(String(dm!.body.text)).toContain(`Your papers for ${yesterday} matching your follows`);
    expect(JSON.stringify(dm!.body.blocks)).toContain('Latent diffusion for audio');
    expect(JSON.stringify(dm!.body.blocks)).not.toContain('Sparse attention kernels');
    expect(await runDigest(bob)).toMatchObject({ outcome: 'exists', status: 'sent' });
    expect(dmPosts('DBOB')).toHaveLength(1);
    expect(slack.messagesIn('DBOB')).toHaveLength(1);
  });

  it('still sends an alert once when an attempt failed after Slack took it: the retry finds it in the DM', async () => {
    await onSlack('follow "latent diffusion"', 'UCAROL');
    const carol = person('slack', 'T0001', 'UCAROL');
    slack.failNext('chat.postMessage', { status: 500, afterStore: true });
    await runDigest(carol);
    const sent = await waitFor('the retried alert', settled(carol));
    expect(sent).toMatchObject({ status: 'sent', paperIds: [latentAudio!.id], attempts: 2 });
    expect(slack.messagesIn('DCAROL')).toHaveLength(1);
    expect(dmPosts('DCAROL')).toHaveLength(1);
    expect(slack.callsTo('conversations.history').some((c) => c.body.channel === 'DCAROL')).toBe(true);
    // The DM channel is opened once per person and process.
    expect(slack.callsTo('conversations.open').filter((c) => c.body.users === 'UCAROL')).toHaveLength(1);
  });

  it('stops alerts at unfollow, while other followers get only the papers new to them', async () => {
    const bob = person('slack', 'T0001', 'UBOB');
    const carol = person('slack', 'T0001', 'UCAROL');
    expect(textOf(await onSlack('unfollow all', 'UBOB'))).toContain('You follow nothing now: no more alerts come to you.');
    expect(ctx.channels.get(bob.id)!.paused).toBe(true);
    expect(await jobs.queues.digest.getJobScheduler(SCHEDULER_IDS.channel(bob.id))).toBeUndefined();
    const fresh = makePaper({ title: 'Latent diffusion for video', upvotes: 50 });
    seedDay(ctx, today, [fresh, latentAudio!]);
    expect(await runDigest(bob)).toMatchObject({ outcome: 'paused' });
    expect(await runDigest(carol)).toMatchObject({ outcome: 'created', papers: 1 });
    await waitFor('the second alert', () => ctx.deliveries.forChannel(carol.id).find((d) => d.feedDay === today && d.status === 'sent'));
    expect(dmPosts('DBOB')).toHaveLength(1);
    expect(ctx.deliveries.forChannel(carol.id)[0]!.paperIds).toEqual([fresh.id]);
    expect(slack.messagesIn('DCAROL')).toHaveLength(2);
  });
});

describe('a person Slack will not open a DM with', () => {
  it('is marked failing with Slack\'s reason and told in /papers following, and no channel hears of it', async () => {
    await onSlack('follow diffusion', 'UGONE');
    const gone = person('slack', 'T0001', 'UGONE');
    const posts = slack.callsTo('chat.postMessage').length;
    slack.failNext('conversations.open', { error: 'user_not_found' });
    await runDigest(gone);
    expect(await waitFor('the refused alert', settled(gone))).toMatchObject({ status: 'failed', lastError: 'user_not_found' });
    expect(ctx.channels.get(gone.id)).toMatchObject({ health: 'failing', paused: true });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(posts);
    expect(textOf(await onSlack('following', 'UGONE'))).toContain('your direct messages could not be reached (user_not_found)');
  });
});

describe('personal alerts on Discord', () => {
  const dave = '700000000000000001';
  const erin = '700000000000000002';

  it('keeps one list per person whichever server they follow from, and sends it to their DM channel', async () => {
    const first = await onDiscord('follow', { topic: 'diffusion' }, dave);
    expect(textOf(first)).toContain('You now follow "diffusion".');
    await onDiscord('follow', { topic: 'author:"Ada Lovelace" diffusion' }, dave, '800000000000000099');
    const row = person('discord', '@me', dave);
    expect(ctx.channels.topicQueries(row.id)).toEqual(['diffusion', 'author:"Ada Lovelace" diffusion']);
    expect(textOf(await onDiscord('following', {}, dave, '800000000000000099'))).toContain('1. diffusion\n2. author:"Ada Lovelace" diffusion');
    await runDigest(row);
    await waitFor('the Discord alert', settled(row));
    const open = discord.callsTo('POST', /^\/users\/@me\/channels$/).filter((c) => c.body.recipient_id === dave);
    expect(open).toHaveLength(1);
    expect(open[0]!.headers.authorization).toBe('Bot test-token');
    const dm = discord.dmChannels.get(dave)!;
    const posts = discord.callsTo('POST', new RegExp(`^/channels/${dm}/messages$`));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body.content).toContain(`Your papers for ${today} matching your follows`);
    expect(posts[0]!.body).toMatchObject({ nonce: ctx.deliveries.forChannel(row.id)[0]!.id, enforce_nonce: true });
  });

  it('marks a person whose DMs are refused as failing, tells nobody else, and says so in /papers following', async () => {
    await onDiscord('follow', { topic: 'diffusion' }, erin);
    const row = person('discord', '@me', erin);
    const before = discord.calls.length;
    discord.errorNext('POST', /^\/channels\/\d+\/messages$/, 403, 50007, 'Cannot send messages to this user');
    await runDigest(row);
    const failed = await waitFor('the refused alert', settled(row));
    expect(failed).toMatchObject({ status: 'failed', lastError: '50007' });
    expect(ctx.channels.get(row.id)).toMatchObject({ health: 'failing', paused: true });
    // One DM channel opened, one refused post: no notice to anyone, anywhere.
    expect(discord.calls.slice(before).filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/users/@me/channels', `/channels/${discord.dmChannels.get(erin)}/messages`]);
    const listed = textOf(await onDiscord('following', {}, erin));
    expect(listed).toContain('Your alerts are paused: your direct messages could not be reached (50007).');
    const again = textOf(await onDiscord('follow', { topic: 'diffusion' }, erin));
    expect(again).toContain('they are on again');
    expect(ctx.channels.get(row.id)).toMatchObject({ health: 'ok', paused: false });
    await waitFor('the alert held back', () => discord.callsTo('POST', new RegExp(`^/channels/${discord.dmChannels.get(erin)}/messages$`)).length === 2);
  });
});
