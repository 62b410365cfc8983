import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

describe('search ranking', () => {
  const { db, cleanup } = createTestDb('ranking');
  const papers = new PapersRepo(db);
  // Seven papers that score exactly alike for "graph ..." queries, upvotes 0, 10, ..., 60: used by several tests.
  const same = Array.from({ length: 7 }, (_, i) => makePaper({ id: `2502.1000${i}`, title: 'Graph neural operators', abstract: 'Identical text.', upvotes: i * 10 }));
  beforeAll(() => {
    papers.upsertPage(same, []);
  });
  afterAll(cleanup);

  it('ranks a title match above an abstract-only match', async () => {
    papers.upsertPage(
      [
        makePaper({ id: '2502.00001', title: 'A survey of things', abstract: 'We touch on contrastive methods in passing and also contrastive losses.', upvotes: 100 }),
        makePaper({ id: '2502.00002', title: 'Contrastive learning at scale', abstract: 'We study representations.', upvotes: 1 }),
      ],
      [],
    );
    const hits = (await searchServiceOf(new SearchRepo(db), new PapersRepo(db)).search('contrastive')).hits;
    expect(hits.map((h) => h.paper.id)).toEqual(['2502.00002', '2502.00001']);
  });

  it('breaks exact ties by upvotes and pages without repeating or losing papers', async () => {
    const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
    const first = await search.search('graph neural operators', { limit: 5 });
    const second = await search.search('graph neural operators', { limit: 5, offset: 5 });
    expect(first.hasMore).toBe(true);
    expect(second.hasMore).toBe(false);
    const ids = [...first.hits, ...second.hits].map((h) => h.paper.id);
    expect(ids).toEqual(['2502.10006', '2502.10005', '2502.10004', '2502.10003', '2502.10002', '2502.10001', '2502.10000']);
  });

  it('ranks only the newest matches when a query matches more than the window, title matches first, and says so', async () => {
    const many = Array.from({ length: 30 }, (_, i) =>
      makePaper({ id: `2503.2${String(i).padStart(4, '0')}`, title: i % 3 === 0 ? `Common word study ${i}` : `Study ${i}`, abstract: 'common words', upvotes: i }),
    );
    papers.upsertPage(many, []);
    const windowed = searchServiceOf(new SearchRepo(db, { window: 10 }), new PapersRepo(db));
    const result = await windowed.search('common', { limit: 50 });
    expect(result.approximate).toBe(true);
    expect(result.hits.map((h) => Number(h.paper.id.slice(-4)))).toEqual([27, 24, 21, 29, 28, 26, 25, 23, 22, 20]);
    expect((await searchServiceOf(new SearchRepo(db), new PapersRepo(db)).search('common', { limit: 50 })).hits).toHaveLength(30);
  });

  it('filters by upvotes and publication date', async () => {
    const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
    expect((await search.search('graph upvotes:>=50')).hits.map((h) => h.paper.upvotes)).toEqual([60, 50]);
    papers.upsertPage([makePaper({ id: '2504.00001', title: 'Graph old', publishedAt: '2020-01-01' })], []);
    const recent = (await search.search('graph since:2024-01-01')).hits.map((h) => h.paper.id);
    expect(recent.length).toBeGreaterThan(0);
    expect(recent).not.toContain('2504.00001');
    expect((await search.search('graph old')).hits.map((h) => h.paper.id)).toContain('2504.00001');
    const filtered = await search.search('graph upvotes:>=50');
    expect(filtered.total).toBe(2);
  });

  it('restricts to papers listed on the feed since a day, counting only those', async () => {
    papers.upsertPage([makePaper({ id: '2505.00001', title: 'Listed graph paper' })], [{ paperId: '2505.00001', feedDay: '2025-05-02', rank: 0, upvotes: 1 }]);
    papers.upsertPage([makePaper({ id: '2505.00002', title: 'Older listed graph paper' })], [{ paperId: '2505.00002', feedDay: '2025-04-01', rank: 0, upvotes: 1 }]);
    const result = await searchServiceOf(new SearchRepo(db), new PapersRepo(db)).search('graph', { listedSince: '2025-05-01' });
    expect(result.hits.map((h) => h.paper.id)).toEqual(['2505.00001']);
    expect(result.total).toBe(1);
  });
});
