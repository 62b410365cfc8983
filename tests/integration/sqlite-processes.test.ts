import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const CHANNELS = 150;
const test = createTestDb('sqlite-processes');
afterAll(() => test.cleanup());

function writer(first: number, last: number): Promise<{ created: number; errors: string[]; errorCount: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/integration/sqlite-writer.ts', test.path, String(first), String(last)], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim())) : reject(new Error(`writer exited ${code}: ${err}`)))));
}

describe('two processes writing the outbox of one SQLite file', () => {
  it('write every channel\'s digest once and never fail with "database is locked"', async () => {
    const papers = [makePaper({ id: '2503.00001' }), makePaper({ id: '2503.00002' })];
    new PapersRepo(test.db).upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: '2025-03-17', rank, upvotes: 1 })));
    const channels = new ChannelsRepo(test.db);
    const ids = Array.from({ length: CHANNELS }, (_, i) => channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId: `C${i}` }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' }).channel.id);
    // Both processes write every channel, at once: each digest is created by one of them and found by the other.
    const [a, b] = await Promise.all([writer(ids[0]!, ids.at(-1)!), writer(ids[0]!, ids.at(-1)!)]);
    expect([a.errors, b.errors]).toEqual([[], []]);
    expect(a.created + b.created).toBe(CHANNELS);
    const rows = test.db.sqlite.prepare("SELECT count(*) AS n, count(DISTINCT channel_id) AS c, sum(status = 'sent') AS sent FROM deliveries").get();
    expect(rows).toEqual({ n: CHANNELS, c: CHANNELS, sent: CHANNELS });
    expect(test.db.sqlite.prepare('SELECT count(*) AS n FROM delivered_papers').get()).toEqual({ n: 2 * CHANNELS });
  }, 60_000);
});
