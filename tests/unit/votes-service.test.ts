import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VotesService, type VotePlace } from '../../src/app/votes.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { ChannelTarget } from '../../src/core/ports.ts';
import type { Paper } from '../../src/core/types.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const target: ChannelTarget = { platform: 'chat', workspaceId: 'W1', channelId: 'C1' };
const place: VotePlace = { platform: 'chat', workspaceId: 'W1', channelId: 'C1' };
const schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' } as const;
let now = new Date('2025-03-12T10:00:00Z');
let testDb: ReturnType<typeof createTestDb>;
let ctx: SqliteContext;
let votes: VotesService;
let feedDay = 1;
const paper = makePaper({ id: '2503.00011', title: 'One paper' });
const more = Array.from({ length: 8 }, (_, i) => makePaper({ id: `2503.0002${i}`, title: `Paper ${i}` }));

/** A digest of `papers` delivered to `key`, every paper at `messageId`: sent (as the deliverer leaves it) unless said. */
function deliver(key: ChannelTarget, papers: Paper[], messageId: string, status: 'sent' | 'pending' = 'sent'): void {
  const channel = ctx.channels.find(key) ?? ctx.channels.enrol(key, schedule).channel;
  const day = `2025-03-${String(feedDay++).padStart(2, '0')}`;
  const { delivery } = ctx.deliveries.createDigest({ channelId: channel.id, feedDay: day, picks: papers.map((p) => ({ paperId: p.id })), view: { feedDay: day, papers: papers.map((p) => toPaperView(p)) }, status: 'pending' });
  if (status === 'sent') ctx.deliveries.markSent(delivery.id, [messageId]);
  ctx.deliveries.recordPaperMessages(delivery.id, papers.map((p) => ({ paperId: p.id, messageId })));
}

beforeAll(() => {
  testDb = createTestDb('votes-service');
  ctx = createContext(loadConfig({}), silentLogger(), { db: testDb.db, clock: { now: () => now } });
  ctx.papers.upsertPage([paper, ...more], []);
  deliver(target, [paper], 'M1');
  votes = new VotesService(ctx);
});

afterAll(() => {
  ctx?.close();
  testDb?.cleanup();
});

const react = (over: Partial<Parameters<VotesService['react']>[0]> = {}) =>
  votes.react({ place, userId: 'U1', messageId: 'M1', meaning: 'up', added: true, ...over });

describe('votes and reactions (the use case)', () => {
  it('keeps a button vote as cast when the same reaction is added, so removing the reaction leaves it', async () => {
    await votes.vote({ place, userId: 'U1', paperId: paper.id, choice: 'up', shownOn: { messageId: 'M1' } });
    expect(await react({ eventId: 'e-same' })).toMatchObject({ kind: 'counted', counts: { up: 1, down: 0 } });
    await react({ added: false, eventId: 'e-same-removed' });
    expect(ctx.votes.forChannel(target).map((v) => [v.userId, v.value, v.source])).toEqual([['U1', 1, 'button']]);
  });

  it('forgets handled event ids after two days, and not before', async () => {
    expect(await react({ userId: 'U2', eventId: 'e-old' })).toMatchObject({ kind: 'counted' });
    now = new Date(now.getTime() + 24 * 3600_000);
    expect(await react({ userId: 'U2', eventId: 'e-old' })).toEqual({ kind: 'ignored', reason: 'redelivered' });
    now = new Date(now.getTime() + 2 * 24 * 3600_000);
    expect(await react({ userId: 'U3', eventId: 'e-new' })).toMatchObject({ kind: 'counted' });
    expect(ctx.db.sqlite.prepare('SELECT event_id FROM processed_events ORDER BY event_id').pluck().all()).toEqual(['e-new']);
  });

  it('toggles the reading list and refuses ids that name no stored paper', async () => {
    const reader = { platform: 'chat', workspaceId: 'W1', userId: 'U9' };
    expect(await votes.toggleSave(reader, paper.id)).toMatchObject({ kind: 'saved', saved: true });
    expect(await votes.toggleSave(reader, paper.id)).toMatchObject({ kind: 'saved', saved: false });
    expect(await votes.toggleSave(reader, '2503.99999')).toMatchObject({ kind: 'error' });
    expect(await votes.vote({ place, userId: 'U9', paperId: "2503.00011' OR 1=1", choice: 'up', shownOn: 'ephemeral' })).toEqual({ kind: 'error', message: 'This button does not name a paper, so nothing was changed.' });
    expect(ctx.saved.size(reader)).toBe(0);
  });
});

describe('where a vote counts (one rule for every platform)', () => {
  it('counts a vote and a reaction in a thread enrolled as a channel for the thread itself, where its digests went', async () => {
    const thread: ChannelTarget = { platform: 'chat', workspaceId: 'W1', channelId: 'T-enrolled' };
    deliver(thread, [more[0]!], 'M-thread');
    const inThread: VotePlace = { ...place, channelId: 'T-enrolled', parentId: 'C1' };
    expect(await votes.vote({ place: inThread, userId: 'U4', paperId: more[0]!.id, choice: 'up', shownOn: { messageId: 'M-thread' } })).toMatchObject({ kind: 'voted', counts: { up: 1 } });
    expect(await votes.react({ place: inThread, userId: 'U5', messageId: 'M-thread', meaning: 'down', added: true })).toMatchObject({ kind: 'counted', counts: { up: 1, down: 1 } });
    expect(ctx.votes.forChannel(thread).map((v) => [v.userId, v.value])).toEqual([['U4', 1], ['U5', -1]]);
    expect(ctx.votes.voteOf(target, more[0]!.id, 'U4')).toBeUndefined();
  });

  it("counts a vote in a thread of a channel's posted paper for that channel, and an ephemeral one there too", async () => {
    deliver(target, [more[1]!], 'M-parent');
    const inThread: VotePlace = { ...place, channelId: 'T-discussion', parentId: 'C1' };
    expect(await votes.vote({ place: inThread, userId: 'U4', paperId: more[1]!.id, choice: 'up', shownOn: { messageId: 'M-parent' } })).toMatchObject({ kind: 'voted' });
    expect(await votes.vote({ place: inThread, userId: 'U6', paperId: more[7]!.id, choice: 'up', shownOn: 'ephemeral' })).toMatchObject({ kind: 'voted' });
    expect(ctx.votes.voteOf(target, more[1]!.id, 'U4')).toBe(1);
    expect(ctx.votes.voteOf(target, more[7]!.id, 'U6')).toBe(1);
    expect(ctx.votes.forChannel({ ...target, channelId: 'T-discussion' })).toEqual([]);
  });

  it("counts a vote in a direct message for the person's alerts, in the scope their user id lives in", async () => {
    const scoped = { platform: 'chat', workspaceId: '@me', channelId: 'U7', kind: 'person' as const };
    deliver(scoped, [more[2]!], 'M-dm');
    const dm: VotePlace = { platform: 'chat', workspaceId: '', channelId: 'DM-7', direct: true, userScope: '@me' };
    expect(await votes.vote({ place: dm, userId: 'U7', paperId: more[2]!.id, choice: 'down', shownOn: { messageId: 'M-dm' } })).toMatchObject({ kind: 'voted' });
    expect(await votes.react({ place: dm, userId: 'U7', messageId: 'M-dm', meaning: 'save', added: true })).toMatchObject({ kind: 'counted' });
    expect(await votes.vote({ place: dm, userId: 'U7', paperId: more[7]!.id, choice: 'up', shownOn: 'ephemeral' })).toMatchObject({ kind: 'voted' });
    expect(ctx.votes.forChannel(scoped).map((v) => [v.paperId, v.value])).toEqual([[more[2]!.id, -1], [more[7]!.id, 1]]);
    expect(ctx.saved.has({ platform: 'chat', workspaceId: '@me', userId: 'U7' }, more[2]!.id)).toBe(true);

    const workspacePerson = { platform: 'chat', workspaceId: 'W1', channelId: 'U8', kind: 'person' as const };
    deliver(workspacePerson, [more[3]!], 'M-dm-8');
    const dm8: VotePlace = { platform: 'chat', workspaceId: 'W1', channelId: 'D-8', direct: true };
    expect(await votes.vote({ place: dm8, userId: 'U8', paperId: more[3]!.id, choice: 'up', shownOn: { messageId: 'M-dm-8' } })).toMatchObject({ kind: 'voted' });
    expect(ctx.votes.voteOf(workspacePerson, more[3]!.id, 'U8')).toBe(1);
  });

  it('counts only a digest that was sent, at the message the button is on, whatever the button says', async () => {
    deliver(target, [more[4]!], 'M-pending', 'pending');
    const refused = await votes.vote({ place, userId: 'U4', paperId: more[4]!.id, choice: 'up', shownOn: { messageId: 'M-pending' } });
    expect(refused).toEqual({ kind: 'error', message: '"Paper 4" was not posted in this channel, so this vote was not counted.' });
    expect(await votes.react({ place, userId: 'U4', messageId: 'M-pending', meaning: 'up', added: true })).toEqual({ kind: 'ignored', reason: 'not-one-paper' });
    // A paper that is not on the message (a button on a shared paper, say) counts nowhere.
    expect(await votes.vote({ place, userId: 'U4', paperId: more[5]!.id, choice: 'up', shownOn: { messageId: 'M1' } })).toMatchObject({ kind: 'error' });
    expect(await votes.vote({ place: { ...place, channelId: 'C-other' }, userId: 'U4', paperId: paper.id, choice: 'up', shownOn: { messageId: 'M1' } })).toMatchObject({ kind: 'error' });
    expect(ctx.votes.forChannel(target).filter((v) => v.userId === 'U4' && v.paperId !== more[1]!.id)).toEqual([]);
    expect(ctx.votes.forChannel({ ...target, channelId: 'C-other' })).toEqual([]);
  });
});
