import type { Statement } from 'better-sqlite3';
import type { DigestDecisions } from '../core/decisions.ts';
import type { Day } from '../core/time.ts';
import type { DeliveryStatus } from '../core/types.ts';
import type { Db } from './client.ts';
import { readStoredDecisions } from './stored-decisions.ts';

/** One digest of a channel with the planner's recorded decisions (validated when read). */
export interface RecordedDigest {
  deliveryId: string;
  feedDay: Day;
  status: DeliveryStatus;
  lastError: string | null;
  /** Null when the row has none (planned before decisions were recorded) or they cannot be read (`error`). */
  decisions: DigestDecisions | null;
  error?: string;
}

/** Where a paper stands in a channel's ledger of delivered papers. */
export interface LedgerEntry {
  deliveryId: string;
  feedDay: Day;
  status: DeliveryStatus;
  lastError: string | null;
  attempts: number;
}

/** The feed days a channel's recorded digests covered, overall. */
export interface Coverage {
  digests: number;
  /** The earliest covered day of any digest that recorded its days, else the earliest digest's feed day. */
  first?: Day;
  /** The newest digest's feed day. */
  last?: Day;
}

/** A recorded digest's row as both dialects read it. */
export interface DigestRow {
  id: string;
  feed_day: string;
  status: DeliveryStatus;
  last_error: string | null;
  decisions: string | null;
}

/** Reads what `/papers why` answers from: the delivery ledger and the planner's recorded decisions. */
export class DecisionsRepo {
  private readonly mentioningStmt: Statement;
  private readonly ledgerStmt: Statement;
  private readonly listingStmt: Statement;
  private readonly coverageStmt: Statement;
  private readonly undecidedStmt: Statement;

  constructor(db: Db) {
    // `instr` narrows a channel's rows (one a day) to those naming the paper before any JSON is parsed.
    this.mentioningStmt = db.sqlite.prepare(
      `SELECT id, feed_day, status, last_error, decisions FROM deliveries
       WHERE channel_id = ? AND decisions IS NOT NULL AND instr(decisions, ?) > 0 ORDER BY feed_day DESC, created_at DESC LIMIT ?`,
    );
    this.ledgerStmt = db.sqlite.prepare(
      `SELECT d.id AS deliveryId, d.feed_day AS feedDay, d.status, d.last_error AS lastError, d.attempts
       FROM delivered_papers p JOIN deliveries d ON d.id = p.delivery_id WHERE p.channel_id = ? AND p.paper_id = ?`,
    );
    this.listingStmt = db.sqlite.prepare('SELECT feed_day FROM daily_listings WHERE paper_id = ? ORDER BY feed_day').pluck();
    this.coverageStmt = db.sqlite.prepare(
      `SELECT COUNT(*) AS digests, MIN(COALESCE(json_extract(decisions, '$.days[0]'), feed_day)) AS first, MAX(feed_day) AS last
       FROM deliveries WHERE channel_id = ?`,
    );
    this.undecidedStmt = db.sqlite.prepare('SELECT COUNT(*) FROM deliveries WHERE channel_id = ? AND feed_day >= ? AND decisions IS NULL').pluck();
  }

  /** The channel's digests whose recorded decisions may name the paper (callers look it up in them), newest first. */
  mentioning(channelId: number, paperId: string, limit = 20): RecordedDigest[] {
    const rows = this.mentioningStmt.all(channelId, paperId, limit) as DigestRow[];
    return rows.map((r) => {
      const read = r.decisions === null ? { decisions: null } : readStoredDecisions(r.decisions);
      const base = { deliveryId: r.id, feedDay: r.feed_day, status: r.status, lastError: r.last_error };
      return 'error' in read ? { ...base, decisions: null, error: read.error } : { ...base, decisions: read.decisions };
    });
  }

  /** The digest that holds the paper in the channel's ledger (it is never picked again), if any. */
  ledger(channelId: number, paperId: string): LedgerEntry | undefined {
    return this.ledgerStmt.get(channelId, paperId) as LedgerEntry | undefined;
  }

  /** The feed days that listed the paper, oldest first. */
  listingDays(paperId: string): Day[] {
    return this.listingStmt.all(paperId) as Day[];
  }

  /** How many of the channel's digests from `day` on were planned before decisions were recorded. */
  undecidedSince(channelId: number, day: Day): number {
    return this.undecidedStmt.get(channelId, day) as number;
  }

  coverage(channelId: number): Coverage {
    const row = this.coverageStmt.get(channelId) as { digests: number; first: string | null; last: string | null };
    return { digests: row.digests, ...(row.first ? { first: row.first } : {}), ...(row.last ? { last: row.last } : {}) };
  }
}
