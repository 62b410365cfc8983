import type { Day } from '../../core/time.ts';
import type { Coverage, DecisionsRepo, DigestRow, LedgerEntry, RecordedDigest } from '../decisions-repo.ts';
import type { Async } from '../stores.ts';
import { readStoredDecisions } from '../stored-decisions.ts';
import type { PgDb } from './client.ts';
import { rowOf, rowsOf } from './runner.ts';


/**
 * Same contract as DecisionsRepo, on PostgreSQL (reads only). `strpos` narrows a channel's rows to those
 * naming the paper before any JSON is parsed, as `instr` does on SQLite; rounds of one day stored in the
 * same millisecond come newest round first.
 */
export class PgDecisionsStore implements Async<DecisionsRepo> {
  constructor(private readonly db: PgDb) {}

  async mentioning(channelId: number, paperId: string, limit = 20): Promise<RecordedDigest[]> {
    const rows = await rowsOf<DigestRow>(
      this.db.pool,
      `SELECT id, feed_day, status, last_error, decisions FROM deliveries
       WHERE channel_id = $1 AND decisions IS NOT NULL AND strpos(decisions, $2) > 0
       ORDER BY feed_day DESC, created_at DESC, length(id) DESC, id COLLATE "C" DESC LIMIT $3`,
      [channelId, paperId, limit],
    );
    return rows.map((r) => {
      const read = r.decisions === null ? { decisions: null } : readStoredDecisions(r.decisions);
      const base = { deliveryId: r.id, feedDay: r.feed_day, status: r.status, lastError: r.last_error };
      return 'error' in read ? { ...base, decisions: null, error: read.error } : { ...base, decisions: read.decisions };
    });
  }

  async ledger(channelId: number, paperId: string): Promise<LedgerEntry | undefined> {
    return rowOf<LedgerEntry>(
      this.db.pool,
      `SELECT d.id AS "deliveryId", d.feed_day AS "feedDay", d.status, d.last_error AS "lastError", d.attempts
       FROM delivered_papers p JOIN deliveries d ON d.id = p.delivery_id WHERE p.channel_id = $1 AND p.paper_id = $2`,
      [channelId, paperId],
    );
  }

  async listingDays(paperId: string): Promise<Day[]> {
    const rows = await rowsOf<{ feed_day: Day }>(this.db.pool, 'SELECT feed_day FROM daily_listings WHERE paper_id = $1 ORDER BY feed_day', [paperId]);
    return rows.map((r) => r.feed_day);
  }

  async undecidedSince(channelId: number, day: Day): Promise<number> {
    const row = await rowOf<{ n: number }>(this.db.pool, 'SELECT COUNT(*) AS n FROM deliveries WHERE channel_id = $1 AND feed_day >= $2 AND decisions IS NULL', [channelId, day]);
    return row!.n;
  }

  /** `decisions::json -> 'days' ->> 0` in place of SQLite's `json_extract(decisions, '$.days[0]')`. */
  async coverage(channelId: number): Promise<Coverage> {
    const row = await rowOf<{ digests: number; first: string | null; last: string | null }>(
      this.db.pool,
      `SELECT COUNT(*) AS digests, MIN(COALESCE(decisions::json -> 'days' ->> 0, feed_day)) AS first, MAX(feed_day) AS last
       FROM deliveries WHERE channel_id = $1`,
      [channelId],
    );
    return { digests: row!.digests, ...(row!.first ? { first: row!.first } : {}), ...(row!.last ? { last: row!.last } : {}) };
  }
}
