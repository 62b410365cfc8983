import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeliveryRest, createDiscordChat, nonceFor } from '../../adapters/discord/discord-chat.ts';
import type { ChannelTarget, ChatPlatform } from '../../src/core/ports.ts';
import type { DigestView } from '../../src/core/views.ts';
import { PermanentPlatformError, RateLimitError, TransientPlatformError } from '../../src/errors.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { makePaper } from '../helpers/papers.ts';
import { freePort } from '../helpers/net.ts';

const api = new FakeDiscordApi();
let chat: ChatPlatform;
let channelSeq = 0;

/** A channel id no other test uses, so the REST client's per-route buckets never leak between tests. */
function target(): ChannelTarget {
  channelSeq += 1;
  return { platform: 'discord', workspaceId: '1', channelId: String(800_000_000_000_000_000n + BigInt(channelSeq)) };
}

const posts = (t: ChannelTarget) => api.callsTo('POST', new RegExp(`^/channels/${t.channelId}/messages$`));

function digest(count: number, long = false): DigestView {
  const text = long ? 'word '.repeat(900) : undefined;
  return {
    feedDay: '2025-03-12',
    papers: Array.from({ length: count }, () => toPaperView(makePaper(long ? { aiSummary: text!, authors: [text!] } : {}))),
  };
}

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  await api.start();
  chat = createDiscordChat({ rest: createDeliveryRest(api.apiUrl, 'bot-token'), logger: silentLogger() });
});

afterAll(async () => {
  await api.stop();
});

describe('Discord chat platform (digests through REST)', () => {
  it('gets a 401 from Discord with a bot token that is not the application one', async () => {
    const t = target();
    const wrong = createDiscordChat({ rest: createDeliveryRest(api.apiUrl, 'not-the-bot-token'), logger: silentLogger() });
    const error = await caught(wrong.postDigest(t, digest(1), 'dlv-wrong-token'));
    expect(error).toBeInstanceOf(TransientPlatformError);
    expect(String((error as Error).message)).toContain('401');
    // The first call (what kind of channel this is: a forum takes posts only) already carries the token Discord refuses.
    expect(api.callsTo('GET', new RegExp(`^/channels/${t.channelId}$`))[0]!.headers.authorization).toBe('Bot not-the-bot-token');
    expect(posts(t)).toHaveLength(0);
  });

  it('posts a digest with the bot token, the delivery id as nonce and enforce_nonce', async () => {
    const t = target();
    const result = await chat.postDigest(t, digest(3), 'dlv-short-1');
    const [call] = posts(t);
    expect(result.messageIds).toHaveLength(1);
    expect(call!.headers.authorization).toBe('Bot bot-token');
    expect(call!.body).toMatchObject({ nonce: 'dlv-short-1', enforce_nonce: true, allowed_mentions: { parse: [] } });
    expect(call!.body.embeds).toHaveLength(3);
  });

  it('gives each message of a split digest its own stable nonce of at most 25 characters', async () => {
    const t = target();
    const id = '0f8a4c1e-8d2b-4a57-9a3e-5b1f2c7d9e01';
    const result = await chat.postDigest(t, digest(8, true), id);
    const nonces = posts(t).map((c) => c.body.nonce as string);
    expect(result.messageIds.length).toBeGreaterThan(1);
    expect(nonces).toEqual(result.messageIds.map((_, i) => nonceFor(id, i)));
    expect(new Set(nonces).size).toBe(nonces.length);
    expect(nonces.every((n) => n.length <= 25)).toBe(true);
    expect(nonceFor(id, 0)).toBe(nonceFor(id, 0));
  });

  it('returns the first messages again when a delivery is retried (Discord dedupes by nonce)', async () => {
    const t = target();
    const first = await chat.postDigest(t, digest(2), 'dlv-retry');
    const again = await chat.postDigest(t, digest(2), 'dlv-retry');
    expect(again.messageIds).toEqual(first.messageIds);
    expect(await chat.findDelivery(t, 'dlv-retry')).toEqual({ posted: new Map(), parts: 0 });
  });

  it('surfaces a 429 as a RateLimitError carrying retry_after, without retrying it', async () => {
    const t = target();
    api.rateLimitNext('POST', new RegExp(`^/channels/${t.channelId}/messages$`), 7);
    const error = await caught(chat.postDigest(t, digest(1), 'dlv-429'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThanOrEqual(7000);
    expect((error as RateLimitError).retryAfterMs).toBeLessThan(8000);
    expect(posts(t)).toHaveLength(1);
  });

  it('after a global 429, refuses further posts at once instead of queueing them', async () => {
    const own = createDiscordChat({ rest: createDeliveryRest(api.apiUrl, 'bot-token'), logger: silentLogger() });
    const first = target();
    const second = target();
    api.rateLimitNext('POST', new RegExp(`^/channels/${first.channelId}/messages$`), 30, true);
    expect(await caught(own.postDigest(first, digest(1), 'dlv-global-1'))).toBeInstanceOf(RateLimitError);
    const error = await caught(own.postDigest(second, digest(1), 'dlv-global-2'));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBeGreaterThan(20_000);
    expect(posts(second)).toHaveLength(0);
  });

  it.each([
    [404, 10003, 'Unknown Channel'],
    [403, 50001, 'Missing Access'],
    [403, 50013, 'Missing Permissions'],
    [400, 50008, 'Cannot send messages in a non-text channel'],
  ])('turns a %i with code %i (%s) into a PermanentPlatformError', async (status, code, message) => {
    const t = target();
    api.errorNext('POST', new RegExp(`^/channels/${t.channelId}/messages$`), status, code, message);
    const error = await caught(chat.postDigest(t, digest(1), `dlv-${code}`));
    expect(error).toBeInstanceOf(PermanentPlatformError);
    expect((error as PermanentPlatformError).reason).toBe(String(code));
  });

  it('turns a 5xx into a TransientPlatformError after one attempt (the queue owns retries)', async () => {
    const t = target();
    api.script('POST', new RegExp(`^/channels/${t.channelId}/messages$`), { status: 502, body: { message: 'bad gateway' } });
    const error = await caught(chat.postNotice(t, 'hello'));
    expect(error).toBeInstanceOf(TransientPlatformError);
    expect(posts(t)).toHaveLength(1);
  });

  it('turns an unreachable Discord into a TransientPlatformError', async () => {
    const closed = await freePort();
    const offline = createDiscordChat({ rest: createDeliveryRest(`http://127.0.0.1:${closed}/api`, 'bot-token'), logger: silentLogger() });
    expect(await caught(offline.postNotice(target(), 'hello'))).toBeInstanceOf(TransientPlatformError);
  });

  it('refuses to post without a bot token with a permanent error', async () => {
    const tokenless = createDiscordChat({ rest: undefined, logger: silentLogger() });
    const error = await caught(tokenless.postNotice(target(), 'hello'));
    expect(error).toBeInstanceOf(PermanentPlatformError);
    expect((error as PermanentPlatformError).reason).toBe('missing_token');
  });

  it('posts a notice as plain content within 2000 characters', async () => {
    const t = target();
    await chat.postNotice(t, 'n'.repeat(2500));
    const [call] = posts(t);
    expect(call!.body.content.length).toBeLessThanOrEqual(2000);
    expect(call!.body.embeds).toBeUndefined();
  });
});
