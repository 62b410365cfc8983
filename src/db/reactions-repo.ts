import type { ChannelTarget } from '../core/ports.ts';
import type { Db } from './client.ts';
import type { ProcessedEventsRepo } from './processed-events-repo.ts';
import type { Reader, SavedPapersRepo } from './saved-papers-repo.ts';
import type { VoteCounts, VotesRepo, VoteValue } from './votes-repo.ts';

/** What one reaction does, as the votes use case decided it (src/app/votes.ts). */
export type ReactionEffect =
  | { kind: 'save' | 'unsave'; reader: Reader; paperId: string }
  /** A vote of `value` by a reaction, unless the person's vote already has that value (a button vote stays a button vote). */
  | { kind: 'vote'; channel: ChannelTarget; paperId: string; userId: string; value: VoteValue }
  /** Takes back the person's vote only when a reaction of `value` cast it. */
  | { kind: 'unvote'; channel: ChannelTarget; paperId: string; userId: string; value: VoteValue };

/**
 * A platform event's effect with its dedupe, in one transaction: an event id seen before changes nothing
 * (`redelivered`), and an effect is never applied without its event id being recorded, nor the other way.
 */
export class ReactionsRepo {
  constructor(
    private readonly db: Db,
    private readonly events: ProcessedEventsRepo,
    private readonly saved: SavedPapersRepo,
    private readonly votes: VotesRepo,
  ) {}

  /** Applies `effect` once per `eventId` (always, without one); the vote counts after it, for vote effects. */
  applyOnce(eventId: string | undefined, seenAt: Date, effect: ReactionEffect): 'redelivered' | { counts?: VoteCounts } {
    return this.db.sqlite.transaction(() => {
      if (eventId !== undefined && !this.events.firstSeen(eventId, seenAt)) return 'redelivered' as const;
      return this.apply(effect);
    }).immediate();
  }

  private apply(effect: ReactionEffect): { counts?: VoteCounts } {
    switch (effect.kind) {
      case 'save':
        this.saved.save(effect.reader, effect.paperId);
        return {};
      case 'unsave':
        this.saved.unsave(effect.reader, effect.paperId);
        return {};
      case 'unvote':
        return { counts: this.votes.withdraw(effect.channel, effect.paperId, effect.userId, { value: effect.value, source: 'reaction' }) };
      case 'vote': {
        const { channel, paperId, userId, value } = effect;
        if (this.votes.voteOf(channel, paperId, userId) === value) return { counts: this.votes.counts(channel, paperId) };
        return { counts: this.votes.cast(channel, paperId, userId, value, 'reaction') };
      }
    }
  }
}
