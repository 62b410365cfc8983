import { XMLParser } from 'fast-xml-parser';
import { isDay, type Day } from '../core/time.ts';
import { UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { FIELD_CAPS, FieldCapper, logFieldNotes, type FieldNote } from './field-caps.ts';
import { canonicalArxivId } from './hf-schema.ts';
import { getTextWithRetry, type RetryPolicy } from './http-retry.ts';

/** What arXiv adds to a paper. */
export interface ArxivRecord {
  id: string;
  /** Primary category first. */
  categories: string[];
  publishedAt: Day | null;
  pdfUrl: string | null;
}

/** arXiv asks for at most one request every 3 seconds; ids per request are capped to keep URLs sane. */
const BATCH_SIZE = 100;
/** A feed of 100 entries is well under 1 MiB; past this the batch fails unread. */
export const ARXIV_MAX_BODY_BYTES = 16 * 1024 * 1024;

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Parses an arXiv Atom feed; the API's error entry (`<title>Error</title>`) and odd entries are skipped.
 * Categories and the PDF link are held to {@link FIELD_CAPS}; `onNotes` hears what was cut, by paper id.
 */
export function parseArxivFeed(xml: string, onNotes: (id: string, notes: FieldNote[]) => void = () => undefined): ArxivRecord[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', removeNSPrefix: true, textNodeName: '#text' });
  const doc = parser.parse(xml) as { feed?: { entry?: unknown } };
  const records: ArxivRecord[] = [];
  for (const raw of asArray(doc.feed?.entry) as Record<string, unknown>[]) {
    const title = typeof raw.title === 'string' ? raw.title : '';
    const idText = typeof raw.id === 'string' ? raw.id : '';
    if (title.trim() === 'Error') continue;
    const id = canonicalArxivId(idText.replace(/^https?:\/\/arxiv\.org\/abs\//, ''));
    if (!id) continue;
    const primary = (raw.primary_category as { '@_term'?: string } | undefined)?.['@_term'];
    const others = asArray(raw.category as { '@_term'?: string } | { '@_term'?: string }[]).map((c) => c['@_term']).filter((t): t is string => !!t);
    const caps = new FieldCapper();
    const terms = [...new Set([primary, ...others].filter((t): t is string => !!t))];
    const categories = caps.list('categories', terms, FIELD_CAPS.categories).map((c) => caps.text('category', c, FIELD_CAPS.category));
    const published = typeof raw.published === 'string' ? raw.published.slice(0, 10) : null;
    const pdf = asArray(raw.link as Record<string, unknown> | Record<string, unknown>[]).find((l) => l['@_title'] === 'pdf')?.['@_href'];
    const pdfUrl = typeof pdf === 'string' ? (caps.url('pdfUrl', pdf) ?? null) : null;
    records.push({ id, categories, publishedAt: published && isDay(published) ? published : null, pdfUrl });
    if (caps.notes.length > 0) onNotes(id, caps.notes);
  }
  return records;
}

/**
 * The arXiv export API, for enrichment: batched `id_list` queries, at most one request per
 * `minIntervalMs` (3 s by arXiv's terms), one at a time.
 */
export class ArxivClient {
  private readonly policy: RetryPolicy;
  private lastRequestAt = 0;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: { apiUrl: string; minIntervalMs: number; timeoutMs: number; logger: Logger }) {
    this.policy = { maxRetries: 2, baseDelayMs: Math.max(options.minIntervalMs, 100), maxDelayMs: 30_000, timeoutMs: options.timeoutMs };
  }

  /** Looks up many papers, `BATCH_SIZE` per request. Unknown ids are simply absent from the result. */
  async lookup(ids: string[]): Promise<ArxivRecord[]> {
    const out: ArxivRecord[] = [];
    for (let i = 0; i < ids.length; i += BATCH_SIZE) out.push(...(await this.gated(() => this.fetchBatch(ids.slice(i, i + BATCH_SIZE)))));
    return out;
  }

  private gated<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      const wait = this.lastRequestAt + this.options.minIntervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        return await task();
      } finally {
        this.lastRequestAt = Date.now();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async fetchBatch(ids: string[]): Promise<ArxivRecord[]> {
    const url = `${this.options.apiUrl}?id_list=${ids.map(encodeURIComponent).join(',')}&max_results=${ids.length}`;
    const response = await getTextWithRetry(url, {
      service: 'arXiv',
      headers: { 'user-agent': 'papers-bot/0.1 (daily papers digest; enrichment)' },
      policy: this.policy,
      logger: this.options.logger,
      maxBodyBytes: ARXIV_MAX_BODY_BYTES,
    });
    try {
      return parseArxivFeed(response.text, (id, notes) => logFieldNotes(this.options.logger, 'arXiv', id, notes));
    } catch (cause) {
      throw new UpstreamError('UPSTREAM_PAYLOAD', 'arXiv sent a feed that could not be parsed', response.status, { cause });
    }
  }
}
