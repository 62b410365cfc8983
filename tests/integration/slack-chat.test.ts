import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { ChannelTarget, ChatPlatform } from '../../src/core/ports.ts';
import type { DigestView } from '../../src/core/views.ts';
import { LookupUnavailableError, PermanentPlatformError, RateLimitError, TransientPlatformError } from '../../src/errors.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { freePort } from '../helpers/net.ts';

const logger = silentLogger();
const target: ChannelTarget = { platform: 'slack', workspaceId: 'T1', channelId: 'C-digest' };
const digest: DigestView = {
  feedDay: '2025-03-12',
  papers: [toPaperView(makePaper({ id: '2503.00001', title: 'Diffusion models for protein design' })), toPaperView(makePaper({ id: '2503.00002' }))],
};

let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let fake: FakeSlackApi;

function chatFor(apiUrl: string): ChatPlatform {
  const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
  return createSlackAdapter({ papers: commands, logger }, { botToken: 'xoxb-test-token', signingSecret: 'secret', apiUrl, adminsOnly: false }).chat;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  testDb = createTestDb('slack-chat');
  ctx = createContext(loadConfig({}), logger, { db: testDb.db });
  fake = await FakeSlackApi.start();
});

afterAll(async () => {
  await fake?.close();
  ctx?.close();
  testDb?.cleanup();
});

beforeEach(() => {
  fake.reset();
});

describe('Slack chat platform', () => {
  it('posts a digest with its delivery id in the message metadata and returns the message ts', async () => {
    const result = await chatFor(fake.apiUrl).postDigest(target, digest, 'dlv-1');
    const posts = fake.callsTo('chat.postMessage');
    expect(posts).toHaveLength(1);
    expect(result.messageIds).toHaveLength(1);
    expect(result.messageIds[0]).toMatch(/^\d+\.\d+$/);
    const body = posts[0]!.body;
    expect(body.channel).toBe('C-digest');
    expect(body.metadata).toEqual({ event_type: 'papers_digest', event_payload: { delivery_id: 'dlv-1', part: 1, parts: 1 } });
    expect(JSON.stringify(body.blocks)).toContain('Trending papers · 2025-03-12');
    expect(body.text).toContain('Diffusion models for protein design');
    expect(posts[0]!.authorization).toBe('Bearer xoxb-test-token');
  });

  it('is refused by Slack with invalid_auth when the bot token is not the workspace one, and posts nothing', async () => {
    const commands = createPapersApp({ ctx, schedules: { channelChanged: async () => {} } });
    const wrong = createSlackAdapter({ papers: commands, logger }, { botToken: 'xoxb-someone-else', signingSecret: 'secret', apiUrl: fake.apiUrl, adminsOnly: false }).chat;
    const error = await rejection(wrong.postDigest(target, digest, 'dlv-wrong-token'));
    expect(error).toBeInstanceOf(PermanentPlatformError);
    expect((error as PermanentPlatformError).reason).toBe('invalid_auth');
    expect(fake.messagesIn(target.channelId)).toHaveLength(0);
  });

  it('splits a digest too large for one message, numbering the parts', async () => {
    const big: DigestView = {
      feedDay: '2025-03-12',
      papers: Array.from({ length: 10 }, (_, i) => ({
        ...toPaperView(makePaper({ title: `Long ${i} ${'title words '.repeat(50)}` })),
        summary: 'summary words '.repeat(100),
      })),
    };
    const result = await chatFor(fake.apiUrl).postDigest(target, big, 'dlv-big');
    const posts = fake.callsTo('chat.postMessage');
    expect(posts.length).toBeGreaterThan(1);
    expect(result.messageIds).toHaveLength(posts.length);
    expect(posts.map((p) => (p.body.metadata as { event_payload: { part: number } }).event_payload.part)).toEqual(posts.map((_, i) => i + 1));
  });

  it('surfaces a 429 as a RateLimitError with the Retry-After, without retrying', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const error = await rejection(chatFor(fake.apiUrl).postDigest(target, digest, 'dlv-429'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(7000);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived'])('surfaces %s as a PermanentPlatformError with that reason', async (code) => {
    fake.failNext('chat.postMessage', { error: code });
    const error = await rejection(chatFor(fake.apiUrl).postDigest(target, digest, `dlv-${code}`));
    expect(error).toBeInstanceOf(PermanentPlatformError);
    expect((error as PermanentPlatformError).reason).toBe(code);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('surfaces a 5xx as a TransientPlatformError after exactly one attempt', async () => {
    fake.failNext('chat.postMessage', { status: 503 });
    const error = await rejection(chatFor(fake.apiUrl).postDigest(target, digest, 'dlv-503'));
    expect(error).toBeInstanceOf(TransientPlatformError);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('surfaces an unreachable Slack as a TransientPlatformError', async () => {
    const port = await freePort();
    const error = await rejection(chatFor(`http://127.0.0.1:${port}/api/`).postDigest(target, digest, 'dlv-down'));
    expect(error).toBeInstanceOf(TransientPlatformError);
  });

  it('finds the messages already posted for a delivery through conversations.history metadata', async () => {
    const chat = chatFor(fake.apiUrl);
    const posted = await chat.postDigest(target, digest, 'dlv-find');
    await chat.postDigest(target, digest, 'dlv-other');
    await chat.postNotice(target, 'Unrelated notice');
    const found = await chat.findDelivery(target, 'dlv-find');
    expect(found.parts).toBe(posted.messageIds.length);
    expect([...found.posted.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id)).toEqual(posted.messageIds);
    expect(await chat.findDelivery(target, 'dlv-never')).toEqual({ posted: new Map(), parts: 0 });
    const history = fake.callsTo('conversations.history');
    expect(history.every((c) => c.body.include_all_metadata === 'true' && c.body.channel === 'C-digest')).toBe(true);
  });

  it('resumes a long digest cut short by a 429: only the missing parts are posted again', async () => {
    const long: DigestView = {
      feedDay: '2025-03-12',
      papers: Array.from({ length: 40 }, (_, i) =>
        toPaperView(makePaper({ id: `2503.${10000 + i}`, title: `Paper ${i} `.repeat(20), abstract: 'A long sentence about models. '.repeat(60) })),
      ),
    };
    const chat = chatFor(fake.apiUrl);
    fake.failNext('chat.postMessage', { pass: true });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    expect(await rejection(chat.postDigest(target, long, 'dlv-long'))).toBeInstanceOf(RateLimitError);
    const found = await chat.findDelivery(target, 'dlv-long');
    expect(found.parts).toBeGreaterThan(1);
    expect([...found.posted.keys()]).toEqual([1]);
    const before = fake.callsTo('chat.postMessage').length;
    const result = await chat.postDigest(target, long, 'dlv-long', { skip: found.posted });
    expect(result.messageIds).toHaveLength(found.parts);
    expect(result.messageIds[0]).toBe(found.posted.get(1));
    expect(fake.callsTo('chat.postMessage').length - before).toBe(found.parts - 1);
    const again = await chat.findDelivery(target, 'dlv-long');
    expect(again.posted.size).toBe(found.parts);
  });

  it('finds a digest that has scrolled more than one history page back', async () => {
    const chat = chatFor(fake.apiUrl);
    const posted = await chat.postDigest(target, digest, 'dlv-old');
    for (let i = 0; i < 250; i++) await chat.postNotice(target, `Later message ${i}`);
    const found = await chat.findDelivery(target, 'dlv-old');
    expect([...found.posted.values()]).toEqual(posted.messageIds);
    expect(fake.callsTo('conversations.history').length).toBeGreaterThan(1);
  });

  it('surfaces a failing history lookup as a typed error', async () => {
    fake.failNext('conversations.history', { error: 'channel_not_found' });
    const error = await rejection(chatFor(fake.apiUrl).findDelivery(target, 'dlv-x'));
    expect(error).toBeInstanceOf(PermanentPlatformError);
  });

  it('takes a history read refused for a missing scope as a look-up that cannot be made, never as a refused channel', async () => {
    fake.failNext('conversations.history', { error: 'missing_scope' });
    const error = await rejection(chatFor(fake.apiUrl).findDelivery(target, 'dlv-scope'));
    expect(error).toBeInstanceOf(LookupUnavailableError);
    expect(error).not.toBeInstanceOf(PermanentPlatformError);
  });

  it('posts a plain notice, escaped, without digest metadata', async () => {
    await chatFor(fake.apiUrl).postNotice(target, 'Digests paused: <channel> & co');
    const [post] = fake.callsTo('chat.postMessage');
    expect(post!.body.text).toBe('Digests paused: &lt;channel&gt; &amp; co');
    expect(post!.body.metadata).toBeUndefined();
  });
});
