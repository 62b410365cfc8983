import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, listenLocal } from '../helpers/net.ts';

/**
 * A scripted failure, answered once for the matching request instead of the data. With `fault`, the page's
 * real data is sent with status 200 and `Content-Length`, but only its first half: `stall-body` then sends
 * nothing more (the connection stays open), `cut-body` closes the connection. `endless-body` streams a JSON
 * array that never ends (no `Content-Length`) until the client hangs up.
 */
export interface HfFailure {
  date: string;
  page: number;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  fault?: 'stall-body' | 'cut-body' | 'endless-body';
}

/** A scripted answer to the next search: an HTTP error, a body of our choosing, or a delay before the answer. */
export interface HfSearchFailure {
  status?: number;
  body?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

/**
 * A fake Hugging Face API on 127.0.0.1 that speaks `GET /api/daily_papers?date=D&limit=L&p=N` as the
 * real one does: JSON arrays, paged by `limit`/`p`, `[]` past the end, HTTP 400 for a malformed date.
 * Days are set with `setDay`; `fail` scripts one-off failures (429 with Retry-After, 500, ...).
 */
export class FakeHfApi {
  readonly requests: RecordedRequest[] = [];
  private readonly days = new Map<string, unknown[]>();
  private readonly failures: HfFailure[] = [];
  private searchIndex: unknown[] = [];
  private readonly searchFailures: HfSearchFailure[] = [];
  private server: Server | undefined;
  url = '';

  setDay(date: string, items: unknown[]): this {
    this.days.set(date, items);
    return this;
  }

  /**
   * What `GET /api/papers/search?q=&limit=` searches: items in the search answer's shape
   * (`{ paper, numComments? }`). A result matches when every word of `q` is in its title or summary.
   */
  setSearchable(items: unknown[]): this {
    this.searchIndex = items;
    return this;
  }

  /** Scripts the next search answer (5xx, malformed, slow). */
  failSearch(failure: HfSearchFailure): this {
    this.searchFailures.push(failure);
    return this;
  }

  /** The searches asked, in order (their `q`). */
  searches(): string[] {
    return this.requests.filter((r) => r.path === '/api/papers/search').map((r) => r.query.q ?? '');
  }

  fail(failure: HfFailure): this {
    this.failures.push(failure);
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await listenLocal(this.server!);
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  /** Requests for one day's pages, in order. */
  pagesRequested(date: string): number[] {
    return this.requests.filter((r) => r.path === '/api/daily_papers' && r.query.date === date).map((r) => Number(r.query.p ?? 0));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ path: url.pathname, query, authorization: req.headers.authorization });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    if (url.pathname === '/api/papers/search') return this.search(query, send);
    // `/repeat/api/daily_papers` behaves like a server that ignores `p` and sends the first page every time.
    const ignoresPage = url.pathname === '/repeat/api/daily_papers';
    if (url.pathname !== '/api/daily_papers' && !ignoresPage) return send(404, JSON.stringify({ error: 'Not Found' }));
    const date = query.date ?? '';
    const page = ignoresPage ? 0 : Number(query.p ?? 0);
    const failure = this.failures.findIndex((f) => f.date === date && f.page === page);
    const scripted = failure >= 0 ? this.failures.splice(failure, 1)[0]! : undefined;
    if (scripted && !scripted.fault) {
      const status = scripted.status ?? 500;
      return send(status, scripted.body ?? JSON.stringify({ error: `scripted ${status}` }), scripted.headers);
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)) || new Date(date).toISOString().slice(0, 10) !== date) {
      return send(400, JSON.stringify({ error: '"date" must be a valid date (YYYY-MM-DD)' }));
    }
    const limit = Math.min(100, Math.max(1, Number(query.limit ?? 50)));
    const items = this.days.get(date) ?? [];
    const body = JSON.stringify(items.slice(page * limit, (page + 1) * limit));
    if (scripted?.fault) return this.misbehave(res, scripted.fault, body);
    return send(200, body);
  }

  /** As the real one: `q` required and at most 250 characters, `limit` 1..120; a list of `{ paper, ... }`. */
  private search(query: Record<string, string>, send: (status: number, body: string) => void): void {
    const scripted = this.searchFailures.shift();
    const answer = () => {
      if (scripted && (scripted.status !== undefined || scripted.body !== undefined)) {
        return send(scripted.status ?? 200, scripted.body ?? JSON.stringify({ error: 'scripted' }));
      }
      const q = query.q ?? '';
      const limit = Number(query.limit ?? 'x');
      if (q.trim() === '' || q.length > 250) return send(400, JSON.stringify({ error: '"q" must be 1 to 250 characters' }));
      if (!Number.isInteger(limit) || limit < 1 || limit > 120) return send(400, JSON.stringify({ error: '"limit" must be 1 to 120' }));
      const words = q.toLowerCase().split(/\s+/).filter(Boolean);
      const text = (item: unknown) => {
        const paper = (item as { paper?: { title?: string; summary?: string } }).paper ?? {};
        return `${paper.title ?? ''} ${paper.summary ?? ''}`.toLowerCase();
      };
      send(200, JSON.stringify(this.searchIndex.filter((item) => words.every((w) => text(item).includes(w))).slice(0, limit)));
    };
    if (scripted?.delayMs) setTimeout(answer, scripted.delayMs);
    else answer();
  }

  private misbehave(res: ServerResponse, fault: NonNullable<HfFailure['fault']>, body: string): void {
    if (fault === 'endless-body') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('[');
      const chunk = `${JSON.stringify(hfItem({ id: '2503.99999' }))},`.repeat(100);
      const more = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', more);
      };
      res.on('close', () => res.removeAllListeners('drain'));
      return more();
    }
    const bytes = Buffer.from(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
    if (fault === 'cut-body') setTimeout(() => res.socket?.destroy(), 20);
  }
}

/** A daily item in Hugging Face's shape, with overrides on `paper`. */
export function hfItem(paper: Record<string, unknown> & { id: string }, wrapper: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    paper: {
      authors: [{ _id: 'a1', name: 'Ada Lovelace', hidden: false }],
      publishedAt: '2025-03-14T17:59:00.000Z',
      submittedOnDailyAt: '2025-03-17T01:23:00.000Z',
      title: `Paper ${paper.id}`,
      summary: 'We present a\nmethod that works.',
      upvotes: 3,
      discussionId: 'd1',
      ...paper,
    },
    publishedAt: '2025-03-14T17:59:00.000Z',
    title: paper.title ?? `Paper ${paper.id}`,
    thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${paper.id}.png`,
    numComments: 1,
    ...wrapper,
  };
}
