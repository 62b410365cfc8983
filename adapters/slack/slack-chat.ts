import type { WebClient } from '@slack/web-api';
import type { ChannelTarget, ChatPlatform, DeliveryPolicy, PostResult, DeliveredParts, PostDigestOptions } from '../../src/core/ports.ts';
import { LookupUnavailableError, PermanentPlatformError } from '../../src/errors.ts';
import type { DigestView } from '../../src/core/views.ts';
import { escapeMrkdwn, renderDigest, type SlackMessage } from './slack-blocks.ts';
import type { Logger } from '../../src/logger.ts';
import { toPlatformError } from './slack-errors.ts';
import { SlackDms } from './slack-dm.ts';

/** The `metadata.event_type` every digest message carries. */
export const DIGEST_EVENT_TYPE = 'papers_digest';

/** Slack's delivery policy (see docs: 1 message/s per channel, special rate tier for chat.postMessage). */
export const SLACK_DELIVERY: DeliveryPolicy = { perChannelIntervalMs: 1_000, limiter: { max: 10, duration: 1_000 } };

/** How far back `findDelivery` looks: pages of 200 messages. */
const HISTORY_PAGES = 3;

interface HistoryMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/**
 * Posts digests to Slack through a WebClient that never retries on its own (the queue owns retries):
 * errors surface typed (see `toPlatformError`), and each message carries its delivery id in `metadata`
 * so that `findDelivery` can tell after an ambiguous failure whether it was posted.
 */
export class SlackChat implements ChatPlatform {
  readonly platform = 'slack' as const;
  /** Slack: about one message per second per channel; a workspace-wide cap well under chat.postMessage's tier. */
  readonly delivery = SLACK_DELIVERY;

  private readonly dms: SlackDms;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {
    this.dms = new SlackDms(client);
  }

  async postDigest(to: ChannelTarget, digest: DigestView, deliveryId: string, options: PostDigestOptions = {}): Promise<PostResult> {
    const target = await this.dms.resolve(to);
    const messages = renderDigest(digest);
    const messageIds: string[] = [];
    for (const [i, message] of messages.entries()) {
      const payload = { delivery_id: deliveryId, part: i + 1, parts: messages.length };
      const id = options.skip?.get(i + 1) ?? (await this.post(target, message, payload));
      messageIds.push(id);
      options.onPosted?.(i + 1, id);
    }
    this.logger.info({ channelId: target.channelId, deliveryId, messages: messageIds.length }, 'slack digest posted');
    return { messageIds };
  }

  async findDelivery(to: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
    const target = await this.dms.resolve(to);
    try {
      return await this.searchHistory(target, deliveryId);
    } catch (error) {
      // Posting to a public channel needs no membership (chat:write.public); reading its history does.
      if (!(error instanceof PermanentPlatformError) || error.reason !== 'not_in_channel') throw error;
      await this.join(target);
    }
    try {
      return await this.searchHistory(target, deliveryId);
    } catch (error) {
      if (error instanceof PermanentPlatformError && error.reason === 'not_in_channel') {
        throw new LookupUnavailableError(error.reason, 'Slack still answers not_in_channel after joining', { cause: error });
      }
      throw error;
    }
  }

  async notifyUser(target: ChannelTarget, userId: string, text: string): Promise<void> {
    await this.post({ ...target, channelId: await this.dms.open(userId) }, { text: escapeMrkdwn(text), blocks: [] });
  }

  private async join(target: ChannelTarget): Promise<void> {
    try {
      await this.client.conversations.join({ channel: target.channelId });
      this.logger.info({ channelId: target.channelId }, 'joined the public channel to read back its digests');
    } catch (error) {
      // Private channels cannot be joined, nor can an install without channels:join: Slack's "no" is final.
      const code = (error as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && code !== 'ratelimited') throw new LookupUnavailableError(code, `Slack refused conversations.join: ${code}`, { cause: error });
      throw toPlatformError(error, 'conversations.join');
    }
  }

  private async searchHistory(target: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
    const posted = new Map<number, string>();
    let parts = 0;
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      let result;
      try {
        result = await this.client.conversations.history({ channel: target.channelId, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
      } catch (error) {
        throw toPlatformError(error, 'conversations.history');
      }
      for (const m of (result.messages ?? []) as HistoryMessage[]) {
        const meta = m.metadata?.event_type === DIGEST_EVENT_TYPE ? m.metadata.event_payload : undefined;
        if (!m.ts || meta?.delivery_id !== deliveryId) continue;
        posted.set(Number(meta.part ?? 1), m.ts);
        parts = Math.max(parts, Number(meta.parts ?? 1));
      }
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!result.has_more || !cursor) break;
    }
    return { posted, parts };
  }

  async postNotice(target: ChannelTarget, text: string): Promise<void> {
    await this.post(await this.dms.resolve(target), { text: escapeMrkdwn(text), blocks: [] });
  }

  private async post(target: ChannelTarget, message: SlackMessage, payload?: Record<string, string | number>): Promise<string> {
    try {
      const result = await this.client.chat.postMessage({
        channel: target.channelId,
        text: message.text,
        ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
        ...(payload ? { metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: payload } } : {}),
      });
      return result.ts ?? '';
    } catch (error) {
      throw toPlatformError(error, 'chat.postMessage');
    }
  }
}
