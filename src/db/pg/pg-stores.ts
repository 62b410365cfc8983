import type { TokenCipher } from '../../core/token-cipher.ts';
import type { Stores } from '../stores.ts';
import type { PgDb } from './client.ts';
import { PgChannelsStore } from './channels-store.ts';
import { PgDecisionsStore } from './decisions-store.ts';
import { PgDeliveriesStore } from './deliveries-store.ts';
import { PgFollowUpsStore } from './follow-ups-store.ts';
import { PgInstallationsStore } from './installations-store.ts';
import { PgPapersStore } from './papers-store.ts';
import { PgPostedPapersStore } from './posted-papers-store.ts';
import { PgProcessedEventsStore } from './processed-events-store.ts';
import { PgReactionsStore } from './reactions-store.ts';
import { PgSavedPapersStore } from './saved-papers-store.ts';
import { PgVotesStore } from './votes-store.ts';

/** Every store on one PostgreSQL pool: the second dialect of {@link Stores}; installations only with a cipher. */
export function createPgStores(db: PgDb, options: { cipher?: TokenCipher } = {}): Stores {
  const processedEvents = new PgProcessedEventsStore(db);
  const saved = new PgSavedPapersStore(db);
  const votes = new PgVotesStore(db);
  return {
    papers: new PgPapersStore(db),
    channels: new PgChannelsStore(db),
    deliveries: new PgDeliveriesStore(db),
    votes,
    saved,
    processedEvents,
    reactions: new PgReactionsStore(db, processedEvents, saved, votes),
    postedPapers: new PgPostedPapersStore(db),
    followUps: new PgFollowUpsStore(db),
    decisions: new PgDecisionsStore(db),
    ...(options.cipher ? { installations: new PgInstallationsStore(db, options.cipher) } : {}),
  };
}
