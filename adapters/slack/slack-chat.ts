import type { WebClient } from '@slack/web-api';
import type { ChannelTarget, ChatPlatform, PostResult, DeliveredParts } from '../../src/core/ports.ts';
import type { DigestView } from '../../src/core/views.ts';
import { escapeMrkdwn, renderDigest, type SlackMessage } from '../../src/format/slack-blocks.ts';
import type { Logger } from '../../src/logger.ts';
import { toPlatformError } from './slack-errors.ts';

/** The `metadata.event_type` every digest message carries. */
export const DIGEST_EVENT_TYPE = 'papers_digest';

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

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
  ) {}

  async postDigest(target: ChannelTarget, digest: DigestView, deliveryId: string, options: { skip?: ReadonlyMap<number, string> } = {}): Promise<PostResult> {
    const messages = renderDigest(digest);
    const messageIds: string[] = [];
    for (const [i, message] of messages.entries()) {
      const already = options.skip?.get(i + 1);
      if (already) {
        messageIds.push(already);
        continue;
      }
      const payload = { delivery_id: deliveryId, part: i + 1, parts: messages.length };
      messageIds.push(await this.post(target, message, payload));
    }
    this.logger.info({ channelId: target.channelId, deliveryId, messages: messageIds.length }, 'slack digest posted');
    return { messageIds };
  }

  async findDelivery(target: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
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
    await this.post(target, { text: escapeMrkdwn(text), blocks: [] });
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
