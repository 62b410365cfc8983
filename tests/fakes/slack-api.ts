import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { closeServer, listenLocal } from '../helpers/net.ts';
import { FakeSlackWorkspaces } from './slack-workspaces.ts';

/** One request the fake received. `body` is decoded: form fields, with JSON-valued fields parsed. */
export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** When the request arrived (epoch ms). */
  at?: number;
}

/** A canned failure for the next call(s) of a method. */
/** How a scripted call ends: an HTTP failure, a Slack error, or `pass` (answered normally, to fail a later call). */
export type Failure =
  | { status: 429; retryAfter: number }
  | { status: number; afterStore?: boolean }
  | { error: string }
  | { pass: true };

/** The tokens the fake accepts, as a real workspace would: anything else answers `invalid_auth`. */
export interface FakeSlackOptions {
  /** The bot token (`xoxb-…`) every Web API method needs; default `xoxb-test-token`. */
  botToken?: string;
  /** The app-level token (`xapp-…`) `apps.connections.open` needs; default `xapp-test-token`. */
  appToken?: string;
}

/** Methods a Slack app calls with its app-level token rather than the bot token. */
const APP_TOKEN_METHODS = new Set(['apps.connections.open']);

export interface FakeUser {
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
}

interface StoredMessage {
  ts: string;
  text: string;
  blocks?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** The parent's ts, for a reply in a thread. */
  thread_ts?: string;
  /** Set by chat.update. */
  edited?: boolean;
}

/** Fields the Web API SDK sends as JSON strings inside a form body. */
const JSON_FIELDS = new Set(['blocks', 'metadata', 'attachments']);

function decodeForm(raw: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw === '') return {};
  return (req.headers['content-type'] ?? '').includes('application/json') ? (JSON.parse(raw) as Record<string, unknown>) : decodeForm(raw);
}

/**
 * A fake Slack Web API on 127.0.0.1 speaking Slack's wire protocol: `POST /api/<method>` (auth.test,
 * chat.postMessage with `thread_ts`, chat.update, users.info, conversations.history, conversations.replies,
 * conversations.join, conversations.open, apps.connections.open, oauth.v2.access), `GET /oauth/v2/authorize` (consent, see
 * {@link FakeSlackWorkspaces}), `POST /response/<id>` standing in for response_urls, and a Socket Mode WebSocket
 * (hello, envelopes, acks). Checks what Slack checks: the bearer token (`invalid_auth` otherwise) and, for
 * reading a channel's history, that the bot is a member (`not_in_channel`; a reply's or a thread's parent must exist, `thread_not_found`; posting to a public channel the
 * bot has not joined works, as with `chat:write.public`). Records every call; can be told to fail the next
 * calls of a method, before or after it takes effect.
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly users = new Map<string, FakeUser>();
  /** OAuth installs: the app's client id and secret, codes, and a bot token per installed workspace. */
  readonly workspaces = new FakeSlackWorkspaces();
  private readonly failures = new Map<string, Failure[]>();
  private readonly holds = new Map<string, Promise<void>>();
  private readonly channels = new Map<string, StoredMessage[]>();
  /** Thread replies by `channel ts` of their parent (not in the channel's history, as on Slack). */
  private readonly threads = new Map<string, StoredMessage[]>();
  /** Public channels the bot can post to but has not joined (history answers `not_in_channel` until it joins). */
  private readonly notJoined = new Set<string>();
  /** Public channels the bot has not joined and cannot join (the install lacks `channels:join`). */
  private readonly unjoinable = new Set<string>();
  private tsCounter = 1_700_000_000;
  private waiters: (() => void)[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly botToken: string,
    readonly appToken: string,
  ) {}

  static async start(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
    const server = createServer();
    const url = `http://127.0.0.1:${await listenLocal(server)}`;
    const fake = new FakeSlackApi(server, url, options.botToken ?? 'xoxb-test-token', options.appToken ?? 'xapp-test-token');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    server.on('upgrade', (req, socket, head) => fake.wss.handleUpgrade(req, socket, head, (ws) => fake.acceptSocket(ws)));
    return fake;
  }

  /** The Web API base URL to configure as SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A fresh response_url on this fake. */
  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /**
   * Makes `channel` a public channel the bot has not joined: posts work (`chat:write.public`), history
   * answers `not_in_channel` until `conversations.join`. With `canJoin: false` joining answers `missing_scope`.
   */
  notMemberOf(channel: string, options: { canJoin?: boolean } = {}): void {
    (options.canJoin === false ? this.unjoinable : this.notJoined).add(channel);
  }

  /** The messages stored in a channel (not the replies in its threads), oldest first. */
  messagesIn(channel: string): readonly StoredMessage[] {
    return this.channels.get(channel) ?? [];
  }

  /** The replies in the thread of message `ts` of a channel, oldest first. */
  repliesTo(channel: string, ts: string): readonly StoredMessage[] {
    return this.threads.get(`${channel} ${ts}`) ?? [];
  }

  /** Makes the next `times` calls of `method` fail as described. */
  failNext(method: string, failure: Failure, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
  }

  /** Holds every answer to `method` until the returned function is called (to prove what happens first). */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(method, new Promise<void>((resolve) => (release = resolve)));
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Resolves once `predicate` holds over the recorded calls (rejects after `timeoutMs`, a safety net only). */
  async waitFor<T>(predicate: (calls: RecordedCall[]) => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate(this.calls);
      if (value) return value;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`fake Slack: condition not met; calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Sends a Socket Mode envelope (`slash_commands`, `interactive`) to every connected app. The app's
   * acknowledgement is recorded as a call named `socket:ack:<envelope_id>`.
   */
  sendEnvelope(envelope: { envelope_id: string; type: string; payload: unknown; accepts_response_payload?: boolean }): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
  }

  private acceptSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    this.record({ method: 'socket:connect', body: {} });
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
      this.record({ method: `socket:ack:${frame.envelope_id}`, body: frame.payload ?? {} });
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'fake' } }));
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Forgets recorded calls and stored messages. */
  reset(): void {
    this.calls.length = 0;
    this.channels.clear();
    this.threads.clear();
    this.failures.clear();
    this.notJoined.clear();
    this.unjoinable.clear();
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    if (path === '/oauth/v2/authorize') return this.consent(req, res);
    const body = await readBody(req);
    const method = path.startsWith('/api/') ? path.slice('/api/'.length) : path.startsWith('/response/') ? `response:${path.slice('/response/'.length)}` : path;
    this.record({ method, body, at: Date.now(), ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    await this.holds.get(method);
    if (method.startsWith('response:')) return this.json(res, { ok: true });
    if (method === 'oauth.v2.access') return this.json(res, this.workspaces.access(body, req.headers.authorization));
    const installed = this.workspaces.byToken(req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    if (installed?.revoked) return this.json(res, { ok: false, error: 'token_revoked' });
    const expected = APP_TOKEN_METHODS.has(method) ? this.appToken : this.botToken;
    if (!installed && req.headers.authorization !== `Bearer ${expected}`) return this.json(res, { ok: false, error: req.headers.authorization ? 'invalid_auth' : 'not_authed' });
    // A workspace's token cannot see another workspace's channels: Slack answers channel_not_found.
    if (installed && !this.workspaces.canSee(installed, body.channel === undefined ? undefined : String(body.channel))) return this.json(res, { ok: false, error: 'channel_not_found' });
    const failure = this.failures.get(method)?.shift();
    if (failure && !('pass' in failure) && !('afterStore' in failure && failure.afterStore)) return this.fail(res, failure);
    const answer = installed && method === 'auth.test' ? this.authTestOf(installed.workspace.teamId, installed.botUserId) : this.answer(method, body);
    if (failure && !('pass' in failure)) return this.fail(res, failure);
    this.json(res, answer);
  }

  /** Slack's consent screen: approves as the chosen workspace and sends the browser to the redirect URL. */
  private consent(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', this.url).searchParams;
    this.record({ method: 'oauth:authorize', body: Object.fromEntries(query), at: Date.now() });
    const answer = this.workspaces.consent(query);
    if ('location' in answer) res.writeHead(302, { location: answer.location }).end();
    else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.text);
  }

  private authTestOf(teamId: string, userId: string): unknown {
    return { ok: true, url: `https://${teamId.toLowerCase()}.slack.com/`, team: teamId, user: 'papers', team_id: teamId, user_id: userId, bot_id: `B${teamId}` };
  }

  private fail(res: ServerResponse, failure: Exclude<Failure, { pass: true }>): void {
    if ('error' in failure) return this.json(res, { ok: false, error: failure.error });
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if ('retryAfter' in failure) headers['retry-after'] = String(failure.retryAfter);
    res.writeHead(failure.status, headers).end(JSON.stringify({ ok: false, error: failure.status === 429 ? 'ratelimited' : 'fatal_error' }));
  }

  private json(res: ServerResponse, value: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  }

  private answer(method: string, body: Record<string, unknown>): unknown {
    switch (method) {
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace(/^http/, 'ws')}/link/?ticket=fake` };
      case 'auth.test':
        return { ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'papers', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' };
      case 'users.info': {
        const id = String(body.user);
        const u = this.users.get(id) ?? {};
        return { ok: true, user: { id, team_id: 'T1', name: id.toLowerCase(), tz: u.tz, is_admin: u.is_admin ?? false, is_owner: u.is_owner ?? false } };
      }
      case 'chat.postMessage': {
        const channel = String(body.channel);
        const parent = body.thread_ts === undefined ? undefined : String(body.thread_ts);
        if (parent !== undefined && !this.messagesIn(channel).some((m) => m.ts === parent)) return { ok: false, error: 'thread_not_found' };
        const ts = `${this.tsCounter++}.000100`;
        const message: StoredMessage = { ts, text: String(body.text ?? ''), blocks: body.blocks, metadata: body.metadata as StoredMessage['metadata'], ...(parent ? { thread_ts: parent } : {}) };
        if (parent) this.threads.set(`${channel} ${parent}`, [...this.repliesTo(channel, parent), message]);
        else this.channels.set(channel, [...(this.channels.get(channel) ?? []), message]);
        return { ok: true, channel, ts, message: { type: 'message', text: message.text, ts, ...(parent ? { thread_ts: parent } : {}) } };
      }
      case 'chat.update': {
        const channel = String(body.channel);
        const ts = String(body.ts ?? '');
        const message = [...this.messagesIn(channel), ...[...this.threads.entries()].filter(([k]) => k.startsWith(`${channel} `)).flatMap(([, v]) => v)].find((m) => m.ts === ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(body.text ?? message.text);
        if (body.blocks !== undefined) message.blocks = body.blocks;
        if (body.metadata !== undefined) message.metadata = body.metadata as StoredMessage['metadata'];
        message.edited = true;
        return { ok: true, channel, ts, text: message.text };
      }
      case 'conversations.replies': {
        const channel = String(body.channel);
        if (this.notJoined.has(channel) || this.unjoinable.has(channel)) return { ok: false, error: 'not_in_channel' };
        const parent = this.messagesIn(channel).find((m) => m.ts === String(body.ts ?? ''));
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const withMetadata = body.include_all_metadata === 'true' || body.include_all_metadata === true;
        const all = [parent, ...this.repliesTo(channel, parent.ts)].map(({ metadata, ...m }) => ({ type: 'message', ...m, ...(withMetadata && metadata ? { metadata } : {}) }));
        // Oldest first, the parent first, `limit` per page as Slack pages them.
        const start = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64').toString()) : 0;
        const limit = Number(body.limit ?? 100);
        const hasMore = start + limit < all.length;
        return { ok: true, messages: all.slice(start, start + limit), has_more: hasMore, response_metadata: { next_cursor: hasMore ? Buffer.from(String(start + limit)).toString('base64') : '' } };
      }
      case 'conversations.join': {
        const channel = String(body.channel);
        if (this.unjoinable.has(channel)) return { ok: false, error: 'missing_scope', needed: 'channels:join', provided: 'chat:write,chat:write.public' };
        this.notJoined.delete(channel);
        return { ok: true, channel: { id: channel, is_channel: true, is_member: true } };
      }
      case 'conversations.open': {
        const users = String(body.users ?? '');
        if (!users) return { ok: false, error: 'users_list_not_supplied' };
        return { ok: true, channel: { id: `D${users.replace(/^U/, '')}` } };
      }
      case 'conversations.history': {
        if (this.notJoined.has(String(body.channel)) || this.unjoinable.has(String(body.channel))) return { ok: false, error: 'not_in_channel' };
        const withMetadata = body.include_all_metadata === 'true' || body.include_all_metadata === true;
        const all = [...(this.channels.get(String(body.channel)) ?? [])]
          .reverse()
          .map(({ metadata, ...m }) => ({ type: 'message', ...m, ...(withMetadata && metadata ? { metadata } : {}) }));
        // Pages as Slack does: newest first, `limit` per page (default 100), an opaque cursor to the next page.
        const start = body.cursor ? Number(Buffer.from(String(body.cursor), 'base64').toString()) : 0;
        const limit = Number(body.limit ?? 100);
        const messages = all.slice(start, start + limit);
        const hasMore = start + limit < all.length;
        return {
          ok: true,
          messages,
          has_more: hasMore,
          response_metadata: { next_cursor: hasMore ? Buffer.from(String(start + limit)).toString('base64') : '' },
        };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** Signs a request body exactly as Slack does: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function slackSignature(secret: string, timestamp: number | string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** Headers for a signed Slack request. */
export function signedHeaders(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(secret, timestamp, body),
  };
}
