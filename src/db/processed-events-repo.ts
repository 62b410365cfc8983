import type { Statement } from 'better-sqlite3';
import type { Db } from './client.ts';

/**
 * Platform events already handled, by their id (Slack's `event_id`): an at-least-once event source
 * redelivers, and a redelivered event must count once. Entries older than the redelivery window are pruned.
 */
export class ProcessedEventsRepo {
  private readonly insert: Statement;
  private readonly prune: Statement;

  constructor(db: Db) {
    this.insert = db.sqlite.prepare('INSERT INTO processed_events (event_id, seen_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
    this.prune = db.sqlite.prepare('DELETE FROM processed_events WHERE seen_at < ?');
  }

  /** Records `eventId` as handled at `now`; true the first time, false for a redelivery. */
  firstSeen(eventId: string, now: Date): boolean {
    return this.insert.run(eventId, now.toISOString()).changes > 0;
  }

  /** Forgets events seen before `before`; returns how many were forgotten. */
  forgetBefore(before: Date): number {
    return this.prune.run(before.toISOString()).changes;
  }
}
