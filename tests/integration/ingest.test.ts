import { searchServiceOf } from '../helpers/search-service.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { promised } from '../../src/db/stores.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { BackgroundIndexer } from '../../src/db/background-indexer.ts';
import { Writable } from 'node:stream';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { FIELD_CAPS } from '../../src/sources/field-caps.ts';
import { HfClient } from '../../src/sources/hf-client.ts';
import { UpstreamError } from '../../src/errors.ts';
import { createTestDb } from '../helpers/db.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';

const DAY = '2025-03-17';
const items = (n: number, from = 0, upvotes = (i: number) => 1000 - i) =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return hfItem({ id: `2503.${String(10000 + i)}`, title: `Paper number ${i}`, upvotes: upvotes(i) });
  });

/** The real logger, writing into memory: each line parsed back. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'warn', destination }), lines };
}

describe('ingesting a Daily Papers day from a Hugging Face-shaped API', () => {
  const hf = new FakeHfApi();
  const { db, cleanup } = createTestDb('ingest');
  const papers = new PapersRepo(db);
  const deps = (maxRetries = 3) => ({
    source: new HfClient({ apiUrl: hf.url, timeoutMs: 2000, maxRetries, baseDelayMs: 20, logger: silentLogger() }),
    papers: promised(papers),
    acronyms: promised(new SearchRepo(db)),
    logger: silentLogger(),
  });
  const ingestor = (maxRetries = 3) => new Ingestor(deps(maxRetries));

  beforeAll(async () => {
    await hf.start();
  });
  afterAll(async () => {
    await hf.stop();
    cleanup();
  });
  afterEach(() => {
    hf.requests.length = 0;
  });

  it('pages with limit=100 until an empty page and stores every paper once', async () => {
    hf.setDay(DAY, items(230));
    const report = await ingestor().ingestDay(DAY);
    expect(hf.pagesRequested(DAY)).toEqual([0, 1, 2, 3]);
    expect(hf.requests.every((r) => r.query.limit === '100')).toBe(true);
    expect(report).toMatchObject({ items: 230, changed: 230, pages: 3 });
    expect(papers.listedOn(DAY)).toHaveLength(230);
    expect(papers.listedOn(DAY)[0]).toMatchObject({ id: '2503.10000', upvotes: 1000, rank: 0 });
    const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
    expect((await search.search('"paper number 229"')).hits.map((h) => h.paper.id)).toEqual(['2503.10229']);
  });

  it('re-ingesting updates upvotes and never duplicates', async () => {
    hf.setDay(DAY, items(230, 0, (i) => 5000 + i));
    const report = await ingestor().ingestDay(DAY);
    expect(report.changed).toBe(230);
    expect(papers.count()).toBe(230);
    expect(papers.get('2503.10229')?.upvotes).toBe(5229);
    expect(papers.listedOn(DAY)[0]!.id).toBe('2503.10229');
    const again = await ingestor().ingestDay(DAY);
    expect(again.changed).toBe(0);
  });

  it('waits out a 429 with Retry-After and a 500, then stores the page', async () => {
    const day = '2025-03-18';
    hf.setDay(day, items(3, 500));
    hf.fail({ date: day, page: 0, status: 429, headers: { 'retry-after': '1' } });
    hf.fail({ date: day, page: 1, status: 500 });
    const started = Date.now();
    const report = await ingestor().ingestDay(day);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(hf.pagesRequested(day)).toEqual([0, 0, 1, 1]);
    expect(report.items).toBe(3);
    expect(papers.listedOn(day)).toHaveLength(3);
  });

  it('skips a malformed item with a reason and stores the rest', async () => {
    const day = '2025-03-19';
    hf.setDay(day, [hfItem({ id: '2503.20001' }), { paper: { title: 'no id' } }, 'garbage', hfItem({ id: '2503.20002' })]);
    const report = await ingestor().ingestDay(day);
    expect(report.items).toBe(4);
    expect(report.skipped.map((s) => s.index)).toEqual([1, 2]);
    expect(report.skipped[0]!.reason).toMatch(/paper\.id/);
    expect(papers.listedOn(day).map((p) => p.id).sort()).toEqual(['2503.20001', '2503.20002']);
  });

  it('stops when a server ignores the page parameter and repeats itself', async () => {
    const day = '2025-03-25';
    hf.setDay(day, items(3, 900));
    const repeating = new Ingestor({
      source: new HfClient({ apiUrl: `${hf.url}/repeat`, timeoutMs: 2000, maxRetries: 0, logger: silentLogger() }),
      papers: promised(papers),
      acronyms: promised(new SearchRepo(db)),
      logger: silentLogger(),
    });
    const report = await repeating.ingestDay(day);
    expect(report.items).toBe(3);
    expect(hf.requests.filter((r) => r.path === '/repeat/api/daily_papers').map((r) => r.query.p)).toEqual(['0', '1']);
    expect(papers.listedOn(day).map((p) => p.rank)).toEqual([0, 1, 2]);
  });

  it('treats versions of one paper as one paper', async () => {
    const day = '2025-03-20';
    hf.setDay(day, [hfItem({ id: '2503.30001v1', upvotes: 1 }), hfItem({ id: '2503.30001v2', upvotes: 9 })]);
    await ingestor().ingestDay(day);
    expect(papers.listedOn(day)).toHaveLength(1);
    expect(papers.get('2503.30001')?.upvotes).toBe(9);
  });

  it('falls back from an empty today to the latest non-empty day and says so', async () => {
    hf.setDay('2025-03-22', []).setDay('2025-03-21', items(2, 700));
    const report = await ingestor().ingestToday(new Date('2025-03-22T15:00:00Z'));
    expect(report.fellBackFrom).toBe('2025-03-22');
    expect(report.day).toBe('2025-03-21');
    expect(report.items).toBe(2);
  });

  it('the scheduled ingest refreshes the previous feed day too, so its upvotes are fresh', async () => {
    hf.setDay('2025-03-27', [hfItem({ id: '2503.40001', upvotes: 2 })]).setDay('2025-03-28', [hfItem({ id: '2503.40002', upvotes: 1 })]);
    await ingestor().ingestDay('2025-03-27');
    hf.setDay('2025-03-27', [hfItem({ id: '2503.40001', upvotes: 77 })]);
    const reports = await ingestor().ingestRecent(new Date('2025-03-28T15:00:00Z'));
    expect(reports.map((r) => r.day)).toEqual(['2025-03-28', '2025-03-27']);
    expect(papers.get('2503.40001')?.upvotes).toBe(77);
  });

  it('explains an HTTP 400 for an invalid date without retrying', async () => {
    await expect(ingestor().ingestDay('2025-02-30')).rejects.toThrow(/rejected the date 2025-02-30 \(HTTP 400\)/);
    expect(hf.requests).toHaveLength(1);
  });

  it('says clearly when the API cannot be reached', async () => {
    const offline = new Ingestor({
      source: new HfClient({ apiUrl: 'http://127.0.0.1:9', timeoutMs: 500, maxRetries: 1, baseDelayMs: 10, logger: silentLogger() }),
      papers: promised(papers),
      acronyms: promised(new SearchRepo(db)),
      logger: silentLogger(),
    });
    const error = await offline.ingestDay(DAY).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe('UPSTREAM_UNREACHABLE');
    expect((error as Error).message).toMatch(/Cannot reach Hugging Face at http:\/\/127\.0\.0\.1:9/);
  });

  it('re-indexes a paper whose text changed: the new title finds it, the old one no longer does', async () => {
    const day = '2025-03-25';
    hf.setDay(day, [hfItem({ id: '2503.40001', title: 'Sparse attention for long documents' })]);
    await ingestor().ingestDay(day);
    const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
    expect((await search.search('"sparse attention"')).hits.map((h) => h.paper.id)).toEqual(['2503.40001']);
    hf.setDay(day, [hfItem({ id: '2503.40001', title: 'Ring attention for long documents' })]);
    await ingestor().ingestDay(day);
    expect((await search.search('"ring attention"')).hits.map((h) => h.paper.id)).toEqual(['2503.40001']);
    expect((await search.search('"sparse attention"')).hits).toEqual([]);
    expect(db.sqlite.prepare('SELECT count(*) FROM fts_changes').pluck().get()).toBe(0);
  });

  it('builds the index on a second thread during a long day, and every paper is searchable when the day is done', async () => {
    const day = '2025-03-26';
    hf.setDay(day, items(2_600, 20_000));
    const indexer = new BackgroundIndexer(db.path);
    try {
      const withThread = new Ingestor({ ...deps(), indexer });
      expect(await withThread.ingestDay(day)).toMatchObject({ items: 2_600, pages: 26 });
    } finally {
      await indexer.close();
    }
    const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
    expect((await search.search('"paper number 22599"')).hits.map((h) => h.paper.id)).toEqual(['2503.32599']);
    expect((await search.search('"paper number 20000"')).hits.map((h) => h.paper.id)).toEqual(['2503.30000']);
    const indexedOfDay = db.sqlite.prepare(
      `SELECT count(*) FROM daily_listings l JOIN papers p ON p.id = l.paper_id
       WHERE l.feed_day = ? AND p.seq IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'number')`,
    );
    expect(indexedOfDay.pluck().get(day)).toBe(2_600);
  });

  it('indexes on its own thread when the indexing thread cannot work, and says so', async () => {
    const day = '2025-03-27';
    hf.setDay(day, items(3, 30_000));
    const warnings: string[] = [];
    const logger = silentLogger();
    logger.warn = ((_: unknown, message: string) => void warnings.push(message)) as typeof logger.warn;
    // A directory where the thread expects a database file: its connection cannot open.
    const notADatabase = mkdtempSync(join(tmpdir(), 'papers-not-a-db-'));
    const broken = new BackgroundIndexer(notADatabase);
    try {
      await new Ingestor({ ...deps(), logger, indexer: broken }).ingestDay(day);
    } finally {
      await broken.close();
      rmSync(notADatabase, { recursive: true, force: true });
    }
    expect(warnings).toContain('the indexing thread failed; indexing on this thread instead');
    expect((await searchServiceOf(new SearchRepo(db), new PapersRepo(db)).search('"paper number 30002"')).hits.map((h) => h.paper.id)).toEqual(['2503.40002']);
  });

  it('resumes a backfill: days already ingested are skipped unless refreshed', async () => {
    hf.setDay('2025-04-01', items(2, 800)).setDay('2025-04-02', items(2, 810)).setDay('2025-04-03', items(2, 820));
    await ingestor().ingestRange('2025-04-01', '2025-04-02');
    hf.requests.length = 0;
    const reports = await ingestor().ingestRange('2025-04-01', '2025-04-03');
    expect(reports.map((r) => r.day)).toEqual(['2025-04-03']);
    expect(new Set(hf.requests.map((r) => r.query.date))).toEqual(new Set(['2025-04-03']));
    const refreshed = await ingestor().ingestRange('2025-04-01', '2025-04-03', { refresh: true });
    expect(refreshed).toHaveLength(3);
  });

  describe('a hostile or broken feed', () => {
    const client = (options: { timeoutMs?: number; maxRetries?: number; maxBodyBytes?: number; logger?: ReturnType<typeof silentLogger> } = {}) =>
      new Ingestor({
        source: new HfClient({ apiUrl: hf.url, timeoutMs: options.timeoutMs ?? 2000, maxRetries: options.maxRetries ?? 2, baseDelayMs: 20, maxBodyBytes: options.maxBodyBytes, logger: options.logger ?? silentLogger() }),
        papers: promised(papers),
        acronyms: promised(new SearchRepo(db)),
        logger: silentLogger(),
      });

    it('stores a 50 MB abstract and every other oversized field cut to its cap, logs each with the paper id and original size, and search still finds the paper', async () => {
      const day = '2025-05-01';
      const huge = hfItem({
        id: '2505.00001',
        title: `Quokka ${'title '.repeat(2_000)}`,
        summary: `Wombats gallop. ${'abstract words '.repeat(3_400_000)}`,
        authors: Array.from({ length: 5_000 }, (_, i) => ({ name: `Author ${i} ${'x'.repeat(i === 0 ? 1_000 : 1)}` })),
        ai_summary: 'summary '.repeat(20_000),
        ai_keywords: Array.from({ length: 1_000 }, (_, i) => `keyword${i}`),
        projectPage: `https://example.org/${'p'.repeat(10_000)}`,
      });
      hf.setDay(day, [huge, hfItem({ id: '2505.00002', title: 'A normal paper' })]);
      const { logger, lines } = capturingLogger();
      const report = await client({ logger }).ingestDay(day);
      hf.setDay(day, []);
      expect(report.items).toBe(2);
      const stored = papers.get('2505.00001')!;
      expect(stored.abstract.length).toBeLessThanOrEqual(FIELD_CAPS.abstract);
      expect(stored.abstract.startsWith('Wombats gallop. abstract words')).toBe(true);
      expect(stored.title.length).toBeLessThanOrEqual(FIELD_CAPS.title);
      expect(stored.authors).toHaveLength(FIELD_CAPS.authors);
      expect(stored.authors[0]!.length).toBeLessThanOrEqual(FIELD_CAPS.authorName);
      expect(stored.aiSummary!.length).toBeLessThanOrEqual(FIELD_CAPS.aiSummary);
      expect(stored.aiKeywords).toHaveLength(FIELD_CAPS.aiKeywords);
      expect(stored.projectPage).toBeNull();
      const capped = lines.filter((l) => l.paperId === '2505.00001');
      expect(capped.map((l) => l.field).sort()).toEqual(['abstract', 'aiKeywords', 'aiSummary', 'authorName', 'authors', 'projectPage', 'title']);
      expect(capped.find((l) => l.field === 'abstract')).toMatchObject({ level: 40, originalSize: 16 + 15 * 3_400_000, cap: FIELD_CAPS.abstract });
      expect(capped.find((l) => l.field === 'authors')).toMatchObject({ originalSize: 5_000, cap: FIELD_CAPS.authors });
      expect(papers.get('2505.00002')!.title).toBe('A normal paper');
      const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
      expect((await search.search('wombats')).hits.map((h) => h.paper.id)).toEqual(['2505.00001']);
      expect((await search.search('quokka')).hits.map((h) => h.paper.id)).toEqual(['2505.00001']);
    });

    it('logs negative, fractional, infinite and absurd upvotes with the paper id instead of zeroing them in silence', async () => {
      const day = '2025-05-02';
      const raw = (id: string, upvotes: string) => JSON.stringify(hfItem({ id, upvotes: 0 })).replace('"upvotes":0', `"upvotes":${upvotes}`);
      const body = `[${raw('2505.00011', '-4')},${raw('2505.00012', '1e999')},${raw('2505.00013', '2.5')},${raw('2505.00014', '1e15')},${raw('2505.00015', '12')}]`;
      hf.fail({ date: day, page: 0, status: 200, body });
      const { logger, lines } = capturingLogger();
      await client({ logger }).ingestDay(day);
      const logged = lines.filter((l) => l.field === 'upvotes').map((l) => [l.paperId, l.value]);
      expect(logged).toEqual([
        ['2505.00011', '-4'],
        ['2505.00012', 'Infinity'],
        ['2505.00013', '2.5'],
        ['2505.00014', '1000000000000000'],
      ]);
      expect(papers.get('2505.00012')!.upvotes).toBe(0);
      expect(papers.get('2505.00015')!.upvotes).toBe(12);
    });

    it('retries a page whose body stalls half-way, as a timeout, and then stores it', async () => {
      const day = '2025-05-03';
      hf.setDay(day, items(3, 40_000));
      hf.fail({ date: day, page: 0, fault: 'stall-body' });
      const { logger, lines } = capturingLogger();
      const report = await client({ timeoutMs: 300, logger }).ingestDay(day);
      expect(hf.pagesRequested(day)).toEqual([0, 0, 1]);
      expect(report.items).toBe(3);
      expect(papers.listedOn(day)).toHaveLength(3);
      expect(lines.map((l) => l.reason)).toContain('the body was not complete within 300 ms');
    });

    it('retries a page whose connection closes before the body is complete, and then stores it', async () => {
      const day = '2025-05-04';
      hf.setDay(day, items(3, 40_100));
      hf.fail({ date: day, page: 0, fault: 'cut-body' });
      const report = await client().ingestDay(day);
      expect(hf.pagesRequested(day)).toEqual([0, 0, 1]);
      expect(report.items).toBe(3);
    });

    it('reports a body that stalls on every attempt as a timeout, not as "not JSON"', async () => {
      const day = '2025-05-05';
      hf.setDay(day, items(3, 40_200));
      hf.fail({ date: day, page: 0, fault: 'stall-body' }).fail({ date: day, page: 0, fault: 'stall-body' });
      const error = await client({ timeoutMs: 200, maxRetries: 1 }).ingestDay(day).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe('UPSTREAM_UNREACHABLE');
      expect((error as Error).message).toMatch(/Hugging Face stopped sending its answer .*: the body was not complete within 200 ms/);
      expect(hf.pagesRequested(day)).toEqual([0, 0]);
    });

    it('stops reading a page past the body limit, skips only that page with its reason, logged, and goes on to the next', async () => {
      const day = '2025-05-06';
      hf.setDay(day, items(150, 40_400));
      hf.fail({ date: day, page: 0, fault: 'endless-body' });
      const { logger, lines } = capturingLogger();
      const report = await client({ maxBodyBytes: 1024 * 1024, logger }).ingestDay(day);
      expect(hf.pagesRequested(day)).toEqual([0, 1, 2]);
      expect(report.skipped).toEqual([{ index: 0, reason: 'the whole page 0 could not be read' }]);
      expect(papers.listedOn(day)).toHaveLength(50);
      const logged = lines.find((l) => l.msg === 'skipped a Hugging Face page that could not be read');
      expect(logged).toMatchObject({ level: 50, day, page: 0 });
      expect(logged!.err).toMatch(/Hugging Face sent over 1 MiB for .*date=2025-05-06.*, more than the 1 MiB limit/);
    });

    it('fails the day with a clear error when two pages in a row are past the body limit, refusing each by its declared length', async () => {
      const day = '2025-05-07';
      hf.setDay(day, items(200, 40_600));
      const error = await client({ maxBodyBytes: 4 * 1024 }).ingestDay(day).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).code).toBe('UPSTREAM_PAYLOAD');
      expect((error as Error).message).toMatch(/Hugging Face sent \d+ KiB for .*p=1, more than the 4 KiB limit/);
      expect(hf.pagesRequested(day)).toEqual([0, 1]);
    });
  });
});
