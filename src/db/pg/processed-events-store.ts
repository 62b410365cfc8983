import type { ProcessedEventsRepo } from '../processed-events-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { run, type PgRunner } from './runner.ts';
import type { PgTx } from './transaction.ts';

/**
 * Same contract as ProcessedEventsRepo. Exactly once across processes: `event_id` is the primary key and
 * {@link firstSeen} inserts `ON CONFLICT DO NOTHING`, so of two connections recording one id at once the
 * second waits for the first to commit and finds the row (or inserts it, when the first rolled back).
 */
export class PgProcessedEventsStore implements Async<ProcessedEventsRepo> {
  constructor(
    private readonly db: PgDb,
    private readonly on: PgRunner = db.pool,
  ) {}

  /** The same store with its statements on `tx`, inside that transaction. */
  within(tx: PgTx): PgProcessedEventsStore {
    return new PgProcessedEventsStore(this.db, tx);
  }

  async firstSeen(eventId: string, now: Date): Promise<boolean> {
    const { count } = await run(this.on, 'INSERT INTO processed_events (event_id, seen_at) VALUES ($1, $2) ON CONFLICT DO NOTHING', [eventId, now.toISOString()]);
    return count > 0;
  }

  async forgetBefore(before: Date): Promise<number> {
    return (await run(this.on, 'DELETE FROM processed_events WHERE seen_at < $1', [before.toISOString()])).count;
  }
}
