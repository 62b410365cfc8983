import type { Metrics } from '../core/metrics.ts';
import type { FoundPaper, PaperSource, SourcePage } from '../core/ports.ts';
import { addDays, daysBetween, feedDayAt, FIRST_FEED_DAY, type Day } from '../core/time.ts';
import type { AcronymDefinition } from '../db/acronym-store.ts';
import type { Indexer } from '../db/background-indexer.ts';
import type { Stores } from '../db/stores.ts';
import type { Logger } from '../logger.ts';
import { extractAcronyms } from '../search/acronyms.ts';
import { uniqueDefinitions } from './relearn-acronyms.ts';
import { storablePaper, withoutNul } from './upstream-text.ts';
import type { ArxivClient } from '../sources/arxiv-client.ts';
import { describeError } from '../errors.ts';

export interface DayReport {
  day: Day;
  pages: number;
  /** Items the feed listed. */
  items: number;
  /** Papers inserted or changed. */
  changed: number;
  skipped: { index: number; reason: string }[];
}

/** Where the acronym definitions learned from new abstracts are counted (the search storage's acronyms table). */
export interface AcronymRecorder {
  /** Counts each definition once more (one per paper that wrote it). */
  recordAcronyms(definitions: AcronymDefinition[]): Promise<void>;
}

export interface IngestorDeps {
  source: PaperSource;
  /** The papers store of either dialect; each page is one `upsertPage` (one transaction). */
  papers: Stores['papers'];
  acronyms: AcronymRecorder;
  logger: Logger;
  /** arXiv enrichment, when enabled. */
  arxiv?: ArxivClient;
  /**
   * Indexes for search on another thread while pages are written (bulk backfills on a SQLite file); without
   * it, the ingestor calls the store's `indexPending` every few thousand papers and at the end of each day.
   */
  indexer?: Indexer;
  /** Called after anything was stored (to refresh search lexicons and digest caches). */
  onChange?: () => void;
  /** Counts the papers stored: new ones and changed ones. */
  metrics?: Metrics;
}

/** During a long day, new papers are indexed every this many pages (in bulk: per page would be far slower). */
const INDEX_EVERY_PAGES = 50;

/** Papers found by search sit after a day's own listings (a day has a few hundred at most). */
const FOUND_RANK = 100_000;

/** How far back "today" looks for a non-empty feed day (weekends, holidays). */
const FALLBACK_DAYS = 7;

/**
 * Ingests Daily Papers into the database through the papers store of either dialect: one transaction per
 * page, idempotent (re-ingesting updates upvotes, stars and summaries and never duplicates), malformed items
 * skipped and logged, NUL characters removed from upstream text before it is stored (upstream-text.ts).
 */
export class Ingestor {
  constructor(private readonly deps: IngestorDeps) {}

  async ingestDay(day: Day): Promise<DayReport> {
    const report: DayReport = { day, pages: 0, items: 0, changed: 0, skipped: [] };
    const result = await this.deps.source.fetchDay(day, async (page, index) => {
      report.changed += await this.storePage(page);
      if (this.deps.indexer) this.deps.indexer.request();
      else if ((index + 1) % INDEX_EVERY_PAGES === 0) await this.deps.papers.indexPending();
      report.skipped.push(...page.skipped);
      for (const s of page.skipped) this.deps.logger.warn({ day, index: s.index, reason: s.reason }, 'skipped a malformed item');
      if (this.deps.arxiv && page.papers.length > 0) await this.enrich(page.papers.map((p) => p.id));
    });
    await this.finishIndexing();
    report.pages = result.pages;
    report.items = result.items;
    if (report.items > 0) await this.deps.papers.markDayIngested(day, { pages: report.pages, items: report.items, skipped: report.skipped.length });
    if (report.changed > 0) this.deps.onChange?.();
    this.deps.logger.info({ day, items: report.items, changed: report.changed, skipped: report.skipped.length }, 'ingested feed day');
    return report;
  }

  /**
   * Ingests the feed's "today" (America/New_York, next day from 21:30); when that day is empty, the latest
   * non-empty day before it. `fellBackFrom` says which day was empty.
   */
  async ingestToday(now: Date): Promise<DayReport & { fellBackFrom?: Day }> {
    const today = feedDayAt(now);
    const first = await this.ingestDay(today);
    if (first.items > 0) return first;
    for (let back = 1; back <= FALLBACK_DAYS; back++) {
      const day = addDays(today, -back);
      if (day < FIRST_FEED_DAY) break;
      const report = await this.ingestDay(day);
      if (report.items > 0) return { ...report, fellBackFrom: today };
    }
    return first;
  }

  /**
   * The scheduled ingest: the feed's today (with its fallback) and, since upvotes keep moving for a day
   * after a paper is listed, a refresh of the feed day before it, so tomorrow's digest ranks on fresh counts.
   */
  async ingestRecent(now: Date): Promise<DayReport[]> {
    const today = await this.ingestToday(now);
    const previous = await this.deps.papers.latestFeedDay(addDays(today.day, -1));
    return previous ? [today, await this.ingestDay(previous)] : [today];
  }

  /**
   * Backfills `from`..`to` oldest first. Days already ingested to the end are skipped unless `refresh`,
   * so an interrupted backfill resumes where it stopped. An aborted `signal` stops it before the next day.
   */
  async ingestRange(
    from: Day,
    to: Day,
    options: { refresh?: boolean; signal?: AbortSignal; onDay?: (report: DayReport | { day: Day; skippedAsDone: true }, done: number, total: number) => void } = {},
  ): Promise<DayReport[]> {
    const days = daysBetween(from, to);
    const done = options.refresh ? new Set<Day>() : await this.deps.papers.ingestedAmong(days);
    const reports: DayReport[] = [];
    for (const [i, day] of days.entries()) {
      if (options.signal?.aborted) break;
      if (done.has(day)) {
        options.onDay?.({ day, skippedAsDone: true }, i + 1, days.length);
        continue;
      }
      const report = await this.ingestDay(day);
      reports.push(report);
      options.onDay?.(report, i + 1, days.length);
    }
    return reports;
  }

  /** Everything stored so far becomes searchable: through the indexing thread, or inline when it failed. */
  private async finishIndexing(): Promise<void> {
    if (this.deps.indexer) {
      try {
        await this.deps.indexer.flush();
        return;
      } catch (error) {
        this.deps.logger.warn({ err: describeError(error) }, 'the indexing thread failed; indexing on this thread instead');
      }
    }
    await this.deps.papers.indexPending();
  }

  /**
   * Stores the papers an outside search found that we did not have: with the feed day that listed them
   * (ranked after that day's own listings until the day itself is ingested), indexed at once so topics and
   * search find them. Papers already stored stay as the daily ingest keeps them. Returns the ids added.
   */
  async storeFound(found: FoundPaper[]): Promise<string[]> {
    const stored = await this.deps.papers.textsOf(found.map((f) => f.paper.id));
    const fresh = found.filter((f) => !stored.has(f.paper.id));
    if (fresh.length === 0) return [];
    const listings = fresh.flatMap((f, i) => (f.feedDay ? [{ paperId: f.paper.id, feedDay: f.feedDay, rank: FOUND_RANK + i, upvotes: f.paper.upvotes }] : []));
    await this.storePage({ papers: fresh.map((f) => f.paper), listings, skipped: [] });
    await this.deps.papers.indexPending();
    this.deps.onChange?.();
    this.deps.logger.info({ papers: fresh.length }, 'stored papers found by Hugging Face search');
    return fresh.map((f) => f.paper.id);
  }

  /** One page in one transaction (the store's upsertPage), then the acronyms its new papers define. */
  private async storePage(page: SourcePage): Promise<number> {
    const papers = page.papers.map(storablePaper);
    const { changed, added } = await this.deps.papers.upsertPage(papers, page.listings, { deferIndex: true });
    this.deps.metrics?.papersIngested(added.length, Math.max(0, changed - added.length));
    const isNew = new Set(added);
    const definitions = papers.filter((p) => isNew.has(p.id)).flatMap((p) => uniqueDefinitions(extractAcronyms(p.abstract)));
    if (definitions.length > 0) await this.deps.acronyms.recordAcronyms(definitions);
    return changed;
  }

  private async enrich(ids: string[]): Promise<void> {
    try {
      const records = await this.deps.arxiv!.lookup(ids);
      await this.deps.papers.enrich(records.map((r) => ({ id: r.id, categories: r.categories.map(withoutNul), publishedAt: r.publishedAt })));
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error), ids: ids.length }, 'arXiv enrichment failed; papers stored without it');
    }
  }
}
