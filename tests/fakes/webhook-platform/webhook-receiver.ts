import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from '../../helpers/net.ts';

/** One message a webhook channel holds. */
export interface WebhookMessage {
  id: string;
  deliveryId?: string;
  part?: number;
  parts?: number;
  text: string;
  paperUrls: string[];
}

/**
 * The outside service of the test-only third platform: a chat server on 127.0.0.1 that takes
 * `POST /channels/<id>/messages` and lists `GET /channels/<id>/messages`, both only with
 * `Authorization: Bearer <secret>` (401 otherwise). `failNextAfterStore` stores the next post, then
 * answers 500, as a platform that crashed after committing would.
 */
export class WebhookReceiver {
  readonly channels = new Map<string, WebhookMessage[]>();
  private server: Server | undefined;
  private seq = 0;
  private failAfterStore = 0;
  url = '';

  constructor(readonly secret: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.url = `http://127.0.0.1:${await listenLocal(this.server)}`;
    return this;
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }

  failNextAfterStore(): void {
    this.failAfterStore += 1;
  }

  messagesIn(channel: string): WebhookMessage[] {
    return this.channels.get(channel) ?? [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const m = /^\/channels\/([\w-]+)\/messages$/.exec(new URL(req.url ?? '/', this.url).pathname);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!m) return send(404, { error: 'no such route' });
    if (req.headers.authorization !== `Bearer ${this.secret}`) return send(401, { error: 'bad secret' });
    const channel = m[1]!;
    if (req.method === 'GET') return send(200, { messages: this.messagesIn(channel) });
    let body: Omit<WebhookMessage, 'id'>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<WebhookMessage, 'id'>;
    } catch {
      return send(400, { error: 'not JSON' });
    }
    const message = { ...body, id: `m${++this.seq}` };
    this.channels.set(channel, [...this.messagesIn(channel), message]);
    if (this.failAfterStore > 0) {
      this.failAfterStore -= 1;
      return send(500, { error: 'crashed after storing' });
    }
    send(200, { id: message.id });
  }
}
