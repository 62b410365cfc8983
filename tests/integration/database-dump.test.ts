import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/config.ts';
import { createTokenCipher } from '../../src/core/token-cipher.ts';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { openDb, type Db } from '../../src/db/client.ts';
import { DeliveriesRepo } from '../../src/db/deliveries-repo.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { exportDatabase, importDatabase } from '../../src/db/dump/database-dump.ts';
import { exportDatabaseTo, importDatabaseFrom } from '../../src/db/dump/dump-file.ts';
import { DERIVED_ROWS, DUMP_TABLES } from '../../src/db/dump/dump-tables.ts';
import { InstallationsRepo } from '../../src/db/installations-repo.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { openPg, type PgDb } from '../../src/db/pg/client.ts';
import { createPgStores } from '../../src/db/pg/pg-stores.ts';
import { SavedPapersRepo } from '../../src/db/saved-papers-repo.ts';
import { promised, type Stores } from '../../src/db/stores.ts';
import { VotesRepo } from '../../src/db/votes-repo.ts';
import { createTestDb, testDbPath } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { createEmptyTestPg } from '../helpers/pg-database.ts';

const cipher = createTokenCipher(randomBytes(32));
const T = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' } as const;
const READER = { platform: 'slack', workspaceId: 'T1', userId: 'U1' } as const;
const papers = [makePaper({ title: 'Diffusion transformers at scale' }), makePaper({ title: 'Sparse attention for long context' }), makePaper()];

type Picked = Pick<Stores, 'papers' | 'channels' | 'deliveries' | 'votes' | 'saved'> & { installations: NonNullable<Stores['installations']> };

function sqliteStores(db: Db): Picked {
  return {
    papers: promised(new PapersRepo(db)),
    channels: promised(new ChannelsRepo(db)),
    deliveries: promised(new DeliveriesRepo(db)),
    votes: promised(new VotesRepo(db)),
    saved: promised(new SavedPapersRepo(db)),
    installations: promised(new InstallationsRepo(db, cipher)),
  };
}

function pgStores(pg: PgDb): Picked {
  const stores = createPgStores(pg, { cipher });
  return { ...stores, installations: stores.installations! };
}

/** Everything the bot reads back, through the stores: what a copy must keep. */
async function answers(s: Picked) {
  const channels = await s.channels.list();
  return {
    papers: await Promise.all(papers.map((p) => s.papers.get(p.id))),
    listed: await s.papers.listedOn('2025-03-17'),
    channels,
    topics: await Promise.all(channels.map((c) => s.channels.topics(c.id))),
    deliveries: await Promise.all(channels.map((c) => s.deliveries.forChannel(c.id))),
    delivered: await Promise.all(channels.map((c) => s.deliveries.deliveredAmong(c.id, papers.map((p) => p.id)))),
    votes: await s.votes.forChannel(T),
    counts: await s.votes.counts(T, papers[0]!.id),
    saved: await s.saved.list(READER, { limit: 10 }),
    installation: await s.installations.find('slack', 'T1'),
    linked: await s.installations.forWorkspace('slack', 'T9'),
  };
}

/** A database in use: papers listed on a day, two channels (one paused) with topics, a sent digest, votes, a saved paper, an install. */
function seed(db: Db): void {
  new PapersRepo(db).upsertPage(papers, papers.map((p, i) => ({ paperId: p.id, feedDay: '2025-03-17', rank: i + 1, upvotes: 10 - i })));
  const channels = new ChannelsRepo(db);
  const schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'Europe/Paris' } as const;
  const one = channels.enrol(T, schedule, 'U1').channel;
  const two = channels.enrol({ ...T, channelId: 'C2' }, { ...schedule, cadence: 'weekly', weekday: 3 }).channel;
  channels.addTopic(one.id, 'diffusion');
  channels.addTopic(one.id, 'author:"Ada Lovelace"');
  channels.markFailing(two.id, 'channel_not_found');
  const deliveries = new DeliveriesRepo(db);
  const { delivery } = deliveries.createDigest({ channelId: one.id, feedDay: '2025-03-17', picks: [{ paperId: papers[0]!.id, topic: 'diffusion' }, { paperId: papers[1]!.id }], view: { feedDay: '2025-03-17', papers: [] }, status: 'pending' });
  deliveries.markSent(delivery.id, ['1700000000.000100']);
  const votes = new VotesRepo(db);
  votes.cast(T, papers[0]!.id, 'U1', 1);
  votes.cast(T, papers[0]!.id, 'U2', -1, 'reaction');
  new SavedPapersRepo(db).save(READER, papers[1]!.id);
  const installations = new InstallationsRepo(db, cipher);
  installations.save({ platform: 'slack', installId: 'T1', workspaceId: 'T1', isEnterpriseInstall: false, botUserId: 'UB1', data: JSON.stringify({ bot: { token: 'xoxb-secret' } }) });
  installations.save({ platform: 'slack', installId: 'E1', enterpriseId: 'E1', isEnterpriseInstall: true, data: JSON.stringify({ bot: { token: 'xoxb-org' } }) });
  installations.linkWorkspace('slack', 'T9', 'E1');
  db.sqlite.prepare("INSERT INTO derived_state (name, version) VALUES ('acronyms', 2)").run();
}

/** Rows per table that a dump carries (not PostgreSQL's votes counter, which its trigger keeps). */
async function countRows(query: (sql: string) => Promise<number>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of DUMP_TABLES) {
    const derived = DERIVED_ROWS[table.name];
    counts[table.name] = await query(`SELECT count(*) AS n FROM "${table.name}"${derived ? ` WHERE ${derived.column} <> '${derived.value}'` : ''}`);
  }
  return counts;
}
const sqliteCounts = (db: Db) => countRows(async (sql) => db.sqlite.prepare(sql).pluck().get() as number);
const pgCounts = (pg: PgDb) => countRows(async (sql) => (await pg.pool.query<{ n: number }>(sql)).rows[0]!.n);

const exportTo = (database: DatabaseConfig, path: string) => exportDatabaseTo(database, { path, stdout: new PassThrough() });
const importFrom = importDatabaseFrom;

describe('moving a database between SQLite and PostgreSQL with a dump', () => {
  const source = createTestDb('dump-source');
  let target: Awaited<ReturnType<typeof createEmptyTestPg>>;
  let pg: PgDb;
  const dumpPath = `${testDbPath('dump')}.ndjson`;
  const backPath = `${dumpPath}.back`;
  const back = testDbPath('dump-back');
  let expected: Awaited<ReturnType<typeof answers>>;

  beforeAll(async () => {
    seed(source.db);
    expected = await answers(sqliteStores(source.db));
    target = await createEmptyTestPg('dump-target');
  });
  afterAll(async () => {
    await pg?.close();
    await target?.drop();
    source.cleanup();
    for (const file of [dumpPath, backPath, `${dumpPath}.bad`, ...databaseFiles(back)]) rmSync(file, { force: true });
  });

  it('exports SQLite and imports it into a new PostgreSQL database whose stores answer the same, row counts equal', async () => {
    const exported = await exportTo({ dialect: 'sqlite', path: source.path }, dumpPath);
    expect(exported.rows).toEqual(await sqliteCounts(source.db));
    expect(readFileSync(dumpPath, 'utf8')).not.toContain('xoxb-');
    const imported = await importFrom({ dialect: 'postgres', url: target.url, poolSize: 2 }, dumpPath);
    expect(imported.rows).toEqual(exported.rows);
    pg = await openPg(target.url, { poolSize: 2 });
    expect(await pgCounts(pg)).toEqual(exported.rows);
    expect(await answers(pgStores(pg))).toEqual(expected);
  });

  it('continues the identity sequences after the imported ids and searches the imported papers on PostgreSQL', async () => {
    const stores = pgStores(pg);
    const { channel } = await stores.channels.enrol({ ...T, channelId: 'C3' }, { time: '10:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    expect(channel.id).toBe(Math.max(...expected.channels.map((c) => c.id)) + 1);
    const { rows } = await pg.pool.query("SELECT id FROM papers WHERE search @@ to_tsquery('papers_english', 'diffus')");
    expect(rows).toEqual([{ id: papers[0]!.id }]);
    expect((await pg.pool.query("SELECT word FROM paper_words WHERE word = 'sparse'")).rows).toHaveLength(1);
    await stores.channels.remove(channel.id);
  });

  it('exports PostgreSQL and imports it back into a new SQLite file: the same answers, counts and a built search index', async () => {
    const exported = await exportTo({ dialect: 'postgres', url: target.url, poolSize: 1 }, backPath);
    await importFrom({ dialect: 'sqlite', path: back }, backPath);
    const db = openDb(back);
    try {
      expect(await sqliteCounts(db)).toEqual(exported.rows);
      expect(exported.rows).toEqual(await sqliteCounts(source.db));
      expect(await answers(sqliteStores(db))).toEqual(expected);
      expect(db.sqlite.prepare('SELECT indexed_seq FROM fts.fts_state').pluck().get()).toBe(3);
      expect(db.sqlite.prepare("SELECT count(*) FROM fts.papers_fts WHERE papers_fts MATCH 'attention'").pluck().get()).toBe(1);
      // The PostgreSQL-only votes counter stays behind.
      expect(db.sqlite.prepare("SELECT count(*) FROM derived_state WHERE name = 'votes_generation'").pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('takes a dump into a target whose start already wrote versions of derived data, the dump\'s versions replacing them', async () => {
    const path = testDbPath('dump-merge');
    const db = openDb(path, { migrate: true });
    try {
      db.sqlite.prepare("INSERT INTO derived_state (name, version) VALUES ('acronyms', 1)").run();
      const { rows } = await importFrom({ dialect: 'sqlite', path }, dumpPath);
      expect(rows).toEqual(await sqliteCounts(source.db));
      expect(db.sqlite.prepare('SELECT name, version FROM derived_state').all()).toEqual([{ name: 'acronyms', version: 2 }]);
    } finally {
      db.close();
      for (const file of databaseFiles(path)) rmSync(file, { force: true });
    }
  });

  it('refuses a non-empty target and changes nothing in it', async () => {
    const before = await pgCounts(pg);
    await expect(importFrom({ dialect: 'postgres', url: target.url, poolSize: 2 }, dumpPath)).rejects.toThrow(/is not empty \(papers has 3 rows\)/);
    expect(await pgCounts(pg)).toEqual(before);
  });

  it('exports nothing from a SQLite file that is not there or not migrated, and says why', async () => {
    const missing = testDbPath('dump-missing');
    await expect(exportDatabase({ dialect: 'sqlite', path: missing }, new PassThrough())).rejects.toThrow(`There is no SQLite database at ${missing} (DATABASE_URL) to export`);
    openDb(missing).close();
    try {
      await expect(exportDatabase({ dialect: 'sqlite', path: missing }, new PassThrough())).rejects.toThrow(/has no schema this version of papers knows/);
    } finally {
      for (const file of databaseFiles(missing)) rmSync(file, { force: true });
    }
  });

  describe('bad input names its line and leaves the target empty', () => {
    const lines = () => readFileSync(dumpPath, 'utf8').trimEnd().split('\n');
    const cases: [string, (l: string[]) => string[], RegExp][] = [
      ['an empty file', () => [], /^line 1: the file is empty/],
      ['another format version', (l) => [l[0]!.replace('"version":1', '"version":2'), ...l.slice(1)], /^line 1: dump format version 2/],
      ['a header of another migration', (l) => [l[0]!.replace(/"migration":"[^"]+"/, '"migration":"0001_fts"'), ...l.slice(1)], /^line 1: the dump was written at sqlite migration 0001_fts/],
      ['a file cut inside a line', (l) => [...l.slice(0, 3), l[3]!.slice(0, 30)], /^line 4: not a JSON line/],
      ['a file cut between lines', (l) => l.slice(0, 5), /^line 5: the dump stops before its end line/],
      ['an unknown table', (l) => [l[0]!, '{"table":"people","row":{}}', ...l.slice(1)], /^line 2: unknown table people/],
      ['a row missing a column', (l) => [l[0]!, l[1]!.replace(/"title":"[^"]*",/, ''), ...l.slice(2)], /^line 2: a papers row with title: /],
      ['a row with a value of the wrong kind', (l) => [l[0]!, l[1]!.replace(/"upvotes":\d+/, '"upvotes":"many"'), ...l.slice(2)], /^line 2: a papers row with upvotes: /],
      ['tables out of order', (l) => [l[0]!, l.at(-2)!, ...l.slice(1, -2), l.at(-1)!], /^line 3: a papers row after the installation_workspaces rows/],
      ['a line after the end line', (l) => [...l, '', '{"table":"papers","row":{}}'], /^line \d+: a line after the end line/],
      ['an end line that counts differently', (l) => [...l.slice(0, -1), l.at(-1)!.replace('"papers":3', '"papers":4')], /the end line counts 4 papers rows but the dump has 3/],
      ['a row the target refuses (a topic of a channel not in the dump)', (l) => l.map((x) => x.replace(/^\{"table":"subscriptions","row":\{"id":(\d+),"channel_id":\d+/, '{"table":"subscriptions","row":{"id":$1,"channel_id":99')), /^line \d+: the subscriptions row was refused by the target: .*FOREIGN KEY/],
    ];

    it.each(cases)('into SQLite: %s', async (_name, edit, message) => {
      const path = testDbPath('dump-bad');
      const error = await importDatabase({ dialect: 'sqlite', path }, Readable.from(edit(lines()).map((l) => `${l}\n`))).catch((e: Error) => e);
      expect((error as Error).message).toMatch(message);
      const db = openDb(path, { migrate: true });
      try {
        expect(Object.values(await sqliteCounts(db)).every((n) => n === 0)).toBe(true);
      } finally {
        db.close();
      }
    });

    it('into PostgreSQL: a row the target refuses names its line, and nothing before it stays', async () => {
      const fresh = await createEmptyTestPg('dump-bad');
      try {
        const bad = lines().map((l) => l.replace(/^\{"table":"subscriptions","row":\{"id":(\d+),"channel_id":\d+/, '{"table":"subscriptions","row":{"id":$1,"channel_id":99'));
        const line = bad.findIndex((l) => l.includes('"channel_id":99')) + 1;
        writeFileSync(`${dumpPath}.bad`, `${bad.join('\n')}\n`);
        await expect(importFrom({ dialect: 'postgres', url: fresh.url, poolSize: 2 }, `${dumpPath}.bad`)).rejects.toThrow(new RegExp(`^line ${line}: the subscriptions row was refused by the target: .*foreign key`));
        const db = await openPg(fresh.url, { poolSize: 1 });
        try {
          expect(Object.values(await pgCounts(db)).every((n) => n === 0)).toBe(true);
        } finally {
          await db.close();
        }
      } finally {
        await fresh.drop();
      }
    });
  });
});
