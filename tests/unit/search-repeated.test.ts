import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import type { SearchService} from '../../src/search/search-service.ts';
import { type SearchOptions } from '../../src/search/search-service.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const { db, cleanup } = createTestDb('search-repeated');
afterAll(cleanup);
const papers = new PapersRepo(db);
const now = () => new Date('2025-02-01T00:00:00Z');
const fresh = (options: { window?: number } = {}) => searchServiceOf(new SearchRepo(db, options), papers, { now });
const seen = async (service: SearchService, text: string, options: SearchOptions = {}) => {
  const r = await service.search(text, options);
  return { total: r.total, approximate: r.approximate, hasMore: r.hasMore, hits: r.hits.map((h) => [h.paper.id, h.snippet, h.feedDay, h.rank]) };
};

describe('a search run again', () => {
  it('ranks, counts and pages as it did the first time, and as a new service does', async () => {
    papers.upsertPage(
      Array.from({ length: 15 }, (_, i) =>
        makePaper({ id: `2502.3${String(i).padStart(4, '0')}`, title: i % 4 === 0 ? 'Lattice models' : `Study ${i}`, abstract: `On lattice ${'words '.repeat(i)}here.`, upvotes: (i * 37) % 50 }),
      ),
      [],
    );
    const service = fresh();
    const pages = [0, 5, 10, 15, 40].map((offset) => ({ offset, limit: 5 }));
    const first = await Promise.all(pages.map((p) => seen(service, 'lattice', p)));
    const again = await Promise.all(pages.map((p) => seen(service, 'lattice', p)));
    expect(again).toEqual(first);
    expect(await Promise.all(pages.map((p) => seen(fresh(), 'lattice', p)))).toEqual(first);
    expect(first.map((p) => p.total)).toEqual([15, 15, 15, 15, 15]);
    expect(first.flatMap((p) => p.hits.map((h) => h[0])).sort()).toHaveLength(15);
  });

  it('is ranked by the window plan once the query matches more papers than the exact limit', async () => {
    const service = fresh({ window: 5 });
    papers.upsertPage([1, 2, 3].map((i) => makePaper({ id: `2502.4000${i}`, title: `Sparrow flight ${i}` })), []);
    expect((await seen(service, 'sparrow'))).toMatchObject({ total: 3, approximate: false });
    papers.upsertPage([4, 5, 6, 7, 8, 9].map((i) => makePaper({ id: `2502.4000${i}`, title: `Sparrow song ${i}` })), []);
    const later = (await seen(service, 'sparrow'));
    expect(later).toMatchObject({ total: 5, approximate: true });
    expect(later).toEqual((await seen(fresh({ window: 5 }), 'sparrow')));
  });
});
