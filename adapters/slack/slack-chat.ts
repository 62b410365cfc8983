import type { WebClient } from '@slack/web-api';
import type { SlackClients } from './slack-workspace-clients.ts';
import type { ChannelTarget, ChatPlatform, DeliveryPolicy, DigestPart, PostResult, DeliveredParts, PostDigestOptions, ShownPaper } from '../../src/core/ports.ts';
import { LookupUnavailableError, PermanentPlatformError } from '../../src/errors.ts';
import type { DigestView } from '../../src/core/views.ts';
import { escapeMrkdwn, renderDigestPart, type SlackMessage } from './slack-blocks.ts';
import { renderLayout } from './slack-layouts.ts';
import { effectiveLayout } from '../../src/format/layout-lines.ts';
import type { Logger } from '../../src/logger.ts';
import { toPlatformError } from './slack-errors.ts';
import { SlackDms } from './slack-dm.ts';

/**
 * A history read refused for want of a scope (an install made before `im:history`, say) is no refusal to
 * post: the look-up cannot be made, so an earlier attempt's post counts as sent unconfirmed.
 */
function unreadable(error: unknown): unknown {
  if (error instanceof PermanentPlatformError && error.reason === 'missing_scope') {
    return new LookupUnavailableError(error.reason, 'Slack refused to read the history back (missing_scope): the app needs reinstalling with its history scopes', { cause: error });
  }
  return error;
}

/** The `metadata.event_type` every digest message carries. */
export const DIGEST_EVENT_TYPE = 'papers_digest';

/** Slack's delivery policy (see docs: 1 message/s per channel, special rate tier for chat.postMessage). */
export const SLACK_DELIVERY: DeliveryPolicy = { perChannelIntervalMs: 1_000, limiter: { max: 10, duration: 1_000 } };

/**
 * Slack's delivery policy with many workspaces installed (OAuth mode): Slack limits each app per workspace, so
 * posts are spread per workspace (about 300 a minute, Slack's "several hundred per minute" for
 * chat.postMessage), a 429 holds back only that workspace, and the deployment-wide cap is ours, not Slack's.
 */
export const SLACK_WORKSPACES_DELIVERY: DeliveryPolicy = { perChannelIntervalMs: 1_000, limiter: { max: 100, duration: 1_000 }, perWorkspace: { max: 5, duration: 1_000 } };

/** The `metadata.event_type` of a follow-up reply on a posted paper. */
export const FOLLOW_UP_EVENT_TYPE = 'papers_follow_up';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How far back `findDelivery` looks: pages of 200 messages. */
const HISTORY_PAGES = 3;

/**
 * A channel's recent messages (`conversations.history`), or a thread's (`conversations.replies` under
 * `threadTs`), with their metadata, newest pages first, at most {@link HISTORY_PAGES} pages of 200.
 */
async function* messagesOf(client: WebClient, target: ChannelTarget, threadTs?: string): AsyncGenerator<HistoryMessage> {
  const method = threadTs ? 'conversations.replies' : 'conversations.history';
  let cursor: string | undefined;
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const args = { channel: target.channelId, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) };
    let result;
    try {
      result = threadTs ? await client.conversations.replies({ ...args, ts: threadTs }) : await client.conversations.history(args);
    } catch (error) {
      throw toPlatformError(error, method);
    }
    yield* (result.messages ?? []) as HistoryMessage[];
    cursor = result.response_metadata?.next_cursor || undefined;
    if (!result.has_more || !cursor) return;
  }
}

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
  /** Slack: about one message per second per channel, and a cap well under chat.postMessage's tier (see the policies). */
  readonly delivery: DeliveryPolicy;

  private readonly dms = new SlackDms();
  private readonly clients: SlackClients;

  /**
   * @param clients one client for every workspace (single-token mode), or each workspace's own (OAuth mode).
   * @param delivery {@link SLACK_DELIVERY} for one workspace, {@link SLACK_WORKSPACES_DELIVERY} for many.
   */
  constructor(
    clients: WebClient | SlackClients,
    private readonly logger: Logger,
    delivery: DeliveryPolicy = SLACK_DELIVERY,
  ) {
    this.clients = typeof clients === 'function' ? clients : async () => clients;
    this.delivery = delivery;
  }

  /** The client for the target's workspace, and where to post there (a person's DM channel is opened). */
  private async resolve(to: ChannelTarget): Promise<{ client: WebClient; target: ChannelTarget }> {
    const client = await this.clients(to.workspaceId);
    return { client, target: await this.dms.resolve(client, to) };
  }

  /**
   * Posts the messages of the view's layout (see `renderLayout`) as numbered parts, each with metadata
   * `delivery_id/part/parts` (plus `layout`, and `paper_id` on a single-paper message); `thread` replies go
   * under part 1 (`thread_ts`). Parts posted by this call are spaced `perChannelIntervalMs` apart (from one
   * answer to the next send): Slack's one message per second per channel, which the queue's pacer keeps
   * between deliveries.
   */
  async postDigest(to: ChannelTarget, digest: DigestView, deliveryId: string, options: PostDigestOptions = {}): Promise<PostResult> {
    const { client, target } = await this.resolve(to);
    const parts = renderLayout(digest);
    const layout = effectiveLayout(digest);
    const messageIds: string[] = [];
    let lastEnd = 0;
    for (const [i, part] of parts.entries()) {
      let id = options.skip?.get(i + 1);
      if (id === undefined) {
        const wait = lastEnd + this.delivery.perChannelIntervalMs - Date.now();
        if (lastEnd > 0 && wait > 0) await sleep(wait);
        const payload: Record<string, string | number> = { delivery_id: deliveryId, part: i + 1, parts: parts.length };
        if (layout !== 'digest') payload.layout = layout;
        if (layout !== 'digest' && part.paperIds.length === 1) payload.paper_id = part.paperIds[0]!;
        id = await this.post(client, target, part.message, payload, part.inThread ? messageIds[0] : undefined);
        lastEnd = Date.now();
      }
      messageIds.push(id);
      await options.onPosted?.(i + 1, id, i === parts.length - 1);
    }
    const shown: ShownPaper[] = parts.flatMap((part, i) =>
      part.paperIds.map((paperId) => ({ paperId, messageId: messageIds[i]!, threadId: part.inThread ? messageIds[0]! : messageIds[i]! })),
    );
    this.logger.info({ channelId: target.channelId, deliveryId, layout, messages: messageIds.length }, 'slack digest posted');
    return { messageIds, shown };
  }

  async postReply(to: ChannelTarget, threadId: string, text: string, key: string): Promise<string> {
    const { client, target } = await this.resolve(to);
    return this.post(client, target, { text: escapeMrkdwn(text), blocks: [] }, { key }, threadId, FOLLOW_UP_EVENT_TYPE);
  }

  /** The follow-up reply with metadata `key` under `threadId` (conversations.replies), if one shows. */
  async findReply(to: ChannelTarget, threadId: string, key: string): Promise<string | undefined> {
    const { client, target } = await this.resolve(to);
    try {
      return await this.replyIn(client, target, threadId, key);
    } catch (error) {
      // Replying in a public channel needs no membership; reading its threads does.
      if (!(error instanceof PermanentPlatformError) || error.reason !== 'not_in_channel') throw unreadable(error);
      await this.join(client, target);
    }
    try {
      return await this.replyIn(client, target, threadId, key);
    } catch (error) {
      if (error instanceof PermanentPlatformError) throw new LookupUnavailableError(error.reason, `Slack refused to read the thread back (${error.reason})`, { cause: error });
      throw error;
    }
  }

  private async replyIn(client: WebClient, target: ChannelTarget, threadId: string, key: string): Promise<string | undefined> {
    for await (const m of messagesOf(client, target, threadId)) {
      if (m.ts && m.metadata?.event_type === FOLLOW_UP_EVENT_TYPE && m.metadata.event_payload?.key === key) return m.ts;
    }
    return undefined;
  }


  async updateDigestPart(to: ChannelTarget, messageId: string, digest: DigestView, deliveryId: string, part: DigestPart): Promise<void> {
    const { client, target } = await this.resolve(to);
    const message = renderDigestPart(digest, part);
    try {
      await client.chat.update({
        channel: target.channelId,
        ts: messageId,
        text: message.text,
        blocks: message.blocks,
        metadata: { event_type: DIGEST_EVENT_TYPE, event_payload: { delivery_id: deliveryId, part: part.number, parts: part.of } },
      });
    } catch (error) {
      throw toPlatformError(error, 'chat.update');
    }
  }

  async findDelivery(to: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
    const { client, target } = await this.resolve(to);
    try {
      return await this.searchHistory(client, target, deliveryId);
    } catch (error) {
      // Posting to a public channel needs no membership (chat:write.public); reading its history does.
      if (!(error instanceof PermanentPlatformError) || error.reason !== 'not_in_channel') throw unreadable(error);
      await this.join(client, target);
    }
    try {
      return await this.searchHistory(client, target, deliveryId);
    } catch (error) {
      if (error instanceof PermanentPlatformError && error.reason === 'not_in_channel') {
        throw new LookupUnavailableError(error.reason, 'Slack still answers not_in_channel after joining', { cause: error });
      }
      throw unreadable(error);
    }
  }


  async notifyUser(target: ChannelTarget, userId: string, text: string): Promise<void> {
    const client = await this.clients(target.workspaceId);
    await this.post(client, { ...target, channelId: await this.dms.open(client, target.workspaceId, userId) }, { text: escapeMrkdwn(text), blocks: [] });
  }

  private async join(client: WebClient, target: ChannelTarget): Promise<void> {
    try {
      await client.conversations.join({ channel: target.channelId });
      this.logger.info({ channelId: target.channelId }, 'joined the public channel to read back its digests');
    } catch (error) {
      // Private channels cannot be joined, nor can an install without channels:join: Slack's "no" is final.
      const code = (error as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && code !== 'ratelimited') throw new LookupUnavailableError(code, `Slack refused conversations.join: ${code}`, { cause: error });
      throw toPlatformError(error, 'conversations.join');
    }
  }

  private async searchHistory(client: WebClient, target: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
    const posted = new Map<number, string>();
    let parts = 0;
    let header: string | undefined;
    for await (const m of messagesOf(client, target)) {
      const meta = m.metadata?.event_type === DIGEST_EVENT_TYPE ? m.metadata.event_payload : undefined;
      if (!m.ts || meta?.delivery_id !== deliveryId) continue;
      posted.set(Number(meta.part ?? 1), m.ts);
      parts = Math.max(parts, Number(meta.parts ?? 1));
      if (Number(meta.part ?? 1) === 1 && meta.layout === 'thread') header = m.ts;
    }
    // Thread replies are not in the channel's history: they are read under the header that was found.
    if (header && posted.size < parts) await this.searchReplies(client, target, deliveryId, header, posted);
    return { posted, parts };
  }

  private async searchReplies(client: WebClient, target: ChannelTarget, deliveryId: string, header: string, posted: Map<number, string>): Promise<void> {
    for await (const m of messagesOf(client, target, header)) {
      const meta = m.metadata?.event_type === DIGEST_EVENT_TYPE ? m.metadata.event_payload : undefined;
      if (m.ts && meta?.delivery_id === deliveryId) posted.set(Number(meta.part ?? 1), m.ts);
    }
  }


  async postNotice(target: ChannelTarget, text: string): Promise<void> {
    const resolved = await this.resolve(target);
    await this.post(resolved.client, resolved.target, { text: escapeMrkdwn(text), blocks: [] });
  }

  private async post(client: WebClient, target: ChannelTarget, message: SlackMessage, payload?: Record<string, string | number>, threadTs?: string, eventType = DIGEST_EVENT_TYPE): Promise<string> {
    try {
      const result = await client.chat.postMessage({
        channel: target.channelId,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        text: message.text,
        ...(message.blocks.length > 0 ? { blocks: message.blocks } : {}),
        unfurl_links: false,
        unfurl_media: false,
        ...(payload ? { metadata: { event_type: eventType, event_payload: payload } } : {}),
      });
      return result.ts ?? '';
    } catch (error) {
      throw toPlatformError(error, 'chat.postMessage');
    }
  }
}
