import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPg, pingPg, PG_MIGRATIONS_FOLDER, type PgDb } from '../../src/db/pg/client.ts';
import { PapersError } from '../../src/errors.ts';
import { freePort } from '../helpers/net.ts';
import { createEmptyTestPg, createTestPg } from '../helpers/pg-database.ts';

const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };

async function applied(db: PgDb): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return rows[0]!.n;
}

async function tables(db: PgDb): Promise<string[]> {
  const { rows } = await db.pool.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
  return rows.map((r) => r.table_name);
}

describe('PostgreSQL migrations', () => {
  const dropLater: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of dropLater) await drop();
  });

  it('apply on a fresh database, and again on the same database without changing anything', async () => {
    const empty = await createEmptyTestPg('pg-migrate');
    dropLater.push(empty.drop);
    const first = await openPg(empty.url, { migrate: true });
    expect(await applied(first)).toBe(journal.entries.length);
    const created = await tables(first);
    expect(created).toEqual(expect.arrayContaining(['papers', 'channels', 'deliveries', 'delivered_papers', 'installations']));
    await first.close();

    const again = await openPg(empty.url, { migrate: true });
    expect(await applied(again)).toBe(journal.entries.length);
    expect(await tables(again)).toEqual(created);
    await again.close();
  });

  it('succeed for two processes that migrate one fresh database at the same moment', async () => {
    const empty = await createEmptyTestPg('pg-migrate-race');
    dropLater.push(empty.drop);
    const both = await Promise.all([openPg(empty.url, { migrate: true }), openPg(empty.url, { migrate: true })]);
    expect(await applied(both[0])).toBe(journal.entries.length);
    await Promise.all(both.map((db) => db.close()));
  });

  it('keep papers.feed_day at the latest feed day that lists the paper, whatever writes the listings', async () => {
    const { db, cleanup } = await createTestPg('pg-feed-day');
    dropLater.push(cleanup);
    const q = (text: string, values: unknown[] = []) => db.pool.query(text, values);
    const feedDay = async () => (await q("SELECT feed_day FROM papers WHERE id = '2501.00001'")).rows[0]!.feed_day as string | null;
    await q("INSERT INTO papers (id, title) VALUES ('2501.00001', 'A paper')");
    expect(await feedDay()).toBeNull();
    await q("INSERT INTO daily_listings (feed_day, paper_id, rank) VALUES ('2025-01-03', '2501.00001', 1), ('2025-01-02', '2501.00001', 4)");
    expect(await feedDay()).toBe('2025-01-03');
    await q("UPDATE daily_listings SET feed_day = '2025-01-01' WHERE feed_day = '2025-01-03'");
    expect(await feedDay()).toBe('2025-01-02');
    await q('DELETE FROM daily_listings');
    expect(await feedDay()).toBeNull();
  });

  it('give timestamps in the ISO form SQLite writes, and booleans as booleans', async () => {
    const { db, cleanup } = await createTestPg('pg-defaults');
    dropLater.push(cleanup);
    const { rows } = await db.pool.query("INSERT INTO channels (platform, workspace_id, channel_id) VALUES ('slack', 'T1', 'C1') RETURNING created_at, paused, id");
    expect(rows[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(Math.abs(Date.parse(rows[0].created_at) - Date.now())).toBeLessThan(60_000);
    expect(rows[0]).toMatchObject({ paused: false, id: 1 });
    await pingPg(db.pool);
  });
});

describe('a PostgreSQL database that cannot be reached', () => {
  it('is one line naming DATABASE_URL with the password hidden, and the cause', async () => {
    const port = await freePort();
    const url = `postgres://papers:hunter2@127.0.0.1:${port}/papers`;
    for (const migrate of [false, true]) {
      const error = await openPg(url, { migrate }).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(PapersError);
      expect((error as PapersError).code).toBe('DATABASE');
      const message = (error as Error).message;
      expect(message).not.toContain('\n');
      expect(message).not.toContain('hunter2');
      expect(message).toContain(`DATABASE_URL=postgres://papers:***@127.0.0.1:${port}/papers`);
      expect(message).toContain('ECONNREFUSED');
    }
  });

  it('makes the test helper say how to start PostgreSQL, never skip', async () => {
    const saved = process.env.TEST_PG_URL;
    process.env.TEST_PG_URL = `postgres://postgres:hunter2@127.0.0.1:${await freePort()}/postgres`;
    try {
      const error = await createTestPg('pg-absent').then(() => undefined, (e: unknown) => e as Error);
      expect(error?.message).toMatch(/PostgreSQL does not answer at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/postgres \(TEST_PG_URL\): .*ECONNREFUSED/);
      expect(error?.message).toContain('pg_ctlcluster 15 main start');
      expect(error?.message).not.toContain('hunter2');
    } finally {
      if (saved === undefined) delete process.env.TEST_PG_URL;
      else process.env.TEST_PG_URL = saved;
    }
  });

  it('names a database that does not exist', async () => {
    const empty = await createEmptyTestPg('pg-missing');
    await empty.drop();
    const error = await openPg(empty.url).then(() => undefined, (e: unknown) => e as Error);
    expect(error?.message).toMatch(/^Cannot reach PostgreSQL at DATABASE_URL=postgres:\/\/.*: database ".*" does not exist \(3D000\)$/);
  });
});
