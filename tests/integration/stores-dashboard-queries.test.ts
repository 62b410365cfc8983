import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Paper } from '../../src/core/types.ts';
import { DashboardQueries } from '../../src/db/dashboard-queries.ts';
import { PgDashboardQueries } from '../../src/db/pg/dashboard-queries.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';
import { makePaper } from '../helpers/papers.ts';

const DAY = '2025-03-10';
const ids = { a: '2503.00001', b: '2503.00002', c: '2503.00003', d: '2503.00004' };
const papers: Record<keyof typeof ids, Paper> = {
  a: makePaper({ id: ids.a, upvotes: 5, authors: ['Ada'], aiKeywords: ['x'], categories: ['cs.LG'], githubRepo: 'https://github.com/o/r', githubStars: 3 }),
  b: makePaper({ id: ids.b, upvotes: 20 }),
  c: makePaper({ id: ids.c, upvotes: 5 }),
  d: makePaper({ id: ids.d, upvotes: 1 }),
};

async function insertPaper(backend: Backend, p: Paper): Promise<void> {
  await rawSql(
    backend,
    `INSERT INTO papers (id, title, abstract, authors, published_at, upvotes, comments, ai_summary, ai_keywords, github_repo, github_stars, project_page, thumbnail, categories)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.id, p.title, p.abstract, JSON.stringify(p.authors), p.publishedAt, p.upvotes, p.comments, p.aiSummary, JSON.stringify(p.aiKeywords), p.githubRepo, p.githubStars, p.projectPage, p.thumbnail, JSON.stringify(p.categories)],
  );
}

const listing = (backend: Backend, day: string, paperId: string, rank: number, upvotes: number) =>
  rawSql(backend, 'INSERT INTO daily_listings (feed_day, paper_id, rank, upvotes) VALUES (?, ?, ?, ?)', [day, paperId, rank, upvotes]);

async function channel(backend: Backend, channelId: string, kind = 'channel'): Promise<number> {
  await rawSql(backend, "INSERT INTO channels (platform, workspace_id, channel_id, kind) VALUES ('slack', 'T1', ?, ?)", [channelId, kind]);
  return Number((await rawSql(backend, 'SELECT id FROM channels WHERE channel_id = ?', [channelId]))[0]!.id);
}

const delivery = (backend: Backend, id: string, channelId: number, day: string, status: string, createdAt: string) =>
  rawSql(backend, 'INSERT INTO deliveries (id, channel_id, feed_day, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)', [id, channelId, day, status, createdAt, createdAt]);

const delivered = (backend: Backend, channelId: number, paperId: string, deliveryId: string, topic: string | null = null) =>
  rawSql(backend, 'INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, topic) VALUES (?, ?, ?, ?)', [channelId, paperId, deliveryId, topic]);

describe.each(BACKENDS)('the dashboard queries on %s', (name) => {
  let backend: Backend;
  let queries: Async<DashboardQueries>;
  const ch: Record<string, number> = {};

  beforeAll(async () => {
    backend = await openBackend(name, `stores-dashboard-${name}`);
    queries = backend.name === 'sqlite' ? promised(new DashboardQueries(backend.db)) : new PgDashboardQueries(backend.pg);
    for (const p of Object.values(papers)) await insertPaper(backend, p);
    await listing(backend, DAY, ids.a, 3, 4);
    await listing(backend, DAY, ids.b, 4, 18);
    await listing(backend, DAY, ids.c, 1, 5);
    await listing(backend, DAY, ids.d, 2, 1);
    await listing(backend, '2025-03-08', ids.a, 1, 2);
    await listing(backend, '2025-03-12', ids.a, 1, 9);

    for (const c of ['C1', 'C2', 'C3', 'C4']) ch[c] = await channel(backend, c);
    ch.person = await channel(backend, 'U1', 'person');
    await rawSql(backend, 'UPDATE channels SET paused = true WHERE id IN (?, ?)', [ch.C2, ch.person]);
    await rawSql(backend, "UPDATE channels SET paused = true, health = 'failing', health_reason = 'channel_not_found' WHERE id = ?", [ch.C3]);
    for (const [c, q] of [['C2', 'agents'], ['C1', 'diffusion'], ['C2', 'rl'], ['person', 'mine']] as const) {
      await rawSql(backend, 'INSERT INTO subscriptions (channel_id, query) VALUES (?, ?)', [ch[c], q]);
    }

    await delivery(backend, 'c1-08', ch.C1!, '2025-03-08', 'sent', '2025-03-08T09:00:00.000Z');
    await delivery(backend, 'c1-10-failed', ch.C1!, DAY, 'failed', '2025-03-10T09:00:00.000Z');
    await delivery(backend, 'c1-10', ch.C1!, DAY, 'sent', '2025-03-10T10:00:00.000Z');
    await delivery(backend, 'c2-10', ch.C2!, DAY, 'pending', '2025-03-10T09:00:00.000Z');
    await delivery(backend, 'p-10', ch.person!, DAY, 'sent', '2025-03-10T09:00:00.000Z');
    await delivery(backend, 'c2-12', ch.C2!, '2025-03-12', 'skipped', '2025-03-12T09:00:00.000Z');
    await delivered(backend, ch.C1!, ids.a, 'c1-08', 'diffusion');
    await delivered(backend, ch.C1!, ids.b, 'c1-10');
    await delivered(backend, ch.C1!, ids.c, 'c1-10');
    await delivered(backend, ch.C2!, ids.a, 'c2-10');
    await delivered(backend, ch.person!, ids.a, 'p-10');
  });
  afterAll(() => backend.close());

  it('pages the papers of a feed day best first (upvotes, then feed rank), with the rank and how many the day lists', async () => {
    const first = await queries.feedDayPage(DAY, { limit: 3, offset: 0 });
    expect(first.total).toBe(4);
    expect(first.papers).toEqual([
      { ...papers.b, rank: 4 },
      { ...papers.c, rank: 1 },
      { ...papers.a, rank: 3 },
    ]);
    expect((await queries.feedDayPage(DAY, { limit: 3, offset: 3 })).papers.map((p) => p.id)).toEqual([ids.d]);
    expect(await queries.feedDayPage(DAY, { limit: 3, offset: 9 })).toEqual({ papers: [], total: 4 });
    expect(await queries.feedDayPage('2025-01-01', { limit: 3, offset: 0 })).toEqual({ papers: [], total: 0 });
  });

  it('counts papers listed and their upvotes as listed per feed day in a range, leaving out days without listings', async () => {
    expect(await queries.dayStatsBetween('2025-03-08', '2025-03-11')).toEqual([
      { day: '2025-03-08', papers: 1, upvotes: 2 },
      { day: DAY, papers: 4, upvotes: 28 },
    ]);
    expect(await queries.dayStatsBetween('2025-04-01', '2025-04-30')).toEqual([]);
  });

  it('counts deliveries per feed day by status, every status present', async () => {
    const zero = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    expect(await queries.deliveriesPerDay('2025-03-09', '2025-03-12')).toEqual([
      { day: DAY, counts: { ...zero, sent: 2, failed: 1, pending: 1 } },
      { day: '2025-03-12', counts: { ...zero, skipped: 1 } },
    ]);
    expect(await queries.deliveriesPerDay('2025-04-01', '2025-04-30')).toEqual([]);
  });

  it("counts and pages chat channels (never a person's alerts row), all of them, the failing or the paused", async () => {
    expect(await queries.channelTotal()).toBe(4);
    expect(await queries.channelTotal('all')).toBe(4);
    expect(await queries.channelTotal('failing')).toBe(1);
    expect(await queries.channelTotal('paused')).toBe(2);
    expect(await queries.channelIdPage({ limit: 3, offset: 0 })).toEqual([ch.C1, ch.C2, ch.C3]);
    expect(await queries.channelIdPage({ limit: 3, offset: 3 })).toEqual([ch.C4]);
    expect(await queries.channelIdPage({ limit: 10, offset: 0 }, 'paused')).toEqual([ch.C2, ch.C3]);
    expect(await queries.channelIdPage({ limit: 10, offset: 0 }, 'failing')).toEqual([ch.C3]);
  });

  it('gives the topic queries of the channels asked about, oldest first, an empty list for a channel without', async () => {
    expect(await queries.topicsFor([ch.C2!, ch.C1!, ch.C4!])).toEqual(
      new Map([
        [ch.C2, ['agents', 'rl']],
        [ch.C1, ['diffusion']],
        [ch.C4, []],
      ]),
    );
    expect(await queries.topicsFor([])).toEqual(new Map());
  });

  it("gives each channel's newest deliveries, newest feed day first and the later round first within a day", async () => {
    const recent = await queries.recentDeliveriesFor([ch.C1!, ch.C2!, ch.C4!], 2);
    expect([...recent.keys()]).toEqual([ch.C1, ch.C2, ch.C4]);
    expect(recent.get(ch.C1!)).toEqual([
      { id: 'c1-10', feedDay: DAY, status: 'sent', updatedAt: '2025-03-10T10:00:00.000Z' },
      { id: 'c1-10-failed', feedDay: DAY, status: 'failed', updatedAt: '2025-03-10T09:00:00.000Z' },
    ]);
    expect(recent.get(ch.C2!)!.map((d) => d.id)).toEqual(['c2-12', 'c2-10']);
    expect(recent.get(ch.C4!)).toEqual([]);
    expect((await queries.recentDeliveriesFor([ch.C1!], 1)).get(ch.C1!)!.map((d) => d.id)).toEqual(['c1-10']);
  });

  it('answers where a paper went in chat channels, newest feed day first, with each digest and its status', async () => {
    expect(await queries.postingsOf(ids.a)).toEqual([
      { channelRowId: ch.C2, platform: 'slack', workspaceId: 'T1', channelId: 'C2', deliveryId: 'c2-10', feedDay: DAY, status: 'pending', topic: null, updatedAt: '2025-03-10T09:00:00.000Z' },
      { channelRowId: ch.C1, platform: 'slack', workspaceId: 'T1', channelId: 'C1', deliveryId: 'c1-08', feedDay: '2025-03-08', status: 'sent', topic: 'diffusion', updatedAt: '2025-03-08T09:00:00.000Z' },
    ]);
    expect((await queries.postingsOf(ids.a, 1)).map((p) => p.deliveryId)).toEqual(['c2-10']);
    expect(await queries.postingsOf(ids.d)).toEqual([]);
  });

  it('counts the papers each delivery holds, leaving out deliveries that hold none', async () => {
    expect(await queries.papersHeldBy(['c1-10', 'c1-08', 'c1-10-failed', 'nope'])).toEqual(
      new Map([
        ['c1-10', 2],
        ['c1-08', 1],
      ]),
    );
    expect(await queries.papersHeldBy([])).toEqual(new Map());
  });
});
