import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgProcessedEventsStore } from '../../src/db/pg/processed-events-store.ts';
import { PgReactionsStore } from '../../src/db/pg/reactions-store.ts';
import { PgSavedPapersStore } from '../../src/db/pg/saved-papers-store.ts';
import { PgVotesStore } from '../../src/db/pg/votes-store.ts';
import { ProcessedEventsRepo } from '../../src/db/processed-events-repo.ts';
import { ReactionsRepo, type ReactionEffect } from '../../src/db/reactions-repo.ts';
import { SavedPapersRepo } from '../../src/db/saved-papers-repo.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { VotesRepo } from '../../src/db/votes-repo.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const channel = { platform: 'slack', workspaceId: 'T1', channelId: 'C1' };
const reader = { platform: 'slack', workspaceId: 'T1', userId: 'U1' };
const at = new Date('2025-03-01T10:00:00Z');

describe.each(BACKENDS)('reactions applied once per event on %s', (name) => {
  let backend: Backend;
  let reactions: Async<ReactionsRepo>;
  let votes: Async<VotesRepo>;
  let saved: Async<SavedPapersRepo>;

  beforeAll(async () => {
    backend = await openBackend(name, 'stores-reactions');
    if (backend.name === 'sqlite') {
      const { db } = backend;
      const [events, savedRepo, votesRepo] = [new ProcessedEventsRepo(db), new SavedPapersRepo(db), new VotesRepo(db)];
      reactions = promised(new ReactionsRepo(db, events, savedRepo, votesRepo));
      votes = promised(votesRepo);
      saved = promised(savedRepo);
    } else {
      const { pg } = backend;
      const [events, savedStore, votesStore] = [new PgProcessedEventsStore(pg), new PgSavedPapersStore(pg), new PgVotesStore(pg)];
      reactions = new PgReactionsStore(pg, events, savedStore, votesStore);
      votes = votesStore;
      saved = savedStore;
    }
  });
  afterAll(() => backend?.close());

  const recorded = async (eventId: string) => (await rawSql(backend, 'SELECT count(*) AS n FROM processed_events WHERE event_id = ?', [eventId]))[0]!.n;

  it('records the event with its effect, and a redelivered event changes nothing', async () => {
    const vote = { kind: 'vote', channel, paperId: 'p1', userId: 'U1', value: 1 } as const;
    expect(await reactions.applyOnce('e-1', at, vote)).toEqual({ counts: { up: 1, down: 0 } });
    const removal = { ...vote, kind: 'unvote' } as const;
    expect(await reactions.applyOnce('e-2', at, removal)).toEqual({ counts: { up: 0, down: 0 } });
    expect(await reactions.applyOnce('e-1', at, vote)).toBe('redelivered');
    expect(await votes.counts(channel, 'p1')).toEqual({ up: 0, down: 0 });
  });

  it('applies an effect without an event id every time', async () => {
    const save = { kind: 'save', reader, paperId: 'p2' } as const;
    expect(await reactions.applyOnce(undefined, at, save)).toEqual({});
    expect(await reactions.applyOnce(undefined, at, { ...save, kind: 'unsave' })).toEqual({});
    expect(await reactions.applyOnce(undefined, at, save)).toEqual({});
    expect(await saved.has(reader, 'p2')).toBe(true);
    expect(await reactions.applyOnce('e-3', at, { ...save, kind: 'unsave' })).toEqual({});
    expect(await saved.has(reader, 'p2')).toBe(false);
  });

  it('leaves a button vote of the same value a button vote, and a removed reaction leaves it standing', async () => {
    await votes.cast(channel, 'p3', 'U2', -1, 'button');
    const vote = { kind: 'vote', channel, paperId: 'p3', userId: 'U2', value: -1 } as const;
    expect(await reactions.applyOnce('e-4', at, vote)).toEqual({ counts: { up: 0, down: 1 } });
    expect((await votes.forChannel(channel)).find((v) => v.paperId === 'p3')).toMatchObject({ value: -1, source: 'button' });
    expect(await reactions.applyOnce('e-5', at, { ...vote, kind: 'unvote' })).toEqual({ counts: { up: 0, down: 1 } });
    expect(await reactions.applyOnce('e-6', at, { ...vote, value: 1 })).toEqual({ counts: { up: 1, down: 0 } });
    expect((await votes.forChannel(channel)).find((v) => v.paperId === 'p3')).toMatchObject({ value: 1, source: 'reaction' });
  });

  it('leaves the event unrecorded when its effect fails, so the redelivery applies it', async () => {
    const vote = { kind: 'vote', channel, paperId: 'p4', userId: 'U3', value: -1 } as const;
    if (backend.name === 'sqlite') {
      await rawSql(backend, "CREATE TEMP TRIGGER refuse_vote BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    } else {
      await rawSql(backend, "CREATE FUNCTION refuse_vote() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$");
      await rawSql(backend, 'CREATE TRIGGER refuse_vote BEFORE INSERT ON votes FOR EACH ROW EXECUTE FUNCTION refuse_vote()');
    }
    const failed = await reactions.applyOnce('e-7', at, vote).then(() => 'applied', (error: Error) => error.message);
    await rawSql(backend, backend.name === 'sqlite' ? 'DROP TRIGGER refuse_vote' : 'DROP TRIGGER refuse_vote ON votes');
    expect(failed).toContain('disk full');
    expect(await recorded('e-7')).toBe(0);
    expect(await reactions.applyOnce('e-7', at, vote)).toEqual({ counts: { up: 0, down: 1 } });
    expect(await recorded('e-7')).toBe(1);
  });

  it('applies an event once when several connections apply it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const eventId = `race-${round}`;
      const effects: ReactionEffect[] = Array.from({ length: 6 }, (_, i) => ({ kind: 'vote', channel, paperId: `r${round}`, userId: `U${i}`, value: 1 }));
      const answers = await Promise.all(effects.map((effect) => reactions.applyOnce(eventId, at, effect)));
      expect(answers.filter((a) => a !== 'redelivered')).toEqual([{ counts: { up: 1, down: 0 } }]);
      expect(await votes.counts(channel, `r${round}`)).toEqual({ up: 1, down: 0 });
      expect(await recorded(eventId)).toBe(1);
    }
  });

  it('never turns a button vote cast at the same moment into a reaction vote', async () => {
    for (let round = 0; round < 10; round++) {
      const paperId = `b${round}`;
      const reaction = reactions.applyOnce(`both-${round}`, at, { kind: 'vote', channel, paperId, userId: 'U7', value: 1 });
      await Promise.all([reaction, votes.cast(channel, paperId, 'U7', 1, 'button')]);
      expect((await votes.forChannel(channel)).find((v) => v.paperId === paperId)).toMatchObject({ value: 1, source: 'button' });
    }
  });
});
