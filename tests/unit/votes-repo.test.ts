import { afterAll, describe, expect, it } from 'vitest';
import { VotesRepo } from '../../src/db/votes-repo.ts';
import { createTestDb } from '../helpers/db.ts';

const { db, cleanup } = createTestDb('votes');
afterAll(cleanup);
const votes = new VotesRepo(db);
const here = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };
const there = { platform: 'slack', workspaceId: 'T1', channelId: 'C2' };

describe('votes', () => {
  it('keeps one vote per person per paper per channel, changeable', () => {
    expect(votes.cast(here, '2501.00001', 'U1', 1)).toEqual({ up: 1, down: 0 });
    expect(votes.cast(here, '2501.00001', 'U2', 1)).toEqual({ up: 2, down: 0 });
    expect(votes.cast(here, '2501.00001', 'U1', -1)).toEqual({ up: 1, down: 1 });
    expect(votes.cast(there, '2501.00001', 'U1', 1)).toEqual({ up: 1, down: 0 });
    expect(votes.voteOf(here, '2501.00001', 'U1')).toBe(-1);
  });

  it('a removed reaction takes back only the vote that reaction cast', () => {
    votes.cast(here, '2501.00002', 'U3', 1, 'reaction');
    votes.cast(here, '2501.00002', 'U3', -1, 'button');
    expect(votes.withdraw(here, '2501.00002', 'U3', { value: 1, source: 'reaction' })).toEqual({ up: 0, down: 1 });
    expect(votes.withdraw(here, '2501.00002', 'U3')).toEqual({ up: 0, down: 0 });
  });

  it('lists a channel\'s votes and forgets them on reset, leaving other channels alone', () => {
    const cast = votes.forChannel(here).map((v) => `${v.paperId} ${v.userId} ${v.value}`);
    expect(cast.sort()).toEqual(['2501.00001 U1 -1', '2501.00001 U2 1']);
    expect(votes.resetChannel(here)).toBe(2);
    expect(votes.forChannel(here)).toEqual([]);
    expect(votes.forChannel(there)).toHaveLength(1);
  });
});
