import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { UsageError } from '../../src/errors.ts';
import { searchWeek, WEEK_NOW } from '../fixtures/search-week.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { recordedDay, writtenWeek } from '../helpers/search-days.ts';

// [query, the ids in order (the whole result), why]
const WEEK: [string, string[], string][] = [
  ['video generation', ['2506.01001', '2506.01002'], '151 upvotes above 15 with a slightly better bm25 (shorter title)'],
  ['contrastive', ['2506.01003', '2506.01004'], 'a title match with 20 upvotes above an abstract-only one with 200'],
  ['hallucination', ['2506.01018', '2506.01017'], 'a title match above an abstract-only one with three times the upvotes'],
  ['speculative decoding', ['2506.01005', '2505.01006'], 'listed today with 30 upvotes above a month on the feed with 45'],
  ['knowledge distillation', ['2506.01007', '1906.01008'], 'the same text and upvotes: the more recent paper first'],
  ['reinforcement learning', ['2506.01011', '2506.01012'], 'two title matches: 120 upvotes above 25'],
  ['segmentation', ['2506.01013', '2506.01014'], 'two title matches: 64 upvotes above 9'],
  ['diffusion sort:new', ['2506.01036', '2506.01040', '2506.01001', '2506.01002'], 'sort:new: the latest feed day first, then relevance'],
  ['diffusion sort:top', ['2506.01001', '2506.01036', '2506.01040', '2506.01002'], 'sort:top: the most upvoted first'],
  ['decoding sort:top', ['2505.01006', '2506.01005'], 'sort:top: raw upvotes, however fresh'],
  ['decoding sort:new', ['2506.01005', '2505.01006'], 'sort:new'],
  ['decoding sort:relevance', ['2506.01005', '2505.01006'], 'sort:relevance is the default'],
  ['diffusion has:code', ['2506.01001', '2506.01036', '2506.01040'], 'has:code: only papers with a GitHub repository'],
  ['diffusion stars:>=100', ['2506.01001'], 'stars:>=N'],
  ['diffusion stars:<100', ['2506.01036', '2506.01040'], 'stars:<N: a paper without a repository has no stars to compare'],
  ['language has:code sort:top', ['2506.01011', '2506.01015'], 'operators together'],
  ['models stars:<1000', ['2506.01017', '2505.01006'], 'stars:<N over an abstract word'],
  ['generation -video', ['2506.01024', '2506.01017', '2506.01029', '2506.01036'], 'exclusions keep the blend: title matches by upvotes, then the abstract-only one'],
];

const RECORDED: [string, string[], string][] = [
  ['diffusion', ['2112.10752', '2006.11239'], 'latent diffusion (127 upvotes) above DDPM (27)'],
  ['retrieval', ['2005.11401'], 'one match'],
  ['attention sort:new', ['2312.00752', '2112.10752', '2010.11929', '1706.03762'], 'one feed day: the latest published first'],
];

describe('blended ranking and operators on a written week', () => {
  const week = writtenWeek();
  afterAll(week.cleanup);

  it.each(WEEK)('ranks "%s" as %j (%s)', async (query, expected) => {
    expect((await week.ids(query))).toEqual(expected);
  });

  it('reorders what plain bm25 ranks the other way (the premise of the cases above)', () => {
    expect(week.bm25Ids(['video', 'generation'])).toEqual(['2506.01002', '2506.01001']);
  });

  it('gives every hit the feed day that listed it', async () => {
    const { listings } = searchWeek();
    const dayOf = new Map(listings.map((l) => [l.paperId, l.feedDay]));
    const hits = (await week.search.search('diffusion')).hits;
    expect(hits.length).toBeGreaterThan(2);
    for (const hit of hits) expect(hit.feedDay).toBe(dayOf.get(hit.paper.id));
    expect((await week.search.search('2506.01009')).hits[0]!.feedDay).toBe('2025-06-05');
  });

  it('refuses a malformed operator with its usage', async () => {
    for (const [text, message] of [
      ['diffusion has:data', /has:code/],
      ['diffusion has:', /has: needs a value/],
      ['diffusion sort:old', /sort:new .* or sort:top/],
      ['diffusion stars:lots', /stars:>=N/],
      ['diffusion stars:', /needs a number of stars/],
      ['diffusion spell:maybe', /spell:off/],
    ] as const) {
      const error = await week.search.search(text).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, text).toBeInstanceOf(UsageError);
      expect(`${(error as UsageError).message} ${(error as UsageError).usage}`, text).toMatch(message);
    }
  });
});

describe('blended ranking on the recorded feed day', () => {
  const day = recordedDay();
  afterAll(day.cleanup);

  it.each(RECORDED)('ranks "%s" as %j (%s)', async (query, expected) => {
    expect((await day.ids(query))).toEqual(expected);
  });

  it('keeps the papers whose repository has at least that many stars with stars:>=N', async () => {
    const hits = (await day.search.search('models stars:>=10000', { limit: 20 })).hits;
    expect(hits.map((h) => h.paper.id).sort()).toEqual(['2103.00020', '2106.09685', '2112.10752', '2304.02643', '2305.14314', '2312.00752', '2501.12948']);
    expect(hits.every((h) => h.paper.githubStars! >= 10_000)).toBe(true);
  });

  it('sorts by upvotes with sort:top and keeps only papers with code with has:code', async () => {
    const top = (await day.search.search('models sort:top', { limit: 20 })).hits.map((h) => h.paper.upvotes);
    expect(top.length).toBeGreaterThan(5);
    expect(top).toEqual([...top].sort((a, b) => b - a));
    const code = (await day.search.search('models has:code', { limit: 20 })).hits;
    expect(code.length).toBeGreaterThan(3);
    expect(code.every((h) => h.paper.githubRepo !== null)).toBe(true);
    expect((await day.search.search('models', { limit: 20 })).hits.some((h) => h.paper.githubRepo === null)).toBe(true);
  });

  it('shows each hit listed on the recorded day', async () => {
    expect((await day.search.search('diffusion')).hits.map((h) => h.feedDay)).toEqual(['2025-03-17', '2025-03-17']);
  });
});

describe('the feed day a paper carries', () => {
  const { db, cleanup } = createTestDb('feed-day');
  afterAll(cleanup);
  const papers = new PapersRepo(db);
  const search = searchServiceOf(new SearchRepo(db), papers, { now: () => WEEK_NOW });

  it('is the latest day that listed it, and moves back when that listing goes', async () => {
    papers.upsertPage(
      [makePaper({ id: '2506.09001', title: 'Sparse autoencoders' }), makePaper({ id: '2506.09002', title: 'Sparse autoencoders again' })],
      [
        { paperId: '2506.09001', feedDay: '2025-06-02', rank: 0, upvotes: 10 },
        { paperId: '2506.09002', feedDay: '2025-06-03', rank: 0, upvotes: 10 },
      ],
    );
    papers.upsertPage([], [{ paperId: '2506.09001', feedDay: '2025-06-05', rank: 3, upvotes: 12 }]);
    papers.upsertPage([], [{ paperId: '2506.09001', feedDay: '2025-06-01', rank: 3, upvotes: 12 }]);
    const hits = (await search.search('sparse sort:new')).hits;
    expect(hits.map((h) => [h.paper.id, h.feedDay])).toEqual([
      ['2506.09001', '2025-06-05'],
      ['2506.09002', '2025-06-03'],
    ]);
    db.sqlite.prepare("DELETE FROM daily_listings WHERE paper_id = '2506.09001' AND feed_day = '2025-06-05'").run();
    expect((await search.search('sparse sort:new')).hits.map((h) => [h.paper.id, h.feedDay])).toEqual([
      ['2506.09002', '2025-06-03'],
      ['2506.09001', '2025-06-02'],
    ]);
  });

  it('is null for a paper no feed day listed', async () => {
    papers.upsertPage([makePaper({ id: '2506.09003', title: 'Unlisted sparse coding' })], []);
    expect((await search.search('unlisted')).hits.map((h) => h.feedDay)).toEqual([null]);
  });
});

describe('paging through more matches than the blend reorders', () => {
  const { db, cleanup } = createTestDb('rerank-depth');
  afterAll(cleanup);
  const papers = new PapersRepo(db);
  // 260 papers on "sparse" (more than RERANK_DEPTH, 100), titles of varied length so bm25 differs, upvotes varied.
  papers.upsertPage(
    Array.from({ length: 260 }, (_, i) =>
      makePaper({ id: `2507.${String(i).padStart(5, '0')}`, title: `Sparse ${'model '.repeat(i % 7)}study ${i}`, abstract: i % 3 === 0 ? 'Sparse sparse coding.' : 'Coding.', upvotes: (i * 37) % 101, githubRepo: i % 2 === 0 ? `o/r${i}` : null }),
    ),
    [],
  );
  const search = searchServiceOf(new SearchRepo(db), papers, { now: () => WEEK_NOW });

  for (const query of ['sparse', 'sparse has:code', 'sparse upvotes:>=30']) {
    it(`pages "${query}" without repeating or losing a paper, across the reordered head and the rest`, async () => {
      const all = (await search.search(query, { limit: 100 })).hits.length;
      const seen: string[] = [];
      for (let offset = 0; ; offset += 30) {
        const page = await search.search(query, { limit: 30, offset });
        seen.push(...page.hits.map((h) => h.paper.id));
        if (!page.hasMore) break;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe((await search.search(query, { limit: 100 })).total);
      expect(all).toBe(Math.min(100, seen.length));
      const first = (await search.search(query, { limit: 30 })).hits.map((h) => h.paper.id);
      expect(seen.slice(0, 30)).toEqual(first);
    });
  }
});
