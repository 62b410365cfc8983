import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Listing, Paper } from '../../src/core/types.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { openPg, type PgDb } from '../../src/db/pg/client.ts';
import { PgPapersStore } from '../../src/db/pg/papers-store.ts';
import { similarWords } from '../../src/db/pg/vocabulary.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';
import { makePaper } from '../helpers/papers.ts';

const listing = (paper: Paper, feedDay: string, rank: number): Listing => ({ paperId: paper.id, feedDay, rank, upvotes: paper.upvotes });

describe.each(BACKENDS)('the papers store on %s', (name) => {
  let backend: Backend;
  let papers: Async<PapersRepo>;

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-papers');
    papers = backend.name === 'sqlite' ? promised(new PapersRepo(backend.db)) : new PgPapersStore(backend.pg);
  });
  afterAll(() => backend?.close());

  const feedDayOf = async (id: string) => (await rawSql(backend, 'SELECT feed_day FROM papers WHERE id = ?', [id]))[0]?.feed_day;

  it('stores a page of papers with their listings and gives back the same papers', async () => {
    const a = makePaper({ id: '2501.10001', authors: ['Ada'], aiKeywords: ['graphs'], categories: ['cs.LG'], githubRepo: 'https://github.com/a/b', githubStars: 3 });
    const b = makePaper({ id: '2501.10002', publishedAt: null, aiSummary: 'A summary.', thumbnail: 'https://t/x.png', projectPage: 'https://p' });
    const result = await papers.upsertPage([a, b], [listing(a, '2025-01-15', 1), listing(b, '2025-01-15', 2)]);
    expect(result).toEqual({ changed: 2, added: ['2501.10001', '2501.10002'] });
    expect(await papers.get(a.id)).toEqual(a);
    expect(await papers.get(b.id)).toEqual(b);
    expect(await papers.get('2501.99999')).toBeUndefined();
    expect(await papers.count()).toBe(2);
    expect(await feedDayOf(a.id)).toBe('2025-01-15');
  });

  it('re-ingesting updates what moves, keeps what the feed stops sending, and never duplicates', async () => {
    const before = (await papers.get('2501.10001'))!;
    const again = { ...before, upvotes: 40, comments: 0, githubStars: 9, abstract: '', authors: [], aiKeywords: [], categories: [], githubRepo: null, aiSummary: 'Now summarised.' };
    expect(await papers.upsertPage([again], [listing(again, '2025-01-15', 1)])).toEqual({ changed: 1, added: [] });
    expect(await papers.get(before.id)).toEqual({ ...before, upvotes: 40, githubStars: 9, aiSummary: 'Now summarised.' });
    const fewerComments = { ...before, comments: 5 };
    await papers.upsertPage([fewerComments], []);
    await papers.upsertPage([{ ...fewerComments, comments: 2 }], []);
    expect((await papers.get(before.id))!.comments).toBe(5);
    expect(await papers.count()).toBe(2);
  });

  it('counts as changed only the papers whose stored row changed', async () => {
    const same = (await papers.get('2501.10002'))!;
    const fresh = makePaper({ id: '2501.10003' });
    const result = await papers.upsertPage([same, fresh, { ...same }], [listing(fresh, '2025-01-16', 1)]);
    expect(result).toEqual({ changed: 1, added: ['2501.10003'] });
    expect(await papers.upsertPage([same], [])).toEqual({ changed: 0, added: [] });
    expect(await papers.upsertPage([], [])).toEqual({ changed: 0, added: [] });
  });

  it('stores a paper given twice in one page once, the later copy upserted over the first', async () => {
    const first = makePaper({ id: '2501.10004', upvotes: 1, comments: 7 });
    const result = await papers.upsertPage([first, { ...first, upvotes: 2, comments: 3 }], [listing(first, '2025-01-16', 2), { ...listing(first, '2025-01-16', 5), upvotes: 2 }]);
    expect(result).toEqual({ changed: 2, added: ['2501.10004'] });
    expect(await papers.get(first.id)).toMatchObject({ upvotes: 2, comments: 7 });
    expect(await rawSql(backend, 'SELECT rank, upvotes FROM daily_listings WHERE paper_id = ?', [first.id])).toEqual([{ rank: 5, upvotes: 2 }]);
  });

  it('keeps a paper on its latest feed day, and a listing seen again takes its new rank', async () => {
    const p = makePaper({ id: '2501.10005', upvotes: 3 });
    await papers.upsertPage([p], [listing(p, '2025-01-17', 4), listing(p, '2025-01-14', 9)]);
    expect(await feedDayOf(p.id)).toBe('2025-01-17');
    await papers.upsertPage([], [listing(p, '2025-01-16', 1)]);
    expect(await feedDayOf(p.id)).toBe('2025-01-17');
    await papers.upsertPage([], [{ ...listing(p, '2025-01-17', 2), upvotes: 30 }]);
    expect(await rawSql(backend, 'SELECT feed_day, rank, upvotes FROM daily_listings WHERE paper_id = ? ORDER BY feed_day', [p.id])).toEqual([
      { feed_day: '2025-01-14', rank: 9, upvotes: 3 },
      { feed_day: '2025-01-16', rank: 1, upvotes: 3 },
      { feed_day: '2025-01-17', rank: 2, upvotes: 30 },
    ]);
  });

  it('refuses a page listing a paper never stored, storing nothing of it', async () => {
    const fresh = makePaper({ id: '2501.10006' });
    const ghost = makePaper({ id: '2501.19999' });
    await expect(papers.upsertPage([fresh], [listing(fresh, '2025-01-18', 1), listing(ghost, '2025-01-18', 2)])).rejects.toThrow();
    expect(await papers.get(fresh.id)).toBeUndefined();
    expect(await papers.feedDays({ from: '2025-01-18' })).toEqual([]);
  });

  it("lists a feed day's papers best first: upvotes, then feed rank", async () => {
    const day = '2025-02-01';
    const [low, high, tie] = [makePaper({ upvotes: 1 }), makePaper({ upvotes: 50 }), makePaper({ upvotes: 1 })];
    await papers.upsertPage([low, high, tie], [listing(low, day, 2), listing(high, day, 3), listing(tie, day, 1)]);
    const listed = await papers.listedOn(day);
    expect(listed.map((p) => [p.id, p.rank])).toEqual([
      [high.id, 3],
      [tie.id, 1],
      [low.id, 2],
    ]);
    expect(listed[0]).toEqual({ ...high, rank: 3 });
    expect(await papers.listedOn('2025-02-02')).toEqual([]);
  });

  it('answers the feed days that have listings, newest first, within a range and up to a limit', async () => {
    expect(await papers.feedDays()).toEqual(['2025-02-01', '2025-01-17', '2025-01-16', '2025-01-15', '2025-01-14']);
    expect(await papers.feedDays({ from: '2025-01-15', to: '2025-01-17' })).toEqual(['2025-01-17', '2025-01-16', '2025-01-15']);
    expect(await papers.feedDays({ limit: 2 })).toEqual(['2025-02-01', '2025-01-17']);
    expect(await papers.feedDays({ limit: 0 })).toEqual([]);
    expect(await papers.latestFeedDay()).toBe('2025-02-01');
    expect(await papers.latestFeedDay('2025-01-31')).toBe('2025-01-17');
    expect(await papers.latestFeedDay('2025-01-01')).toBeUndefined();
  });

  it('enriches stored papers: categories replaced, a published date only where none was known', async () => {
    const dated = makePaper({ id: '2501.10010', publishedAt: '2025-01-10', categories: ['cs.CL'] });
    const undated = makePaper({ id: '2501.10011', publishedAt: null });
    await papers.upsertPage([dated, undated], []);
    await papers.enrich([
      { id: dated.id, categories: ['cs.LG', 'cs.AI'], publishedAt: '2025-01-09' },
      { id: undated.id, categories: [], publishedAt: null },
      { id: undated.id, categories: ['stat.ML'], publishedAt: '2025-01-08' },
      { id: undated.id, categories: ['cs.CV'], publishedAt: '2025-01-07' },
      { id: '2501.18888', categories: ['cs.RO'], publishedAt: '2025-01-07' },
    ]);
    await papers.enrich([]);
    expect(await papers.get(dated.id)).toMatchObject({ categories: ['cs.LG', 'cs.AI'], publishedAt: '2025-01-10' });
    expect(await papers.get(undated.id)).toMatchObject({ categories: ['cs.CV'], publishedAt: '2025-01-08' });
    expect(await papers.get('2501.18888')).toBeUndefined();
  });

  it('remembers which feed days were ingested to the end, with their latest counts', async () => {
    await papers.markDayIngested('2025-01-15', { pages: 1, items: 3, skipped: 0 });
    await papers.markDayIngested('2025-01-15', { pages: 2, items: 4, skipped: 1 });
    await papers.markDayIngested('2025-01-16', { pages: 1, items: 1, skipped: 0 });
    expect(await papers.ingestedAmong(['2025-01-14', '2025-01-15', '2025-01-16'])).toEqual(new Set(['2025-01-15', '2025-01-16']));
    expect(await papers.ingestedAmong([])).toEqual(new Set());
    expect(await rawSql(backend, 'SELECT pages, items, skipped FROM ingested_days WHERE feed_day = ?', ['2025-01-15'])).toEqual([{ pages: 2, items: 4, skipped: 1 }]);
  });

  it('brings the search index up to date on request (PostgreSQL keeps its vector current: nothing to index)', async () => {
    await papers.upsertPage([makePaper()], [], { deferIndex: true });
    const indexed = await papers.indexPending();
    expect(indexed).toBe(backend.name === 'sqlite' ? 1 : 0);
    expect(await papers.indexPending()).toBe(0);
  });

  it('reads the text of many stored papers at once, leaving out ids it does not have', async () => {
    const c = makePaper({ id: '2501.10003', title: 'Texts read together', aiKeywords: ['batch'] });
    await papers.upsertPage([c], []);
    const texts = await papers.textsOf([c.id, '2501.99998']);
    expect([...texts.keys()]).toEqual([c.id]);
    expect(texts.get(c.id)).toEqual({ id: c.id, title: c.title, abstract: c.abstract, aiKeywords: ['batch'] });
    expect((await papers.textsOf([])).size).toBe(0);
  });

  it('answers the latest feed day that listed a paper, and null for a paper never listed or not stored', async () => {
    const unlisted = makePaper({ id: '2501.19009' });
    await papers.upsertPage([unlisted], []);
    expect(await papers.feedDayOf('2501.10001')).toBe('2025-01-15');
    expect(await papers.feedDayOf(unlisted.id)).toBeNull();
    expect(await papers.feedDayOf('2501.99999')).toBeNull();
  });
});

describe('the papers store on postgres, across processes', () => {
  let backend: Extract<Backend, { name: 'postgres' }>;
  let second: PgDb;

  beforeAll(async () => {
    backend = (await openBackend('postgres', 'stores-papers-pg')) as typeof backend;
    second = await openPg(backend.pg.url, { poolSize: 2 });
  });
  afterAll(async () => {
    await second?.close();
    await backend?.close();
  });

  const words = async (word: string) => (await similarWords(backend.pg.pool, word)).map((w) => w.word);

  it('refreshes the spelling vocabulary after a page that brings titles, or on indexPending when deferred', async () => {
    const papers = new PgPapersStore(backend.pg);
    await papers.upsertPage([makePaper({ title: 'Zyxwvut networks' })], [], { deferIndex: true });
    expect(await words('zyxwvut')).toEqual([]);
    expect(await papers.indexPending()).toBe(0);
    expect(await words('zyxwvut')).toEqual(['zyxwvut']);
    const renamed = makePaper({ title: 'Qponmlk graphs' });
    await papers.upsertPage([renamed], []);
    expect(await words('qponmlk')).toEqual(['qponmlk']);
    await papers.upsertPage([{ ...renamed, title: 'Jihgfed graphs' }], []);
    expect(await words('jihgfed')).toEqual(['jihgfed']);
    expect(await words('qponmlk')).toEqual([]);
  });

  it('answers indexPending only once a refresh already under way has finished', async () => {
    const papers = new PgPapersStore(backend.pg);
    await papers.upsertPage([makePaper({ title: 'Onmlkji optics' })], [], { deferIndex: true });
    const [, seen] = await Promise.all([papers.indexPending(), papers.indexPending().then(() => words('onmlkji'))]);
    expect(seen).toEqual(['onmlkji']);
  });

  it('leaves the vocabulary alone after a page that changes no title (a refresh reads every title)', async () => {
    const papers = new PgPapersStore(backend.pg);
    const paper = makePaper({ title: 'Steady title' });
    await papers.upsertPage([paper], []);
    await rawSql(backend, "UPDATE papers SET title = 'Vutsrqp outside' WHERE id = ?", [paper.id]);
    await papers.upsertPage([{ ...paper, title: 'Vutsrqp outside', upvotes: 99 }], []);
    expect(await words('vutsrqp')).toEqual([]);
  });

  it('keeps the search vector of a re-ingested paper in step with its text', async () => {
    const papers = new PgPapersStore(backend.pg);
    const paper = makePaper({ abstract: 'About tokamaks.' });
    await papers.upsertPage([paper], []);
    const matches = async (word: string) =>
      (await rawSql(backend, "SELECT search @@ to_tsquery('papers_english', ?) AS hit FROM papers WHERE id = ?", [word, paper.id]))[0]!.hit;
    await papers.upsertPage([{ ...paper, upvotes: 70, abstract: '' }], []);
    expect(await matches('tokamak')).toBe(true);
    await papers.upsertPage([{ ...paper, abstract: 'About stellarators.' }], []);
    expect([await matches('tokamak'), await matches('stellarator')]).toEqual([false, true]);
  });

  it('stores overlapping pages from two processes at once without deadlock, each new paper added once', async () => {
    const [one, two] = [new PgPapersStore(backend.pg), new PgPapersStore(second)];
    const stored = Array.from({ length: 12 }, (_, i) => makePaper({ id: `2502.${String(20000 + i)}` }));
    await one.upsertPage(stored, []);
    for (let round = 0; round < 8; round++) {
      const day = `2025-03-${String(round + 1).padStart(2, '0')}`;
      const fresh = Array.from({ length: 6 }, (_, i) => makePaper({ id: `2503.${round}${String(i).padStart(4, '0')}` }));
      const all = [...stored, ...fresh].map((p) => ({ ...p, upvotes: p.upvotes + round + 1 }));
      const listings = all.map((p, rank) => listing(p, day, rank + 1));
      // Each page carries the other half of the stored papers, yet lists them all: the listings' triggers lock rows the page did not write.
      const pageA = [...all.slice(0, 6), ...fresh].map((p) => ({ ...p }));
      const pageB = [...all.slice(6), ...fresh].reverse();
      const [a, b] = await Promise.all([one.upsertPage(pageA, listings, { deferIndex: true }), two.upsertPage(pageB, [...listings].reverse(), { deferIndex: true })]);
      expect([...a.added, ...b.added].sort()).toEqual(fresh.map((p) => p.id).sort());
      for (const p of all) expect(await rawSql(backend, 'SELECT feed_day FROM papers WHERE id = ?', [p.id])).toEqual([{ feed_day: day }]);
    }
  });
});
