import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenLocal } from '../helpers/net.ts';

/** One request the fake received. */
export interface RecordedCall {
  method: string;
  /** Path below `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** The decoded JSON body: free-form, as tests read deep into Discord payloads. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded wire JSON, read freely by tests
  body: any;
}

/** A scripted answer for the next matching request. */
export interface ScriptedResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Script {
  method: string;
  path: RegExp;
  response: ScriptedResponse;
  /** Matching calls still let through before this answer is given. */
  after: number;
}

let snowflake = 1_100_000_000_000_000_000n;
const nextId = () => String((snowflake += 1n));

function messageObject(channelId: string, body: Record<string, unknown> | undefined, applicationId?: string): Record<string, unknown> {
  return {
    id: nextId(),
    channel_id: channelId,
    type: 0,
    content: body?.content ?? '',
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    attachments: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    flags: body?.flags ?? 0,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    author: { id: applicationId ?? '1000', username: 'papers', discriminator: '0', global_name: null, avatar: null, bot: true },
    ...(body?.nonce !== undefined ? { nonce: body.nonce } : {}),
    ...(applicationId ? { webhook_id: applicationId, application_id: applicationId } : {}),
  };
}

/** Routes Discord serves only with `Authorization: Bot <token>` (interaction callbacks and webhooks carry their own token in the path). */
const BOT_ROUTES = [/^\/gateway\/bot$/, /^\/applications\//, /^\/channels\//, /^\/users\//, /^\/guilds\//];

/** Discord's channel types the fake knows: text, public thread, forum. */
export const CHANNEL_TYPE = { text: 0, publicThread: 11, forum: 15 } as const;

/** A forum tag as Discord stores it. */
export interface FakeTag {
  id: string;
  name: string;
  moderated: boolean;
  emoji_id: string | null;
  emoji_name: string | null;
}

/** A channel the fake knows (forums and threads; any other snowflake is a text channel). */
export interface FakeChannel {
  id: string;
  type: number;
  guild_id: string;
  name?: string;
  parent_id?: string;
  available_tags?: FakeTag[];
  applied_tags?: string[];
  owner_id?: string;
}

const invalid = (message: string): ScriptedResponse => ({ status: 400, body: { code: 50035, message: `Invalid Form Body: ${message}` } });

/**
 * A fake Discord REST API on 127.0.0.1 speaking `/api/v10/...`: records every call, answers the routes the
 * bot uses (gateway/bot, command overwrite, channel messages with nonce dedupe, DM channels, interaction
 * callbacks and webhooks, threads started from a message (160004 when one exists), forum posts with tags
 * checked against the forum's `available_tags` (at most 20, names of 20 characters, 5 applied per post),
 * active threads, message edits; any snowflake it does not know as a forum or thread is a text channel;
 * a thread cannot be started inside a thread: 50024), remembers nonces until {@link forgetNonces} (Discord
 * forgets them after minutes), and can be scripted to answer the next matching call with a 429 or an error code.
 * Bot routes need the configured bot token, as Discord's do: anything else is a 401.
 */
export class FakeDiscordApi {
  readonly calls: RecordedCall[] = [];
  /** DM channel id by recipient user id, as `POST /users/@me/channels` opened them. */
  readonly dmChannels = new Map<string, string>();
  readonly botToken: string;
  /** The WebSocket URL `GET /gateway/bot` announces. */
  gatewayUrl = 'ws://127.0.0.1:1';
  private readonly scripts: Script[] = [];
  private readonly nonces = new Map<string, Record<string, unknown>>();
  /** Forums and threads by id. */
  readonly channels = new Map<string, FakeChannel>();
  /** Messages by channel id (threads are channels), in posting order. */
  private readonly messages = new Map<string, Map<string, Record<string, unknown>>>();
  private readonly waiters = new Set<() => void>();
  private server: Server | undefined;
  port = 0;

  /** @param options.botToken the token bot routes accept (default `bot-token`). */
  constructor(options: { botToken?: string } = {}) {
    this.botToken = options.botToken ?? 'bot-token';
  }

  /** The base URL to give as `DISCORD_API_URL` / `@discordjs/rest` `api`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await listenLocal(this.server!);
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Makes `id` a forum channel (type 15) of `guildId`, with no tags. */
  addForum(id: string, guildId = '800000000000000001'): void {
    this.channels.set(id, { id, type: CHANNEL_TYPE.forum, guild_id: guildId, name: 'papers-forum', available_tags: [] });
  }

  /** Makes `id` a public thread (type 11) of text channel `parentId`. */
  addThread(id: string, parentId: string, guildId = '800000000000000001'): void {
    this.channels.set(id, { id, type: CHANNEL_TYPE.publicThread, guild_id: guildId, name: 'a thread', parent_id: parentId, owner_id: '1000' });
  }

  /**
   * Forgets every nonce it has seen, as Discord does a few minutes after a message: a post with the same
   * nonce (and `enforce_nonce`) then makes a new message.
   */
  forgetNonces(): void {
    this.nonces.clear();
  }

  /** The messages a channel or thread holds, oldest first. */
  messagesIn(channelId: string): Record<string, unknown>[] {
    return [...(this.messages.get(channelId)?.values() ?? [])];
  }

  /** Threads whose parent is `channelId`, oldest first. */
  threadsOf(channelId: string): FakeChannel[] {
    return [...this.channels.values()].filter((c) => c.parent_id === channelId);
  }

  private channelObject(id: string): FakeChannel {
    return this.channels.get(id) ?? { id, type: CHANNEL_TYPE.text, guild_id: '800000000000000001', name: 'general' };
  }

  private store(channelId: string, message: Record<string, unknown>): void {
    const held = this.messages.get(channelId) ?? new Map<string, Record<string, unknown>>();
    held.set(String(message.id), message);
    this.messages.set(channelId, held);
  }

  /** Threads, forums, tags and message edits, as Discord checks them. */
  private answerChannels(method: string, path: string, body: Record<string, unknown> | undefined): ScriptedResponse | undefined {
    let m: RegExpExecArray | null;
    if (method === 'GET' && (m = /^\/channels\/(\d+)$/.exec(path))) return { status: 200, body: this.channelObject(m[1]!) };
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)$/.exec(path))) {
      const channel = this.channels.get(m[1]!);
      if (!channel) return { status: 404, body: { code: 10003, message: 'Unknown Channel' } };
      const tags = body?.available_tags as { id?: string; name?: string }[] | undefined;
      if (tags !== undefined) {
        if (channel.type !== CHANNEL_TYPE.forum) return invalid('available_tags only on forums');
        if (tags.length > 20) return invalid('available_tags: must be 20 or fewer in length');
        if (tags.some((t) => typeof t.name !== 'string' || t.name.length < 1 || t.name.length > 20)) return invalid('available_tags.name: must be 1 to 20 characters');
        channel.available_tags = tags.map((t) => ({ id: t.id ?? nextId(), name: t.name!, moderated: false, emoji_id: null, emoji_name: null }));
      }
      return { status: 200, body: channel };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path))) {
      const [, parent, messageId] = m;
      if (!this.messages.get(parent!)?.has(messageId!)) return { status: 404, body: { code: 10008, message: 'Unknown Message' } };
      if (this.channels.has(messageId!)) return { status: 400, body: { code: 160004, message: 'A thread has already been created for this message' } };
      if (this.channels.get(parent!)?.type === CHANNEL_TYPE.publicThread) return { status: 400, body: { code: 50024, message: 'Cannot execute action on this channel type' } };
      const name = String(body?.name ?? '');
      if (name.length < 1 || name.length > 100) return invalid('name: must be 1 to 100 characters');
      const thread: FakeChannel = { id: messageId!, type: CHANNEL_TYPE.publicThread, guild_id: this.channelObject(parent!).guild_id, name, parent_id: parent!, owner_id: '1000' };
      this.channels.set(thread.id, thread);
      return { status: 201, body: thread };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/threads$/.exec(path))) {
      const forum = this.channels.get(m[1]!);
      if (forum?.type !== CHANNEL_TYPE.forum) return invalid('a thread without a message needs type (the fake serves forum posts only)');
      const name = String(body?.name ?? '');
      if (name.length < 1 || name.length > 100) return invalid('name: must be 1 to 100 characters');
      const message = body?.message as Record<string, unknown> | undefined;
      if (!message || (!message.content && !(message.embeds as unknown[] | undefined)?.length)) return invalid('message: a forum post needs content or embeds');
      const applied = (body?.applied_tags as string[] | undefined) ?? [];
      if (applied.length > 5) return invalid('applied_tags: must be 5 or fewer in length');
      if (applied.some((id) => !forum.available_tags?.some((t) => t.id === id))) return invalid('applied_tags: unknown tag');
      const id = nextId();
      const thread: FakeChannel = { id, type: CHANNEL_TYPE.publicThread, guild_id: forum.guild_id, name, parent_id: forum.id, applied_tags: applied, owner_id: '1000' };
      this.channels.set(id, thread);
      const starter = { ...messageObject(id, message), id };
      this.store(id, starter);
      return { status: 201, body: { ...thread, message: starter } };
    }
    if (method === 'GET' && (m = /^\/guilds\/(\d+)\/threads\/active$/.exec(path))) {
      const threads = [...this.channels.values()].filter((c) => c.type === CHANNEL_TYPE.publicThread && c.guild_id === m![1]);
      return { status: 200, body: { threads, members: [] } };
    }
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)\/messages\/(\d+)$/.exec(path))) {
      const message = this.messages.get(m[1]!)?.get(m[2]!);
      if (!message) return { status: 404, body: { code: 10008, message: 'Unknown Message' } };
      Object.assign(message, { ...(body ?? {}), edited_timestamp: new Date().toISOString() });
      return { status: 200, body: message };
    }
    return undefined;
  }

  /**
   * Answers the next request matching `method` and `path` (below /api/v10) with `response`, once; with
   * `after`, that many matching requests are answered as usual first.
   */
  script(method: string, path: RegExp, response: ScriptedResponse, after = 0): void {
    this.scripts.push({ method, path, response, after });
  }

  /** A Discord-style 429 for the next matching call (`retry_after` in seconds, header and body), after `after` pass. */
  rateLimitNext(method: string, path: RegExp, retryAfterSeconds: number, global = false, after = 0): void {
    this.script(method, path, {
      status: 429,
      body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
      headers: {
        'retry-after': String(Math.ceil(retryAfterSeconds)),
        'x-ratelimit-scope': global ? 'global' : 'user',
        ...(global ? { 'x-ratelimit-global': 'true' } : {}),
      },
    }, after);
  }

  /** A Discord JSON error (`{ code, message }`) for the next matching call (after `after` of them pass). */
  errorNext(method: string, path: RegExp, status: number, code: number, message = 'error', after = 0): void {
    this.script(method, path, { status, body: { code, message } }, after);
  }

  callsTo(method: string, path: RegExp): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && path.test(c.path));
  }

  /** Resolves with the first recorded call matching, waiting for it when needed. */
  waitFor(method: string, path: RegExp, timeoutMs = 5000): Promise<RecordedCall> {
    return this.waitUntil(() => this.callsTo(method, path)[0], `${method} ${path}`, timeoutMs);
  }

  /** Resolves with `check()`'s first defined result, re-checking after every request the fake receives. */
  async waitUntil<T>(check: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Discord: no ${what} within ${timeoutMs} ms; saw ${this.calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = '/api/v10';
    const pathname = decodeURIComponent(url.pathname);
    const path = pathname.startsWith(prefix) ? pathname.slice(prefix.length) : pathname;
    let body: unknown = undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const call: RecordedCall = { method: req.method ?? 'GET', path, query: url.searchParams, headers: req.headers, body };
    this.calls.push(call);
    const unauthorized = BOT_ROUTES.some((r) => r.test(path)) && req.headers.authorization !== `Bot ${this.botToken}`;
    const scripted = unauthorized ? undefined : this.takeScript(call);
    const response = unauthorized ? { status: 401, body: { message: '401: Unauthorized', code: 0 } } : (scripted ?? this.answer(call));
    const json = response.body === undefined ? '' : JSON.stringify(response.body);
    res.writeHead(response.status, { ...(json ? { 'content-type': 'application/json' } : {}), ...response.headers });
    res.end(json);
    for (const wake of [...this.waiters]) wake();
  }

  private takeScript(call: RecordedCall): ScriptedResponse | undefined {
    const index = this.scripts.findIndex((s) => s.method === call.method && s.path.test(call.path));
    if (index === -1) return undefined;
    const script = this.scripts[index]!;
    if (script.after > 0) {
      script.after -= 1;
      return undefined;
    }
    return this.scripts.splice(index, 1)[0]!.response;
  }

  private answer(call: RecordedCall): ScriptedResponse {
    const { method, path, body } = call;
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === '/gateway/bot') {
      return {
        status: 200,
        body: { url: this.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } },
      };
    }
    if (method === 'PUT' && (m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      const commands = Array.isArray(body) ? body : [];
      return {
        status: 200,
        body: commands.map((c: Record<string, unknown>) => ({ ...c, id: nextId(), application_id: m![1], version: nextId(), ...(m![2] ? { guild_id: m![2] } : {}) })),
      };
    }
    const channels = this.answerChannels(method, path, body as Record<string, unknown> | undefined);
    if (channels) return channels;
    if (method === 'GET' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      if (this.channels.get(m[1]!)?.type === CHANNEL_TYPE.forum) return { status: 400, body: { code: 50008, message: 'Cannot send messages in a non-text channel' } };
      // Newest first, at most `limit` (1-100, default 50); a read never returns the nonce a message was created with.
      const limit = Math.min(100, Math.max(1, Number(call.query.get('limit') ?? 50)));
      return { status: 200, body: this.messagesIn(m[1]!).reverse().slice(0, limit).map(({ nonce: _nonce, ...message }) => message) };
    }
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/messages$/.exec(path))) {
      if (this.channels.get(m[1]!)?.type === CHANNEL_TYPE.forum) return { status: 400, body: { code: 50008, message: 'Cannot send messages in a non-text channel' } };
      const b = body as { nonce?: string; enforce_nonce?: boolean };
      const key = b?.enforce_nonce && b.nonce !== undefined ? `${m[1]}:${b.nonce}` : undefined;
      const existing = key ? this.nonces.get(key) : undefined;
      if (existing) return { status: 200, body: existing };
      const message = messageObject(m[1]!, body);
      if (key) this.nonces.set(key, message);
      this.store(m[1]!, message);
      return { status: 200, body: message };
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String((body as { recipient_id?: unknown })?.recipient_id ?? '');
      if (!/^\d+$/.test(recipient)) return { status: 400, body: { code: 50035, message: 'Invalid Form Body' } };
      const id = this.dmChannels.get(recipient) ?? nextId();
      this.dmChannels.set(recipient, id);
      return { status: 200, body: { id, type: 1, last_message_id: null, recipients: [{ id: recipient, username: 'user', discriminator: '0', global_name: null, avatar: null }] } };
    }
    if (method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(path)) return { status: 204 };
    if (method === 'PATCH' && (m = /^\/webhooks\/(\d+)\/[^/]+\/messages\/@original$/.exec(path))) {
      return { status: 200, body: messageObject('0', body, m[1]) };
    }
    if (method === 'POST' && (m = /^\/webhooks\/(\d+)\/[^/]+$/.exec(path))) return { status: 200, body: messageObject('0', body, m[1]) };
    return { status: 404, body: { code: 0, message: `fake Discord has no route ${method} ${path}` } };
  }
}

