import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { openDb } from '../../src/db/client.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDb, testDbPath } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { createEmptyTestPg } from '../helpers/pg-database.ts';

const rowLines = (dump: string) => dump.trimEnd().split('\n').slice(1);

describe('papers export and papers import', () => {
  const source = createTestDb('cli-export');
  const dumpPath = `${testDbPath('cli-dump')}.ndjson`;
  const cutPath = `${dumpPath}.cut`;
  const fresh = testDbPath('cli-import-cut');
  let target: Awaited<ReturnType<typeof createEmptyTestPg>>;

  beforeAll(async () => {
    const papers = [makePaper(), makePaper()];
    new PapersRepo(source.db).upsertPage(papers, papers.map((p, i) => ({ paperId: p.id, feedDay: '2025-03-17', rank: i + 1, upvotes: 5 })));
    const channels = new ChannelsRepo(source.db);
    const { channel } = channels.enrol({ platform: 'discord', workspaceId: 'G1', channelId: 'C1' }, { time: '08:30', cadence: 'weekdays', weekday: null, timeZone: 'UTC' });
    channels.addTopic(channel.id, 'diffusion');
    target = await createEmptyTestPg('cli-import');
  });
  afterAll(async () => {
    await target?.drop();
    source.cleanup();
    for (const file of [dumpPath, cutPath, ...databaseFiles(fresh)]) rmSync(file, { force: true });
  });

  it('writes the dump to stdout, and to a file with --out saying how many rows of which tables', async () => {
    const stdout = await runCli(['export'], { DATABASE_URL: source.path });
    expect(stdout.code).toBe(0);
    expect(JSON.parse(stdout.stdout.split('\n')[0]!)).toMatchObject({ format: 'papers-dump', version: 1, dialect: 'sqlite' });
    expect(stdout.stderr).toContain('Exported 6 rows (papers 2, daily_listings 2, channels 1, subscriptions 1)');
    const file = await runCli(['export', '--out', dumpPath], { DATABASE_URL: source.path });
    expect(file.code).toBe(0);
    expect(file.stdout.trim()).toBe(`Exported 6 rows (papers 2, daily_listings 2, channels 1, subscriptions 1) to ${dumpPath}.`);
    expect(existsSync(`${dumpPath}.partial`)).toBe(false);
    expect(rowLines(readFileSync(dumpPath, 'utf8'))).toEqual(rowLines(stdout.stdout));
  });

  it('imports the file into an empty PostgreSQL database, whose own export has the same rows line for line', async () => {
    const imported = await runCli(['import', '--in', dumpPath], { DATABASE_URL: target.url });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout.trim()).toBe('Imported 6 rows (papers 2, daily_listings 2, channels 1, subscriptions 1) from a sqlite dump.');
    const again = await runCli(['export'], { DATABASE_URL: target.url });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.split('\n')[0]!)).toMatchObject({ dialect: 'postgres' });
    expect(rowLines(again.stdout)).toEqual(rowLines(readFileSync(dumpPath, 'utf8')));
  });

  it('refuses a target that is not empty in one line and exits 1', async () => {
    const result = await runCli(['import', '--in', dumpPath], { DATABASE_URL: target.url });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `papers: The database at ${target.url} is not empty (papers has 2 rows): import into a new database only, nothing was changed`,
    ]);
  });

  it('refuses a cut-short file in one line naming where it stops, and leaves the new database empty', async () => {
    const lines = readFileSync(dumpPath, 'utf8').split('\n');
    writeFileSync(cutPath, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 25)}`);
    const result = await runCli(['import', '--in', cutPath], { DATABASE_URL: fresh });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^papers: line 5: not a JSON line/);
    const db = openDb(fresh);
    try {
      expect(db.sqlite.prepare('SELECT count(*) FROM papers').pluck().get()).toBe(0);
      expect(db.sqlite.prepare('SELECT count(*) FROM channels').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
  });

  it('asks for --in, and names a dump file that is not there', async () => {
    const missing = await runCli(['import'], { DATABASE_URL: fresh });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--in <file>' not specified");
    const absent = await runCli(['import', '--in', `${dumpPath}.absent`], { DATABASE_URL: fresh });
    expect(absent.code).toBe(1);
    expect(absent.stderr.trim()).toBe(`papers: Cannot read the dump ${dumpPath}.absent: ENOENT`);
  });
});
