import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import type { ReactionOutcome } from '../../src/app/votes.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import { noScheduleSync, type ChannelTarget } from '../../src/core/ports.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { startHttpServer, type HttpServer } from '../../src/server/http-server.ts';
import { FakeSlackApi, signedHeaders, type RecordedCall } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const SECRET = 'test-signing-secret-votes-0123456789';
const logger = silentLogger();
const CHANNEL = 'C-votes';
const target: ChannelTarget = { platform: 'slack', workspaceId: 'T1', channelId: CHANNEL };

let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;
let adapter: PlatformAdapter;
let server: HttpServer;
const outcomes: ReactionOutcome[] = [];
let seq = 0;
/** The two-paper digest message and the one-paper message, as posted. */
let digestTs: string;
let singleTs: string;

const papers = [
  makePaper({ id: '2503.00001', title: 'Diffusion models for protein design', authors: ['Jane Smith', 'John Doe'], publishedAt: '2025-03-10', categories: ['cs.LG'] }),
  makePaper({ id: '2503.00002', title: 'Scaling laws for diffusion transformers', authors: ['Ann Lee'], publishedAt: '2025-03-09', categories: ['cs.CV'] }),
  makePaper({ id: '2503.00004', title: 'Reinforcement learning for theorem proving', authors: ['Ravi Rao'], publishedAt: '2025-03-11' }),
];

async function post(body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.port}/slack/events`, { method: 'POST', headers, body });
}

interface Button {
  action_id: string;
  value?: string;
  text: { text: string };
}

function buttonsIn(blocks: unknown): Button[] {
  return (blocks as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}

/** Clicks a button as Slack posts it: a signed `block_actions` form; resolves with the response_url reply. */
async function click(button: { action_id: string; value?: string }, options: { user?: string; channel?: string; ts?: string; ephemeral?: boolean } = {}): Promise<RecordedCall> {
  seq += 1;
  const responseId = `vote-${seq}`;
  const channel = options.channel ?? CHANNEL;
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: options.user ?? 'UALICE', team_id: 'T1' },
    channel: { id: channel, name: 'votes' },
    api_app_id: 'A1',
    trigger_id: '1.2.3',
    response_url: fake.responseUrl(responseId),
    container: { type: 'message', message_ts: options.ts ?? digestTs, channel_id: channel, is_ephemeral: options.ephemeral ?? false },
    // Slack sends the message only for a message in the channel, never for an ephemeral reply.
    ...(options.ephemeral ? {} : { message: { type: 'message', ts: options.ts ?? digestTs, text: 'digest' } }),
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'b1', value: button.value, action_ts: '1.2' }],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const res = await post(body, signedHeaders(SECRET, body));
  expect(res.status).toBe(200);
  return fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
}

/** Sends a signed slash command; resolves with its first reply. */
async function slash(text: string, user = 'UALICE'): Promise<RecordedCall> {
  seq += 1;
  const responseId = `cmd-${seq}`;
  const body = new URLSearchParams({
    team_id: 'T1',
    channel_id: CHANNEL,
    user_id: user,
    command: '/papers',
    text,
    response_url: fake.responseUrl(responseId),
    trigger_id: '1.2.3',
  }).toString();
  await post(body, signedHeaders(SECRET, body));
  return fake.waitFor((calls) => calls.find((c) => c.method === `response:${responseId}`));
}

/** Polls until `check` gives a value (the app handles events after acknowledging them). */
async function until<T>(check: () => T | undefined, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface ReactionFields {
  eventId: string;
  user: string;
  reaction: string;
  ts: string;
  retry?: boolean;
  channel?: string;
}

/** Sends a signed Events API callback (JSON) for a reaction; resolves once the app has handled it. */
async function reaction(type: 'reaction_added' | 'reaction_removed', fields: ReactionFields): Promise<ReactionOutcome> {
  const before = outcomes.length;
  await sendReaction(type, fields);
  return until(() => (outcomes.length > before ? outcomes[before] : undefined));
}

async function sendReaction(type: 'reaction_added' | 'reaction_removed', fields: ReactionFields): Promise<void> {
  const body = JSON.stringify({
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: fields.eventId,
    event_time: 1_741_780_000,
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    event: { type, user: fields.user, reaction: fields.reaction, item_user: 'UBOT', item: { type: 'message', channel: fields.channel ?? CHANNEL, ts: fields.ts }, event_ts: '1741780000.000200' },
  });
  const headers = { ...signedHeaders(SECRET, body), 'content-type': 'application/json', ...(fields.retry ? { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } : {}) };
  const res = await post(body, headers);
  expect(res.status).toBe(200);
}

const text = (call: RecordedCall) => `${String(call.body.text ?? '')}${JSON.stringify(call.body.blocks ?? [])}`;

beforeAll(async () => {
  testDb = createTestDb('slack-votes');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db });
  ctx.papers.upsertPage(papers, []);
  fake = await FakeSlackApi.start();
  const core = createPapersApp({ ctx, schedules: noScheduleSync });
  const app: PapersApp = {
    ...core,
    async react(req) {
      const outcome = await core.react(req);
      outcomes.push(outcome);
      return outcome;
    },
  };
  adapter = createSlackAdapter({ papers: app, logger }, { botToken: 'xoxb-test-token', signingSecret: SECRET, apiUrl: fake.apiUrl, adminsOnly: false });
  await adapter.start();
  server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: adapter.routes, readiness: async () => ({}), logger });

  // Two digests delivered to the channel: one message with two papers, one message with one paper.
  const { channel } = ctx.channels.enrol(target, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
  const deliver = async (feedDay: string, shown: typeof papers) => {
    const view = { feedDay, papers: shown.map((p) => toPaperView(p)) };
    const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay, picks: shown.map((p) => ({ paperId: p.id })), view, status: 'pending' });
    // As the deliverer leaves a posted digest: sent, with the message that shows each paper.
    const { messageIds } = await adapter.chat.postDigest(target, view, delivery.id);
    ctx.deliveries.markSent(delivery.id, messageIds);
    ctx.deliveries.recordPaperMessages(delivery.id, shown.map((p) => ({ paperId: p.id, messageId: messageIds[0]! })));
    return messageIds[0]!;
  };
  digestTs = await deliver('2025-03-12', papers.slice(0, 2));
  singleTs = await deliver('2025-03-13', papers.slice(2));
});

afterAll(async () => {
  await server?.close();
  await adapter?.stop();
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

function postedButtons(ts: string): Button[] {
  return buttonsIn(fake.messagesIn(CHANNEL).find((m) => m.ts === ts)!.blocks);
}

const voteOn = (paperId: string, actionId: string, ts = digestTs) => postedButtons(ts).find((b) => b.action_id === actionId && b.value === `p:${paperId}`)!;

describe('Slack vote buttons on a posted digest', () => {
  it('shows 👍 👎 🔖 on each paper of the posted digest, carrying the paper', () => {
    const buttons = postedButtons(digestTs).filter((b) => b.action_id.startsWith('papers_vote') || b.action_id === 'papers_save');
    expect(buttons.map((b) => [b.text.text.slice(0, 2), b.value])).toEqual([
      ['👍', 'p:2503.00001'],
      ['👎', 'p:2503.00001'],
      ['🔖', 'p:2503.00001'],
      ['👍', 'p:2503.00002'],
      ['👎', 'p:2503.00002'],
      ['🔖', 'p:2503.00002'],
    ]);
  });

  it('casts, changes and takes back votes, one per person, answering only the clicker with the counts', async () => {
    const first = await click(voteOn('2503.00001', 'papers_vote_up'));
    expect(first.body.response_type).toBe('ephemeral');
    expect(first.body.replace_original).toBe(false);
    expect(text(first)).toContain('👍 Counted: more like "Diffusion models for protein design". This channel: 👍 1 · 👎 0.');

    expect(text(await click(voteOn('2503.00001', 'papers_vote_up'), { user: 'UBOB' }))).toContain('This channel: 👍 2 · 👎 0.');
    expect(text(await click(voteOn('2503.00001', 'papers_vote_down')))).toContain('Changed your vote on "Diffusion models for protein design" to 👎. This channel: 👍 1 · 👎 1.');
    expect(text(await click(voteOn('2503.00001', 'papers_vote_down')))).toContain('Took back your 👎 on "Diffusion models for protein design". This channel: 👍 1 · 👎 0.');
    expect(ctx.votes.forChannel(target).map((v) => [v.paperId, v.userId, v.value, v.source])).toEqual([['2503.00001', 'UBOB', 1, 'button']]);
  });

  it('refuses an unknown paper, a forged or oversized value and a posted paper of another channel, changing nothing', async () => {
    const before = JSON.stringify([ctx.votes.forChannel(target), ctx.votes.forChannel({ ...target, channelId: 'C-other' })]);
    const unknown = await click({ action_id: 'papers_vote_up', value: 'p:2599.99999' });
    expect(text(unknown)).toContain('Paper 2599.99999 is not among the papers stored here');
    for (const value of ['x:2503.00001', 'p:', `p:${'9'.repeat(1500)}`, 'p:2503.00001; DROP TABLE votes']) {
      expect(text(await click({ action_id: 'papers_vote_up', value }))).toMatch(/not one of ours|does not name a paper/);
    }
    const elsewhere = await click(voteOn('2503.00001', 'papers_vote_up'), { channel: 'C-other' });
    expect(text(elsewhere)).toContain('was not posted in this channel, so this vote was not counted');
    expect(JSON.stringify([ctx.votes.forChannel(target), ctx.votes.forChannel({ ...target, channelId: 'C-other' })])).toBe(before);
  });

  it("counts a vote and a reaction in a personal alert DM for that person's alerts, on the digest posted there", async () => {
    const person = { platform: 'slack', workspaceId: 'T1', channelId: 'UDANA' };
    const { channel } = ctx.channels.enrol({ ...person, kind: 'person' }, { time: '08:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    const paper = ctx.papers.get('2503.00002')!;
    const view = { feedDay: '2025-03-14', papers: [toPaperView(paper)] };
    const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-03-14', picks: [{ paperId: paper.id }], view, status: 'pending' });
    const posted = await adapter.chat.postDigest({ ...person, kind: 'person' }, view, delivery.id);
    ctx.deliveries.markSent(delivery.id, posted.messageIds);
    ctx.deliveries.recordPaperMessages(delivery.id, posted.shown ?? []);
    const dm = 'DDANA';
    const ts = posted.messageIds[0]!;
    const up = buttonsIn(fake.messagesIn(dm).find((m) => m.ts === ts)!.blocks).find((b) => b.action_id === 'papers_vote_up')!;
    expect(text(await click(up, { user: 'UDANA', channel: dm, ts }))).toContain('👍 1');
    expect(ctx.votes.voteOf(person, '2503.00002', 'UDANA')).toBe(1);
    expect(await reaction('reaction_added', { eventId: 'Ev-dm', user: 'UDANA', reaction: 'bookmark', ts, channel: dm })).toMatchObject({ kind: 'counted', paperId: '2503.00002' });
    expect(ctx.saved.has({ platform: 'slack', workspaceId: 'T1', userId: 'UDANA' }, '2503.00002')).toBe(true);
    // The same button on a message that is no digest posted to Dana counts for nobody.
    expect(text(await click(up, { user: 'UDANA', channel: dm, ts: '1.000002' }))).toContain('was not posted in this channel');
    expect(ctx.votes.forChannel({ ...target, channelId: dm })).toEqual([]);
  });

  it('counts a vote on a posted button only at the message that shows the paper, whatever the button value says', async () => {
    const listed = await click({ action_id: 'papers_vote_up', value: 'l:2503.00002' }, { user: 'UGIL', ts: singleTs });
    expect(text(listed)).toContain('was not posted in this channel, so this vote was not counted');
    expect(ctx.votes.voteOf(target, '2503.00002', 'UGIL')).toBeUndefined();
    expect(text(await click({ action_id: 'papers_vote_up', value: 'l:2503.00002' }, { user: 'UGIL' }))).toContain('👍 Counted');
    expect(ctx.votes.voteOf(target, '2503.00002', 'UGIL')).toBe(1);
  });

  it('counts a vote from search results in the channel where the search ran', async () => {
    const results = await slash('search theorem proving');
    const up = buttonsIn(results.body.blocks).find((b) => b.action_id === 'papers_vote_up' && b.value === 'l:2503.00004')!;
    expect(up.text.text).toBe('👍 More like this');
    expect(text(await click(up, { ephemeral: true, ts: '1741780000.000900' }))).toContain('This channel: 👍 1 · 👎 0.');
    expect(ctx.votes.voteOf(target, '2503.00004', 'UALICE')).toBe(1);
  });
});

describe('Slack vote replies', () => {
  it('escapes the title it quotes, so a title can never mention anyone', async () => {
    ctx.papers.upsertPage([makePaper({ id: '2503.00099', title: 'Pinging <!channel> & friends' })], []);
    const reply = await click({ action_id: 'papers_vote_up', value: 'l:2503.00099' }, { user: 'UZED', ephemeral: true });
    expect(text(reply)).toContain('"Pinging &lt;!channel&gt; &amp; friends"');
    expect(text(reply)).not.toContain('<!channel>');
  });
});

describe('Slack saved papers', () => {
  it('saves with 🔖, lists the reading list only to the saver, gives BibTeX, and 🔖 again removes', async () => {
    expect(text(await click(voteOn('2503.00001', 'papers_save')))).toContain('🔖 Saved "Diffusion models for protein design" to your reading list (1 saved)');
    await click(voteOn('2503.00002', 'papers_save'));
    const list = await slash('saved');
    expect(list.body.response_type).toBe('ephemeral');
    expect(text(list)).toContain('Papers 1-2 of 2, newest first');
    expect(text(list).indexOf('Scaling laws')).toBeLessThan(text(list).indexOf('Diffusion models for protein'));
    expect(text(await slash('saved', 'UBOB'))).toContain('Your reading list is empty');

    const bibtex = await slash('saved bibtex');
    expect(text(bibtex)).toContain('@misc{smith2025diffusion,');
    expect(text(bibtex)).toContain('primaryClass = {cs.LG}');
    expect(text(bibtex)).toContain('```');

    expect(text(await click(voteOn('2503.00002', 'papers_save')))).toContain('Removed "Scaling laws for diffusion transformers" from your reading list (1 left)');
    expect(text(await slash('saved remove 2503.00001'))).toContain('Removed "Diffusion models for protein design"');
    expect(text(await slash('saved remove 2503.00001'))).toContain('is not on your reading list');
    expect(ctx.saved.size({ platform: 'slack', workspaceId: 'T1', userId: 'UALICE' })).toBe(0);
  });

  it('pages a long reading list with the More button', async () => {
    const reader = { platform: 'slack', workspaceId: 'T1', userId: 'UCAROL' };
    for (const p of [...papers, ...papers]) ctx.saved.save(reader, p.id);
    for (let i = 0; i < 4; i += 1) {
      const extra = makePaper({ title: `Saved extra ${i}` });
      ctx.papers.upsertPage([extra], []);
      ctx.saved.save(reader, extra.id);
    }
    const first = await slash('saved', 'UCAROL');
    expect(text(first)).toContain('Papers 1-5 of 7');
    const more = buttonsIn(first.body.blocks).find((b) => b.action_id === 'papers_more')!;
    const page = await click(more, { user: 'UCAROL' });
    expect(text(page)).toContain('Papers 6-7 of 7');
  });
});

describe('Slack reactions on posted papers', () => {
  it('answers the Events API url_verification challenge on the same signed URL', async () => {
    const body = JSON.stringify({ token: 'legacy', challenge: 'challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const res = await post(body, { ...signedHeaders(SECRET, body), 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('challenge-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');
  });

  it('counts a 👍 reaction once when Slack redelivers the same event, and its removal takes back only that vote', async () => {
    expect(await reaction('reaction_added', { eventId: 'Ev-1', user: 'UDAN', reaction: '+1', ts: singleTs })).toMatchObject({ kind: 'counted', paperId: '2503.00004', counts: { up: 2, down: 0 } });
    expect(await reaction('reaction_added', { eventId: 'Ev-1', user: 'UDAN', reaction: '+1', ts: singleTs, retry: true })).toEqual({ kind: 'ignored', reason: 'redelivered' });
    expect(ctx.votes.voteOf(target, '2503.00004', 'UDAN')).toBe(1);

    await reaction('reaction_removed', { eventId: 'Ev-2', user: 'UDAN', reaction: 'thumbsup', ts: singleTs });
    expect(ctx.votes.voteOf(target, '2503.00004', 'UDAN')).toBeUndefined();
    // A redelivered "added" after the removal changes nothing.
    expect(await reaction('reaction_added', { eventId: 'Ev-1', user: 'UDAN', reaction: '+1', ts: singleTs, retry: true })).toEqual({ kind: 'ignored', reason: 'redelivered' });
    expect(ctx.votes.voteOf(target, '2503.00004', 'UDAN')).toBeUndefined();
  });

  it('never lets a removed reaction undo a button vote, and saves with :bookmark:', async () => {
    await reaction('reaction_added', { eventId: 'Ev-3', user: 'UALICE', reaction: '-1::skin-tone-3', ts: singleTs });
    expect(ctx.votes.voteOf(target, '2503.00004', 'UALICE')).toBe(-1);
    await click(voteOn('2503.00004', 'papers_vote_up', singleTs), { ts: singleTs });
    await reaction('reaction_removed', { eventId: 'Ev-4', user: 'UALICE', reaction: '-1', ts: singleTs });
    expect(ctx.votes.voteOf(target, '2503.00004', 'UALICE')).toBe(1);

    await reaction('reaction_added', { eventId: 'Ev-5', user: 'UERIN', reaction: 'bookmark', ts: singleTs });
    expect(ctx.saved.has({ platform: 'slack', workspaceId: 'T1', userId: 'UERIN' }, '2503.00004')).toBe(true);
    await reaction('reaction_removed', { eventId: 'Ev-6', user: 'UERIN', reaction: 'bookmark', ts: singleTs });
    expect(ctx.saved.has({ platform: 'slack', workspaceId: 'T1', userId: 'UERIN' }, '2503.00004')).toBe(false);
  });

  it('ignores reactions on a digest message that shows several papers, and reactions that are no vote', async () => {
    const before = JSON.stringify(ctx.votes.forChannel(target));
    expect(await reaction('reaction_added', { eventId: 'Ev-7', user: 'UFAY', reaction: '+1', ts: digestTs })).toEqual({ kind: 'ignored', reason: 'not-one-paper' });
    expect(await reaction('reaction_added', { eventId: 'Ev-8', user: 'UFAY', reaction: '+1', ts: '1.000001' })).toEqual({ kind: 'ignored', reason: 'not-one-paper' });
    // A reaction that is no vote is never handed to the application: the next one is the next outcome.
    const counted = outcomes.length;
    await sendReaction('reaction_added', { eventId: 'Ev-9', user: 'UFAY', reaction: 'tada', ts: singleTs });
    expect(await reaction('reaction_added', { eventId: 'Ev-10', user: 'UFAY', reaction: '+1', ts: digestTs })).toEqual({ kind: 'ignored', reason: 'not-one-paper' });
    expect(outcomes.length).toBe(counted + 1);
    expect(JSON.stringify(ctx.votes.forChannel(target))).toBe(before);
  });
});
