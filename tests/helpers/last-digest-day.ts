import type { Day } from '../../src/core/time.ts';
import type { Db } from '../../src/db/client.ts';

/**
 * Sets a channel's last digest day straight in its column: the state a digest of `day` leaves behind,
 * without the outbox row (for tests that count a channel's deliveries).
 */
export function setLastDigestDay(db: Db, channelId: number, day: Day): void {
  db.sqlite.prepare('UPDATE channels SET last_digest_day = ? WHERE id = ?').run(day, channelId);
}
