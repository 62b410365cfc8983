import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import type { ChannelTarget } from '../../src/core/ports.ts';
import { promised } from '../../src/db/stores.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const testDb = createTestDb('stores');
const ctx = createContext(loadConfig({}), silentLogger(), { db: testDb.db });
const channel: ChannelTarget = { platform: 'chat', workspaceId: 'W1', channelId: 'C1' };
const paper = makePaper({ id: '2503.00031', title: 'A paper' });
ctx.papers.upsertPage([paper], []);

afterAll(() => {
  ctx.close();
  testDb.cleanup();
});

describe('the async view of a repository', () => {
  it('answers what the repository answers, through a promise, with the repository as `this`', async () => {
    const enrolled = await ctx.stores.channels.enrol(channel, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    expect(enrolled.created).toBe(true);
    expect(await ctx.stores.channels.get(enrolled.channel.id)).toEqual(ctx.channels.get(enrolled.channel.id));
  });

  it('turns an error the repository throws into a rejected promise, never a throw at the call', async () => {
    class Failing {
      fail(): number {
        throw new Error('boom');
      }
    }
    const call = promised(new Failing()).fail;
    let pending: Promise<number> | undefined;
    expect(() => (pending = call())).not.toThrow();
    await expect(pending).rejects.toThrow('boom');
  });
});

describe('a reaction applied once per event', () => {
  it('records the event with its effect, and a redelivered event changes nothing', async () => {
    const vote = { kind: 'vote', channel, paperId: paper.id, userId: 'U1', value: 1 } as const;
    expect(await ctx.stores.reactions.applyOnce('e-1', new Date(), vote)).toEqual({ counts: expect.objectContaining({ up: 1 }) });
    const removal = { ...vote, kind: 'unvote' } as const;
    expect(await ctx.stores.reactions.applyOnce('e-2', new Date(), removal)).toEqual({ counts: expect.objectContaining({ up: 0 }) });
    expect(await ctx.stores.reactions.applyOnce('e-1', new Date(), vote)).toBe('redelivered');
    expect(ctx.votes.counts(channel, paper.id)).toMatchObject({ up: 0 });
  });

  it('leaves the event unrecorded when its effect fails, so the redelivery applies it', async () => {
    const vote = { kind: 'vote', channel, paperId: paper.id, userId: 'U2', value: -1 } as const;
    ctx.db.sqlite.exec("CREATE TEMP TRIGGER refuse_vote BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const failed = await ctx.stores.reactions.applyOnce('e-3', new Date(), vote).then(() => 'applied', () => 'failed');
    ctx.db.sqlite.exec('DROP TRIGGER refuse_vote');
    expect(failed).toBe('failed');
    expect(ctx.db.sqlite.prepare('SELECT count(*) FROM processed_events WHERE event_id = ?').pluck().get('e-3')).toBe(0);
    expect(await ctx.stores.reactions.applyOnce('e-3', new Date(), vote)).toEqual({ counts: expect.objectContaining({ down: 1 }) });
  });
});
