import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/db/client.ts';
import { openPg } from '../../src/db/pg/client.ts';
import { PgVotesStore } from '../../src/db/pg/votes-store.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { voteKey, VotesRepo } from '../../src/db/votes-repo.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const here = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };
const there = { platform: 'slack', workspaceId: 'T1', channelId: 'C2' };

describe.each(BACKENDS)('the votes store on %s', (name) => {
  let backend: Backend;
  let votes: Async<VotesRepo>;
  /** The same database through a second connection, as another process sees it. */
  let other: { votes: Async<VotesRepo>; close(): Promise<void> };

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-votes');
    if (backend.name === 'sqlite') {
      votes = promised(new VotesRepo(backend.db));
      const db = openDb(backend.db.sqlite.name);
      other = { votes: promised(new VotesRepo(db)), close: async () => db.close() };
    } else {
      votes = new PgVotesStore(backend.pg);
      const pg = await openPg(backend.pg.url, { poolSize: 2 });
      other = { votes: new PgVotesStore(pg), close: () => pg.close() };
    }
  });
  afterAll(async () => {
    await other?.close();
    await backend?.close();
  });

  it('keeps one vote per person per paper per channel, changeable', async () => {
    expect(await votes.cast(here, '2501.00001', 'U1', 1)).toEqual({ up: 1, down: 0 });
    expect(await votes.cast(here, '2501.00001', 'U2', 1)).toEqual({ up: 2, down: 0 });
    expect(await votes.cast(here, '2501.00001', 'U1', -1)).toEqual({ up: 1, down: 1 });
    expect(await votes.cast(there, '2501.00001', 'U1', 1)).toEqual({ up: 1, down: 0 });
    expect(await votes.voteOf(here, '2501.00001', 'U1')).toBe(-1);
    expect(await votes.voteOf(here, '2501.00001', 'U9')).toBeUndefined();
    expect(await votes.counts(here, '2501.09999')).toEqual({ up: 0, down: 0 });
  });

  it('a removed reaction takes back only the vote that reaction cast', async () => {
    await votes.cast(here, '2501.00002', 'U3', 1, 'reaction');
    await votes.cast(here, '2501.00002', 'U3', -1, 'button');
    expect(await votes.withdraw(here, '2501.00002', 'U3', { value: 1, source: 'reaction' })).toEqual({ up: 0, down: 1 });
    expect(await votes.withdraw(here, '2501.00002', 'U3', { value: -1, source: 'reaction' })).toEqual({ up: 0, down: 1 });
    expect(await votes.withdraw(here, '2501.00002', 'U3')).toEqual({ up: 0, down: 0 });
    expect(await votes.withdraw(here, '2501.00002', 'U3')).toEqual({ up: 0, down: 0 });
  });

  it("lists a channel's votes oldest first, then by paper and person", async () => {
    const channel = { platform: 'discord', workspaceId: 'G1', channelId: 'L1' };
    await votes.cast(channel, 'b', 'U2', 1);
    await votes.cast(channel, 'a', 'U1', -1, 'reaction');
    await votes.cast(channel, 'a', 'u0', 1);
    await votes.cast(channel, 'a', 'U0', 1);
    await rawSql(backend, "UPDATE votes SET updated_at = '2025-01-02T00:00:00.000Z' WHERE channel_id = 'L1'");
    await rawSql(backend, "UPDATE votes SET updated_at = '2025-01-01T00:00:00.000Z' WHERE channel_id = 'L1' AND paper_id = 'b'");
    const listed = await votes.forChannel(channel);
    expect(listed.map((v) => `${v.paperId} ${v.userId}`)).toEqual(['b U2', 'a U0', 'a U1', 'a u0']);
    expect(listed[2]).toEqual({ paperId: 'a', userId: 'U1', value: -1, source: 'reaction', updatedAt: '2025-01-02T00:00:00.000Z' });
  });

  it('fingerprints a channel as VotesRepo.versionOf does, changing with every cast, change and withdrawal', async () => {
    const channel = { platform: 'slack', workspaceId: 'T2', channelId: 'F1' };
    expect(await votes.version(channel)).toBe('');
    const seen = new Set<string>();
    const check = async () => {
      const version = await votes.version(channel);
      expect(version).toBe(VotesRepo.versionOf(await votes.forChannel(channel)));
      expect(seen.has(version)).toBe(false);
      seen.add(version);
    };
    await votes.cast(channel, '2501.00010', 'U1', 1);
    await check();
    await votes.cast(channel, '2501.00010', 'U1', -1);
    await check();
    await votes.cast(channel, '2501.000100', 'U2', -1);
    await check();
    await votes.withdraw(channel, '2501.00010', 'U1');
    await check();
    expect(await votes.version(channel)).toMatch(/^1\|\d{4}-\d\d-\d\dT[\d:.]+Z\|-1\|-11$/);
    const all = await votes.versions();
    expect(all.get(voteKey(channel))).toBe(await votes.version(channel));
    expect(all.get(voteKey(here))).toBe(await votes.version(here));
    expect(all.has(voteKey({ platform: 'slack', workspaceId: 'T2', channelId: 'nobody' }))).toBe(false);
  });

  it('changes the generation with every vote write, its own or another connection’s, and keeps it otherwise', async () => {
    const start = await votes.generation();
    expect(await votes.generation()).toBe(start);
    await votes.counts(here, '2501.00001');
    await votes.forChannel(here);
    expect(await votes.generation()).toBe(start);
    await votes.cast(here, '2501.00020', 'U1', 1);
    const afterCast = await votes.generation();
    expect(afterCast).not.toBe(start);
    await other.votes.cast(here, '2501.00020', 'U2', -1);
    const afterOther = await votes.generation();
    expect(afterOther).not.toBe(afterCast);
    expect(await other.votes.generation()).not.toBe(afterCast);
    await votes.withdraw(here, '2501.00020', 'U2');
    const afterWithdraw = await votes.generation();
    expect(afterWithdraw).not.toBe(afterOther);
    await other.votes.resetChannel(there);
    expect(await votes.generation()).not.toBe(afterWithdraw);
  });

  it("forgets every vote of a channel on reset, leaving other channels' alone", async () => {
    const channel = { platform: 'slack', workspaceId: 'T3', channelId: 'R1' };
    const neighbour = { platform: 'slack', workspaceId: 'T3', channelId: 'R2' };
    await votes.cast(channel, 'p1', 'U1', 1);
    await votes.cast(channel, 'p2', 'U1', -1);
    await votes.cast(neighbour, 'p1', 'U1', 1);
    expect(await votes.resetChannel(channel)).toBe(2);
    expect(await votes.resetChannel(channel)).toBe(0);
    expect(await votes.forChannel(channel)).toEqual([]);
    expect(await votes.version(channel)).toBe('');
    expect(await votes.forChannel(neighbour)).toHaveLength(1);
  });

  it('keeps one vote row when one person casts on one paper from two connections at once', async () => {
    const channel = { platform: 'slack', workspaceId: 'T4', channelId: 'X1' };
    for (let round = 0; round < 5; round++) {
      const paperId = `race-${round}`;
      const casts = Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? votes : other.votes).cast(channel, paperId, 'U1', i % 3 === 0 ? 1 : -1));
      const answers = await Promise.all(casts);
      for (const counts of answers) expect(counts.up + counts.down).toBe(1);
      expect(await rawSql(backend, 'SELECT count(*) AS n FROM votes WHERE channel_id = ? AND paper_id = ?', [channel.channelId, paperId])).toEqual([{ n: 1 }]);
    }
  });
});
