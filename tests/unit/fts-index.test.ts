import { searchServiceOf } from '../helpers/search-service.ts';
import { copyFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { databaseFiles, ftsPathFor } from '../../src/db/fts-index.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { testDbPath } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const path = testDbPath('fts-index');
const backup = `${path}.backup`;
afterAll(() => {
  for (const file of [...databaseFiles(path), backup]) rmSync(file, { force: true });
});

const idsFor = async (db: ReturnType<typeof openDb>, query: string) => (await searchServiceOf(new SearchRepo(db), new PapersRepo(db)).search(query)).hits.map((h) => h.paper.id);

describe('the search index file', () => {
  it('lives beside the database and finds what the papers file holds', async () => {
    const db = openDb(path, { migrate: true });
    new PapersRepo(db).upsertPage([makePaper({ id: '2502.00001', title: 'Alpha particles' }), makePaper({ id: '2502.00002', title: 'Beta decay' })], []);
    expect((await idsFor(db, 'alpha'))).toEqual(['2502.00001']);
    expect(db.sqlite.prepare("SELECT file FROM pragma_database_list WHERE name = 'fts'").pluck().get()).toBe(ftsPathFor(path));
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  });

  it('starts again when the papers file went back in time without it, instead of naming the wrong papers', async () => {
    copyFileSync(path, backup);
    const before = openDb(path, { migrate: true });
    new PapersRepo(before).upsertPage([makePaper({ id: '2502.00003', title: 'Gamma rays' }), makePaper({ id: '2502.00004', title: 'Delta waves' })], []);
    before.close();
    // The papers file is restored from the backup; the index file still holds papers 3 and 4.
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    copyFileSync(backup, path);
    const after = openDb(path, { migrate: true });
    const papers = new PapersRepo(after);
    papers.upsertPage([makePaper({ id: '2502.00005', title: 'Epsilon expansion' }), makePaper({ id: '2502.00006', title: 'Zeta functions' })], []);
    expect((await idsFor(after, 'epsilon'))).toEqual(['2502.00005']);
    expect((await idsFor(after, 'zeta'))).toEqual(['2502.00006']);
    expect((await idsFor(after, 'gamma'))).toEqual([]);
    expect((await idsFor(after, 'alpha'))).toEqual(['2502.00001']);
    after.close();
  });

  it('forgets a deleted paper', async () => {
    const db = openDb(path, { migrate: true });
    db.sqlite.prepare("DELETE FROM papers WHERE id = '2502.00002'").run();
    new PapersRepo(db).indexPending();
    expect((await idsFor(db, 'beta'))).toEqual([]);
    expect(db.sqlite.prepare('SELECT count(*) FROM fts_changes').pluck().get()).toBe(0);
    db.close();
  });
});
