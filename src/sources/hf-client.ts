import { noMetrics, type Metrics, type SourceOperation } from '../core/metrics.ts';
import type { FoundPaper, PaperSearchSource, PaperSource, SourcePage } from '../core/ports.ts';
import { isDay, type Day } from '../core/time.ts';
import { describeError, PapersError, UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { logFieldNotes } from './field-caps.ts';
import { mapDailyItem } from './hf-schema.ts';
import { getTextWithRetry, type RetryPolicy } from './http-retry.ts';

export const HF_PAGE_SIZE = 100;
/** A day never has this many pages; a server that keeps answering is cut off here. */
const MAX_PAGES = 50;
/**
 * The most of one page's body read: a real page of 100 papers is well under 1 MiB. Past it, nothing more is
 * read or held and the page is skipped, logged (see `skipUnreadable`).
 */
export const HF_MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Hugging Face's search takes at most this many characters of `q`. */
export const HF_SEARCH_MAX_QUERY = 250;
/** ... and at most this many results. */
export const HF_SEARCH_MAX_LIMIT = 120;
/** A search answer of 120 papers is well under 1 MiB. */
const HF_SEARCH_MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface HfClientOptions {
  apiUrl: string;
  token?: string;
  timeoutMs: number;
  maxRetries: number;
  /** The whole exchange of one search, never retried: a chat reply waits on it (`HF_SEARCH_TIMEOUT_MS`). */
  searchTimeoutMs?: number;
  /** First retry delay; tests shorten it. */
  baseDelayMs?: number;
  /** Defaults to {@link HF_MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  logger: Logger;
  /** Times every page fetch (with its retries) and search, and counts their failures by code. */
  metrics?: Metrics;
}

/** `q` within Hugging Face's limit, cut at a word boundary. */
export function searchText(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= HF_SEARCH_MAX_QUERY) return clean;
  const cut = clean.slice(0, HF_SEARCH_MAX_QUERY + 1);
  const space = cut.lastIndexOf(' ');
  return (space > 0 ? cut.slice(0, space) : cut.slice(0, HF_SEARCH_MAX_QUERY)).trim();
}

/**
 * Hugging Face Daily Papers: `GET /api/daily_papers?date=D&limit=100&p=N`, paged until an empty page; and its
 * own search over every paper it indexed, `GET /api/papers/search?q=&limit=`.
 */
export class HfClient implements PaperSource, PaperSearchSource {
  private readonly policy: RetryPolicy;

  constructor(private readonly options: HfClientOptions) {
    this.policy = { maxRetries: options.maxRetries, baseDelayMs: options.baseDelayMs ?? 1000, maxDelayMs: 60_000, timeoutMs: options.timeoutMs };
  }

  async fetchDay(day: Day, onPage: (page: SourcePage, pageIndex: number) => void | Promise<void>): Promise<{ pages: number; items: number }> {
    let items = 0;
    const seen = new Set<string>();
    let unreadableBefore = false;
    for (let p = 0; p < MAX_PAGES; p++) {
      const raw = await this.timed('daily_papers', () => this.fetchPage(day, p)).catch((error: unknown) => this.skipUnreadable(error, day, p, unreadableBefore));
      unreadableBefore = raw === 'unreadable';
      if (raw === 'unreadable') {
        await onPage({ papers: [], listings: [], skipped: [{ index: p * HF_PAGE_SIZE, reason: `the whole page ${p} could not be read` }] }, p);
        continue;
      }
      if (raw.length === 0) return { pages: p, items };
      const page: SourcePage = { papers: [], listings: [], skipped: [] };
      raw.forEach((item, i) => {
        const mapped = mapDailyItem(item, day, p * HF_PAGE_SIZE + i, this.options.apiUrl);
        if (mapped.ok) {
          logFieldNotes(this.options.logger, 'Hugging Face', mapped.paper.id, mapped.notes);
          page.papers.push(mapped.paper);
          page.listings.push(mapped.listing);
        } else {
          page.skipped.push({ index: p * HF_PAGE_SIZE + i, reason: mapped.reason });
        }
      });
      if (p > 0 && page.papers.length > 0 && page.papers.every((paper) => seen.has(paper.id))) {
        this.options.logger.warn({ day, page: p }, 'the API answered a page it had already sent (is `p` ignored?); stopping');
        return { pages: p, items };
      }
      for (const paper of page.papers) seen.add(paper.id);
      items += raw.length;
      await onPage(page, p);
    }
    this.options.logger.warn({ day, pages: MAX_PAGES }, 'stopped paging: too many pages');
    return { pages: MAX_PAGES, items };
  }

  async search(text: string, limit: number): Promise<{ found: FoundPaper[]; skipped: number }> {
    const q = searchText(text);
    if (q === '') return { found: [], skipped: 0 };
    return this.timed('search', () => this.searchFor(q, limit));
  }

  /** Runs one call to Hugging Face, reporting how long it took and, when it failed, its code. */
  private async timed<T>(operation: SourceOperation, call: () => Promise<T>): Promise<T> {
    const metrics = this.options.metrics ?? noMetrics;
    const started = performance.now();
    try {
      const result = await call();
      metrics.sourceRequest(operation, (performance.now() - started) / 1000);
      return result;
    } catch (error) {
      metrics.sourceRequest(operation, (performance.now() - started) / 1000, error instanceof PapersError ? error.code : 'UNEXPECTED');
      throw error;
    }
  }

  private async searchFor(q: string, limit: number): Promise<{ found: FoundPaper[]; skipped: number }> {
    const capped = Math.min(HF_SEARCH_MAX_LIMIT, Math.max(1, Math.floor(limit)));
    const url = `${this.options.apiUrl}/api/papers/search?q=${encodeURIComponent(q)}&limit=${capped}`;
    const response = await getTextWithRetry(url, {
      service: 'Hugging Face search',
      headers: this.headers(),
      policy: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, timeoutMs: this.options.searchTimeoutMs ?? 2_500 },
      logger: this.options.logger,
      maxBodyBytes: HF_SEARCH_MAX_BODY_BYTES,
    });
    const body = this.parseList(response.text, response.status, 'its search');
    const found: FoundPaper[] = [];
    let skipped = 0;
    body.slice(0, capped).forEach((item, i) => {
      const feedDay = submittedDay(item);
      const mapped = mapDailyItem(item, feedDay ?? '', i, this.options.apiUrl);
      if (!mapped.ok) {
        skipped++;
        this.options.logger.warn({ index: i, reason: mapped.reason }, 'skipped a malformed Hugging Face search result');
        return;
      }
      logFieldNotes(this.options.logger, 'Hugging Face', mapped.paper.id, mapped.notes);
      found.push({ paper: mapped.paper, feedDay });
    });
    return { found, skipped };
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'papers-bot/0.1' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    return headers;
  }

  private parseList(text: string, status: number, what: string): unknown[] {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new UpstreamError('UPSTREAM_PAYLOAD', `Hugging Face sent something that is not JSON for ${what}`, status, { cause });
    }
    if (!Array.isArray(body)) throw new UpstreamError('UPSTREAM_PAYLOAD', `Hugging Face sent ${typeof body} instead of a list for ${what}`, status);
    return body;
  }

  /**
   * A page whose answer cannot be read (over the body limit, not JSON, not a list) loses only that page: it
   * is logged and paging goes on. Two such pages in a row fail the day with the error (the API is broken).
   */
  private skipUnreadable(error: unknown, day: Day, page: number, unreadableBefore: boolean): 'unreadable' {
    if (!(error instanceof UpstreamError) || error.code !== 'UPSTREAM_PAYLOAD' || unreadableBefore) throw error;
    this.options.logger.error({ day, page, err: describeError(error) }, 'skipped a Hugging Face page that could not be read');
    return 'unreadable';
  }

  private async fetchPage(day: Day, page: number): Promise<unknown[]> {
    const url = `${this.options.apiUrl}/api/daily_papers?date=${day}&limit=${HF_PAGE_SIZE}&p=${page}`;
    const response = await getTextWithRetry(url, {
      service: 'Hugging Face',
      headers: this.headers(),
      policy: this.policy,
      logger: this.options.logger,
      maxBodyBytes: this.options.maxBodyBytes ?? HF_MAX_BODY_BYTES,
    }).catch((error: unknown) => {
      if (error instanceof UpstreamError && error.status === 400) {
        throw new UpstreamError('UPSTREAM_HTTP', `Hugging Face rejected the date ${day} (HTTP 400): is it a real day on or after 2023-05-04?`, 400, { cause: error });
      }
      throw error;
    });
    return this.parseList(response.text, response.status, `${day} page ${page}`);
  }
}

/** The Daily Papers day a search result was listed on (`paper.submittedOnDailyAt`), when it was. */
function submittedDay(item: unknown): Day | null {
  const at = (item as { paper?: { submittedOnDailyAt?: unknown } } | null)?.paper?.submittedOnDailyAt;
  const day = typeof at === 'string' ? at.slice(0, 10) : '';
  return isDay(day) ? day : null;
}
