import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { promised } from '../../src/db/stores.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { silentLogger } from '../../src/logger.ts';
import { ArxivClient, parseArxivFeed } from '../../src/sources/arxiv-client.ts';
import { HfClient } from '../../src/sources/hf-client.ts';
import { atomFeed, FakeArxivApi } from '../fakes/arxiv-api.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { createTestDb } from '../helpers/db.ts';

describe('arXiv enrichment', () => {
  const arxiv = new FakeArxivApi().add(
    { id: '2503.00001', title: 'One', primary: 'cs.CL', categories: ['cs.CL', 'cs.LG'], published: '2025-03-10T17:00:00Z' },
    { id: '2503.00002', title: 'Two', primary: 'cs.CV', categories: ['cs.CV'], published: '2025-03-11T17:00:00Z' },
  );
  const hf = new FakeHfApi();
  const { db, cleanup } = createTestDb('arxiv');
  beforeAll(async () => {
    await Promise.all([arxiv.start(), hf.start()]);
  });
  afterAll(async () => {
    await Promise.all([arxiv.stop(), hf.stop()]);
    cleanup();
  });

  it('parses Atom entries, strips versions, puts the primary category first and skips the error entry', () => {
    const xml = atomFeed(
      [{ id: '2503.00009', title: 'X', primary: 'cs.AI', categories: ['cs.LG', 'cs.AI'], published: '2025-03-01T00:00:00Z' }],
      '<entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id><title>Error</title><summary>incorrect id format</summary></entry>',
    );
    expect(parseArxivFeed(xml)).toEqual([{ id: '2503.00009', categories: ['cs.AI', 'cs.LG'], publishedAt: '2025-03-01', pdfUrl: 'http://arxiv.org/pdf/2503.00009v1' }]);
    expect(parseArxivFeed('<feed></feed>')).toEqual([]);
  });

  it('caps an entry\'s categories and their length, drops an oversized PDF link and a published date that is not a day, and says which paper', () => {
    const many = Array.from({ length: 40 }, (_, i) => `cs.X${i}`);
    const xml = atomFeed([{ id: '2503.00010', title: 'Y', primary: `cs.${'Z'.repeat(100)}`, categories: many, published: 'soon' }]).replace(
      'http://arxiv.org/pdf/2503.00010v1',
      `http://arxiv.org/pdf/${'p'.repeat(5_000)}`,
    );
    const noted: [string, string[]][] = [];
    const [record] = parseArxivFeed(xml, (id, notes) => noted.push([id, notes.map((n) => n.field)]));
    expect(record!.categories).toHaveLength(20);
    expect(record!.categories[0]!.length).toBeLessThanOrEqual(40);
    expect(record!.pdfUrl).toBeNull();
    expect(record!.publishedAt).toBeNull();
    expect(noted).toEqual([['2503.00010', ['categories', 'category', 'pdfUrl']]]);
  });

  it('adds categories to ingested papers with one batched id_list request per page', async () => {
    hf.setDay('2025-03-12', [hfItem({ id: '2503.00001' }), hfItem({ id: '2503.00002' }), hfItem({ id: '2503.00003' })]);
    const papers = new PapersRepo(db);
    const ingestor = new Ingestor({
      source: new HfClient({ apiUrl: hf.url, timeoutMs: 2000, maxRetries: 0, logger: silentLogger() }),
      arxiv: new ArxivClient({ apiUrl: arxiv.url, minIntervalMs: 10, timeoutMs: 2000, logger: silentLogger() }),
      papers: promised(papers),
      acronyms: promised(new SearchRepo(db)),
      logger: silentLogger(),
    });
    await ingestor.ingestDay('2025-03-12');
    expect(arxiv.requests.map((r) => r.idList)).toEqual([['2503.00001', '2503.00002', '2503.00003']]);
    expect(papers.get('2503.00001')?.categories).toEqual(['cs.CL', 'cs.LG']);
    expect(papers.get('2503.00002')?.categories).toEqual(['cs.CV']);
    expect(papers.get('2503.00003')?.categories).toEqual([]);
  });

  it('keeps at least the minimum interval between requests', async () => {
    arxiv.requests.length = 0;
    const client = new ArxivClient({ apiUrl: arxiv.url, minIntervalMs: 300, timeoutMs: 2000, logger: silentLogger() });
    const ids = Array.from({ length: 250 }, (_, i) => `2503.${String(10000 + i)}`);
    await Promise.all([client.lookup(ids.slice(0, 150)), client.lookup(ids.slice(150))]);
    expect(arxiv.requests.map((r) => r.idList.length)).toEqual([100, 100, 50]);
    const gaps = arxiv.requests.slice(1).map((r, i) => r.at - arxiv.requests[i]!.at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(290);
  });
});
