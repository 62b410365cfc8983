import type { ReactionEffect, ReactionsRepo } from '../reactions-repo.ts';
import type { Async } from '../stores.ts';
import type { VoteCounts } from '../votes-repo.ts';
import type { PgDb } from './client.ts';
import type { PgProcessedEventsStore } from './processed-events-store.ts';
import type { PgSavedPapersStore } from './saved-papers-store.ts';
import { inTransaction, type PgTx } from './transaction.ts';
import type { PgVotesStore } from './votes-store.ts';

/**
 * Same contract as ReactionsRepo: the event's dedupe and its effect are the other stores' statements, run
 * `within` one transaction on one connection. Of two connections applying one event id at once, the second
 * waits on the first's uncommitted `processed_events` row (see PgProcessedEventsStore) and answers
 * `redelivered` once it commits, or applies the effect itself when the first rolled back. A reaction's vote is
 * one conditional upsert (PgVotesStore.castUnlessSame), where SQLite reads the vote and then casts: a button
 * vote of the same value cast meanwhile by another connection stays a button vote.
 */
export class PgReactionsStore implements Async<ReactionsRepo> {
  constructor(
    private readonly db: PgDb,
    private readonly events: PgProcessedEventsStore,
    private readonly saved: PgSavedPapersStore,
    private readonly votes: PgVotesStore,
  ) {}

  applyOnce(eventId: string | undefined, seenAt: Date, effect: ReactionEffect): Promise<'redelivered' | { counts?: VoteCounts }> {
    return inTransaction(this.db.pool, async (tx) => {
      if (eventId !== undefined && !(await this.events.within(tx).firstSeen(eventId, seenAt))) return 'redelivered' as const;
      return this.apply(tx, effect);
    });
  }

  private async apply(tx: PgTx, effect: ReactionEffect): Promise<{ counts?: VoteCounts }> {
    const votes = this.votes.within(tx);
    switch (effect.kind) {
      case 'save':
        await this.saved.within(tx).save(effect.reader, effect.paperId);
        return {};
      case 'unsave':
        await this.saved.within(tx).unsave(effect.reader, effect.paperId);
        return {};
      case 'unvote':
        return { counts: await votes.withdraw(effect.channel, effect.paperId, effect.userId, { value: effect.value, source: 'reaction' }) };
      case 'vote':
        return { counts: await votes.castUnlessSame(effect.channel, effect.paperId, effect.userId, effect.value, 'reaction') };
    }
  }
}
