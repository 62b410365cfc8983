import type { ChannelTarget, ChatPlatform, DeliveredParts, DeliveryPolicy, PostDigestOptions, PostResult } from '../../../src/core/ports.ts';
import type { PlatformAdapter } from '../../../src/server/platform-adapter.ts';
import type { DigestView } from '../../../src/core/views.ts';
import { PermanentPlatformError, TransientPlatformError } from '../../../src/errors.ts';
import type { WebhookMessage } from './webhook-receiver.ts';

/** Papers per message: a digest of more papers is posted in parts. */
const PAPERS_PER_MESSAGE = 3;
const DELIVERY: DeliveryPolicy = { perChannelIntervalMs: 0, limiter: { max: 100, duration: 1_000 } };

/**
 * A test-only third platform, built the way a new adapter folder would be: it renders digests its own way
 * (plain text, 3 papers a message), posts them to a webhook server with a secret, and finds earlier posts
 * by delivery id. It proves that a platform plugs in with nothing changed in `src/`, `jobs/` or the other
 * adapters.
 */
export function createWebhookPlatform(options: { url: string; secret: string }): PlatformAdapter {
  async function call(method: 'GET' | 'POST', channel: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${options.url}/channels/${channel}/messages`, {
        method,
        headers: { authorization: `Bearer ${options.secret}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new TransientPlatformError('webhook unreachable', { cause: error });
    }
    if (res.status === 401 || res.status === 404) throw new PermanentPlatformError(String(res.status), `webhook refused: ${res.status}`);
    if (!res.ok) throw new TransientPlatformError(`webhook answered ${res.status}`);
    return res.json();
  }

  const render = (digest: DigestView): Omit<WebhookMessage, 'id'>[] => {
    const parts: Omit<WebhookMessage, 'id'>[] = [];
    for (let i = 0; i < Math.max(1, digest.papers.length); i += PAPERS_PER_MESSAGE) {
      const papers = digest.papers.slice(i, i + PAPERS_PER_MESSAGE);
      parts.push({ text: papers.map((p) => p.title).join('\n') || (digest.notice ?? 'no papers'), paperUrls: papers.map((p) => p.url) });
    }
    return parts;
  };

  const chat: ChatPlatform = {
    platform: 'webhook',
    delivery: DELIVERY,
    async postDigest(target: ChannelTarget, digest: DigestView, deliveryId: string, opts: PostDigestOptions = {}): Promise<PostResult> {
      const messages = render(digest);
      const ids: string[] = [];
      for (const [i, message] of messages.entries()) {
        const id = opts.skip?.get(i + 1) ?? ((await call('POST', target.channelId, { ...message, deliveryId, part: i + 1, parts: messages.length })) as { id: string }).id;
        ids.push(id);
        await opts.onPosted?.(i + 1, id);
      }
      return { messageIds: ids };
    },
    async findDelivery(target: ChannelTarget, deliveryId: string): Promise<DeliveredParts> {
      const { messages } = (await call('GET', target.channelId)) as { messages: WebhookMessage[] };
      const mine = messages.filter((m) => m.deliveryId === deliveryId);
      return { posted: new Map(mine.map((m) => [m.part!, m.id])), parts: mine[0]?.parts ?? 0 };
    },
    async postNotice(target: ChannelTarget, text: string): Promise<void> {
      await call('POST', target.channelId, { text, paperUrls: [] });
    },
    async notifyUser(target: ChannelTarget, userId: string, text: string): Promise<void> {
      await call('POST', `dm-${userId}`, { text, paperUrls: [] });
    },
  };
  return { name: 'webhook', chat, routes: [], start: async () => {}, stop: async () => {} };
}
