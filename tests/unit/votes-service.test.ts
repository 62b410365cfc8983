import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VotesService } from '../../src/app/votes.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import type { ChannelTarget } from '../../src/core/ports.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const target: ChannelTarget = { platform: 'chat', workspaceId: 'W1', channelId: 'C1' };
let now = new Date('2025-03-12T10:00:00Z');
let testDb: ReturnType<typeof createTestDb>;
let ctx: AppContext;
let votes: VotesService;
const paper = makePaper({ id: '2503.00011', title: 'One paper' });

beforeAll(() => {
  testDb = createTestDb('votes-service');
  ctx = createContext(loadConfig({}), silentLogger(), { db: testDb.db, clock: { now: () => now } });
  ctx.papers.upsertPage([paper], []);
  const { channel } = ctx.channels.enrol(target, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
  const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: '2025-03-12', picks: [{ paperId: paper.id }], view: { feedDay: '2025-03-12', papers: [toPaperView(paper)] }, status: 'pending' });
  ctx.deliveries.recordPaperMessages(delivery.id, [{ paperId: paper.id, messageId: 'M1' }]);
  votes = new VotesService(ctx);
});

afterAll(() => {
  ctx?.close();
  testDb?.cleanup();
});

const react = (over: Partial<Parameters<VotesService['react']>[0]> = {}) =>
  votes.react({ channel: target, userId: 'U1', messageId: 'M1', meaning: 'up', added: true, ...over });

describe('votes and reactions (the use case)', () => {
  it('keeps a button vote as cast when the same reaction is added, so removing the reaction leaves it', () => {
    votes.vote({ channel: target, userId: 'U1', paperId: paper.id, choice: 'up', origin: 'posted' });
    expect(react({ eventId: 'e-same' })).toMatchObject({ kind: 'counted', counts: { up: 1, down: 0 } });
    react({ added: false, eventId: 'e-same-removed' });
    expect(ctx.votes.forChannel(target).map((v) => [v.userId, v.value, v.source])).toEqual([['U1', 1, 'button']]);
  });

  it('forgets handled event ids after two days, and not before', () => {
    expect(react({ userId: 'U2', eventId: 'e-old' })).toMatchObject({ kind: 'counted' });
    now = new Date(now.getTime() + 24 * 3600_000);
    expect(react({ userId: 'U2', eventId: 'e-old' })).toEqual({ kind: 'ignored', reason: 'redelivered' });
    now = new Date(now.getTime() + 2 * 24 * 3600_000);
    expect(react({ userId: 'U3', eventId: 'e-new' })).toMatchObject({ kind: 'counted' });
    expect(ctx.db.sqlite.prepare('SELECT event_id FROM processed_events ORDER BY event_id').pluck().all()).toEqual(['e-new']);
  });

  it('toggles the reading list and refuses ids that name no stored paper', () => {
    const reader = { platform: 'chat', workspaceId: 'W1', userId: 'U9' };
    expect(votes.toggleSave(reader, paper.id)).toMatchObject({ kind: 'saved', saved: true });
    expect(votes.toggleSave(reader, paper.id)).toMatchObject({ kind: 'saved', saved: false });
    expect(votes.toggleSave(reader, '2503.99999')).toMatchObject({ kind: 'error' });
    expect(votes.vote({ channel: target, userId: 'U9', paperId: "2503.00011' OR 1=1", choice: 'up', origin: 'listed' })).toEqual({ kind: 'error', message: 'This button does not name a paper, so nothing was changed.' });
    expect(ctx.saved.size(reader)).toBe(0);
  });
});
