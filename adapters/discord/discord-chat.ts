import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, REST, RateLimitError as RestRateLimitError } from '@discordjs/rest';
import { Routes, type RESTGetAPIChannelMessagesResult, type RESTPostAPIChannelMessageJSONBody, type RESTPostAPIChannelMessageResult } from 'discord-api-types/v10';
import type { ChannelTarget, ChatPlatform, DeliveryPolicy, DigestPart, PostResult, DeliveredParts, PostDigestOptions } from '../../src/core/ports.ts';
import type { DigestView } from '../../src/core/views.ts';
import { describeError, LookupUnavailableError, PapersError, PermanentPlatformError, RateLimitError, TransientPlatformError } from '../../src/errors.ts';
import { DISCORD_LIMITS, fit, type DiscordMessage } from './discord-embeds.ts';
import type { Logger } from '../../src/logger.ts';
import { createDiscordDms } from './discord-dm.ts';
import { channelReader, editDigestPart, findForumPosts, postLayout, type LayoutPoster } from './discord-layouts.ts';

/**
 * Discord error codes no retry can fix: Unknown Channel, Unknown User, Missing Access, Missing Permissions,
 * Cannot send messages to this user (DMs), Cannot send messages in a non-text channel (a forum, a voice
 * channel), Cannot execute action on this channel type (e.g. starting a thread inside a thread).
 */
export const PERMANENT_CODES = new Set([10003, 10013, 50001, 50013, 50007, 50008, 50024]);
/** "Cannot execute action on this channel type": for delivery, a thread started where none can be (inside a thread). */
const CANNOT_ON_CHANNEL_TYPE = 50024;
const MAX_NONCE = 25;
const FALLBACK_RETRY_MS = 1000;

/**
 * A stable Create Message `nonce` (<= 25 characters) for part `part` of a delivery: the delivery id itself
 * when it is short enough, otherwise a hash of it; later parts of a split digest get `.<part>`.
 */
export function nonceFor(deliveryId: string, part: number): string {
  const base = deliveryId.length <= 22 ? deliveryId : createHash('sha256').update(deliveryId).digest('base64url').slice(0, 22);
  return (part === 0 ? base : `${base}.${part}`).slice(0, MAX_NONCE);
}

/**
 * A REST client for the delivery path: a 429 (or a bucket known to be exhausted) throws at once instead
 * of sleeping in @discordjs/rest's queue, and 5xx are not retried, so the job queue owns every retry.
 */
export function createDeliveryRest(apiUrl: string, token: string): REST {
  return new REST({ api: apiUrl, version: '10', rejectOnRateLimit: () => true, retries: 0 }).setToken(token);
}

/** Maps a REST failure to our typed platform errors. */
export function toPlatformError(error: unknown): PapersError {
  if (error instanceof PapersError) return error;
  if (error instanceof RestRateLimitError) {
    const ms = error.retryAfter > 0 ? error.retryAfter : error.timeToReset > 0 ? error.timeToReset : FALLBACK_RETRY_MS;
    return new RateLimitError(Math.ceil(ms), `Discord rate limit on ${error.route}${error.global ? ' (global)' : ''}; retry after ${Math.ceil(ms)} ms`, { cause: error });
  }
  if (error instanceof DiscordAPIError) {
    const code = Number(error.code);
    if (code === CANNOT_ON_CHANNEL_TYPE) {
      const reason = `${code}: this channel cannot hold a thread (it is one), so choose the digest layout (/papers settings)`;
      return new PermanentPlatformError(reason, `Discord refused: ${error.message} (${reason})`, { cause: error });
    }
    if (PERMANENT_CODES.has(code)) return new PermanentPlatformError(String(code), `Discord refused: ${error.message} (${code})`, { cause: error });
    return new TransientPlatformError(`Discord answered ${error.status}: ${error.message} (${error.code})`, { cause: error });
  }
  if (error instanceof HTTPError) return new TransientPlatformError(`Discord answered ${error.status} ${error.message}`, { cause: error });
  return new TransientPlatformError(`Discord unreachable: ${describeError(error)}`, { cause: error });
}

/** Discord's delivery policy: no per-channel spacing needed (per-route buckets), 40 posts/s across the bot (under the 50/s global limit). */
export const DISCORD_DELIVERY: DeliveryPolicy = { perChannelIntervalMs: 0, limiter: { max: 40, duration: 1_000 } };

export interface DiscordChatOptions {
  /** Delivery REST client ({@link createDeliveryRest}); undefined when no bot token is configured. */
  rest: REST | undefined;
  logger: Logger;
}

/** Digests and notices through Discord REST with the bot token: `POST /channels/{id}/messages`. */
export function createDiscordChat(options: DiscordChatOptions): ChatPlatform {
  const log = options.logger;
  const dms = createDiscordDms(options.rest, toPlatformError);

  async function send(channelId: string, body: RESTPostAPIChannelMessageJSONBody): Promise<string> {
    if (!options.rest) throw new PermanentPlatformError('missing_token', 'DISCORD_TOKEN is not set: Discord digests cannot be posted');
    try {
      const message = (await options.rest.post(Routes.channelMessages(channelId), { body })) as RESTPostAPIChannelMessageResult;
      return message.id;
    } catch (error) {
      const mapped = toPlatformError(error);
      log.warn({ channelId, code: mapped.code, reason: describeError(mapped) }, 'discord post failed');
      throw mapped;
    }
  }

  const asBody = (message: DiscordMessage): RESTPostAPIChannelMessageJSONBody => ({ ...message, allowed_mentions: { parse: [] } });

  const channel = options.rest ? channelReader(options.rest, toPlatformError) : undefined;
  function poster(): LayoutPoster {
    if (!options.rest || !channel) throw new PermanentPlatformError('missing_token', 'DISCORD_TOKEN is not set: Discord digests cannot be posted');
    return { rest: options.rest, send: (channelId, message, nonce) => send(channelId, { ...asBody(message), nonce, enforce_nonce: true }), nonceFor, toPlatformError, warn: (fields, message) => log.warn(fields, message), channel };
  }

  return {
    platform: 'discord',
    delivery: DISCORD_DELIVERY,
    async postDigest(to: ChannelTarget, digest: DigestView, deliveryId: string, options: PostDigestOptions = {}): Promise<PostResult> {
      const target = await dms.resolve(to);
      // Every layout goes through postLayout: only it knows whether the channel is a forum, which takes posts only.
      const result = await postLayout(poster(), target, digest, deliveryId, options);
      log.info({ channelId: target.channelId, deliveryId, layout: digest.layout ?? 'digest', messages: result.messageIds.length }, 'discord digest posted');
      return result;
    },
    async findDelivery(to: ChannelTarget, _deliveryId: string, digest?: DigestView): Promise<DeliveredParts> {
      // Channel messages dedupe by nonce; forum posts take none, so they are looked for.
      if (!options.rest) return { posted: new Map(), parts: 0 };
      return findForumPosts(poster(), await dms.resolve(to), digest);
    },
    async postReply(_target: ChannelTarget, threadId: string, text: string, key: string): Promise<string> {
      return send(threadId, { ...asBody({ content: fit(text, DISCORD_LIMITS.content) }), nonce: nonceFor(key, 0), enforce_nonce: true });
    },
    async findReply(_target: ChannelTarget, threadId: string, _key: string, text: string): Promise<string | undefined> {
      // Discord keeps a nonce only minutes and never returns it on reads: the bot's own message with the same words is the reply.
      if (!options.rest) throw new PermanentPlatformError('missing_token', 'DISCORD_TOKEN is not set');
      const content = fit(text, DISCORD_LIMITS.content);
      let recent: RESTGetAPIChannelMessagesResult;
      try {
        recent = (await options.rest.get(Routes.channelMessages(threadId), { query: new URLSearchParams({ limit: '100' }) })) as RESTGetAPIChannelMessagesResult;
      } catch (error) {
        const mapped = toPlatformError(error);
        if (mapped instanceof PermanentPlatformError) throw new LookupUnavailableError(mapped.reason, `Discord refused to read the thread back (${mapped.reason})`, { cause: mapped });
        throw mapped;
      }
      return recent.find((m) => m.author.bot === true && m.content === content)?.id;
    },
    async updateDigestPart(to: ChannelTarget, messageId: string, digest: DigestView, _deliveryId: string, part: DigestPart): Promise<void> {
      await editDigestPart(poster(), await dms.resolve(to), messageId, digest, part.paperIds);
    },
    async postNotice(target: ChannelTarget, text: string): Promise<void> {
      await send((await dms.resolve(target)).channelId, asBody({ content: fit(text, DISCORD_LIMITS.content) }));
    },
    async notifyUser(_target: ChannelTarget, userId: string, text: string): Promise<void> {
      await send(await dms.open(userId), asBody({ content: fit(text, DISCORD_LIMITS.content) }));
    },
  };
}
