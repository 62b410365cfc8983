import type { Statement } from 'better-sqlite3';
import type { ChannelTarget } from '../core/ports.ts';
import type { ChannelKind, Delivery, DeliveryStatus, Platform } from '../core/types.ts';
import type { Day } from '../core/time.ts';
import type { DigestView } from '../core/views.ts';
import type { DigestDecisions } from '../core/decisions.ts';
import type { Db } from './client.ts';
import { writeStoredDecisions } from './stored-decisions.ts';
import { knownParts, readMessageIds, withPart } from './stored-message-ids.ts';
import { readStoredView, writeStoredView } from './stored-view.ts';
import { REOPENABLE_FAILED } from './reopenable.ts';

/** A delivery row with the digest it posts. */
export interface OutboxDelivery extends Delivery {
  /**
   * The exact view the deliver job posts, validated when read. Null for rows written before views were
   * stored, and for a view that cannot be read (then `viewError` says why).
   */
  view: DigestView | null;
  /** Why the stored view could not be read; reading never changes the row (the delivery use case decides). */
  viewError?: string;
}

/** The platform message that shows one paper of a delivery, and the thread replies about it go to. */
export interface PaperMessage {
  paperId: string;
  messageId: string;
  threadId?: string | null;
}

/** One digest to write to the outbox: the selection and what to post. */
export interface DigestOutboxEntry {
  channelId: number;
  feedDay: Day;
  /** The selected papers in posting order, with the topic that selected each (when topics apply). */
  picks: { paperId: string; topic?: string | null }[];
  view: DigestView;
  /** `skipped` records an empty day the channel asked not to hear about, so it is not reconsidered. */
  status: 'pending' | 'skipped';
  /** What the planner decided about every candidate (`/papers why` reads them, see src/db/decisions-repo.ts). */
  decisions?: DigestDecisions;
}

export interface DeliveryRow {
  id: string;
  channel_id: number;
  feed_day: string;
  paper_ids: string;
  status: DeliveryStatus;
  platform_message_ids: string;
  attempts: number;
  last_error: string | null;
  view: string | null;
  created_at: string;
  updated_at: string;
}

export const COLUMNS = 'id, channel_id, feed_day, paper_ids, status, platform_message_ids, attempts, last_error, view, created_at, updated_at';
const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
export const MAX_ERROR_CHARS = 500;

export function fromRow(r: DeliveryRow, view: DigestView | null, viewError?: string): OutboxDelivery {
  return {
    ...(viewError !== undefined ? { viewError } : {}),
    id: r.id,
    channelId: r.channel_id,
    feedDay: r.feed_day,
    paperIds: JSON.parse(r.paper_ids) as string[],
    status: r.status,
    platformMessageIds: readMessageIds(r.platform_message_ids).filter((m): m is string => typeof m === 'string'),
    attempts: r.attempts,
    lastError: r.last_error,
    view,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * The outbox id of a channel's digest for one feed day: deterministic, so every retry and every process
 * names the same delivery. Never contains `:` and is never an integer (BullMQ job id rules), and stays
 * within Discord's 25-character nonce for any channel id below 10^10. `round` counts the earlier rounds of
 * the same day that failed (their papers went back to the pool): round 0 has no suffix.
 */
export function deliveryIdFor(channelId: number, feedDay: Day, round = 0): string {
  return round === 0 ? `d-${channelId}-${feedDay}` : `d-${channelId}-${feedDay}-${round}`;
}

/**
 * The outbox and the ledger of papers delivered to each channel. Stored views are versioned and validated
 * when read: a row whose view cannot be read is never cast and never posted. It comes back with `view:
 * null`, and when it was still due (pending or sending) it is marked failed with the reason, its papers
 * released to the channel's pool when no attempt can have posted any of it.
 */
export class DeliveriesRepo {
  private attemptStateStmt: Statement | undefined;
  private setPaperMessage: Statement | undefined;
  private paperMessageStmt: Statement | undefined;
  private idsStmt: Statement | undefined;
  private setIdsStmt: Statement | undefined;
  private unconfirmedStmt: Statement | undefined;
  private readonly byId: Statement;
  private readonly insertDelivery: Statement;
  private readonly insertPaper: Statement;
  private readonly bumpLastDay: Statement;
  private readonly setStatus: Statement;
  private readonly deliveredStmt: Statement;
  private lastRange: { ids: readonly string[]; min: string; max: string; wanted: Set<string> } | undefined;
  private readonly withTarget: Statement;
  private readonly startAttempt: Statement;
  private readonly sent: Statement;
  private readonly errorOnly: Statement;
  private readonly openForDay: Statement;
  private readonly roundsForDay: Statement;
  private readonly releasePapers: Statement;
  private readonly restoreLastDay: Statement;
  private readonly reopenable: Statement;
  private readonly reopenStmt: Statement;

  constructor(private readonly db: Db) {
    this.byId = db.sqlite.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`);
    this.insertDelivery = db.sqlite.prepare(
      `INSERT INTO deliveries (id, channel_id, feed_day, paper_ids, status, view, decisions) VALUES (@id, @channelId, @feedDay, @paperIds, @status, @view, @decisions)
       ON CONFLICT DO NOTHING`,
    );
    this.insertPaper = db.sqlite.prepare(
      'INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, topic) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.bumpLastDay = db.sqlite.prepare(
      `UPDATE channels SET last_digest_day = MAX(COALESCE(last_digest_day, ''), ?), updated_at = ${NOW} WHERE id = ?`,
    );
    this.withTarget = db.sqlite.prepare(
      `SELECT ${COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, c.platform AS target_platform, c.workspace_id AS target_workspace,
              c.channel_id AS target_channel, c.kind AS target_kind
       FROM deliveries d LEFT JOIN channels c ON c.id = d.channel_id WHERE d.id = ?`,
    );
    this.deliveredStmt = db.sqlite.prepare(
      'SELECT paper_id FROM delivered_papers WHERE channel_id = ? AND paper_id BETWEEN ? AND ?',
    ).pluck();
    this.startAttempt = db.sqlite.prepare(`UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ${NOW} WHERE id = ?`);
    this.sent = db.sqlite.prepare(`UPDATE deliveries SET status = 'sent', platform_message_ids = ?, last_error = NULL, updated_at = ${NOW} WHERE id = ?`);
    this.errorOnly = db.sqlite.prepare(`UPDATE deliveries SET last_error = ?, updated_at = ${NOW} WHERE id = ?`);
    this.openForDay = db.sqlite.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE channel_id = ? AND feed_day = ? AND status <> 'failed'`);
    this.roundsForDay = db.sqlite.prepare('SELECT COUNT(*) FROM deliveries WHERE channel_id = ? AND feed_day = ?').pluck();
    this.releasePapers = db.sqlite.prepare('DELETE FROM delivered_papers WHERE delivery_id = ?');
    this.restoreLastDay = db.sqlite.prepare(
      `UPDATE channels SET last_digest_day = (SELECT MAX(feed_day) FROM deliveries WHERE channel_id = @channelId AND status <> 'failed'),
       updated_at = ${NOW} WHERE id = @channelId`,
    );
    this.reopenable = db.sqlite.prepare(
      `SELECT ${COLUMNS} FROM deliveries d WHERE channel_id = ? AND ${REOPENABLE_FAILED} ORDER BY feed_day, rowid`,
    );
    this.reopenStmt = db.sqlite.prepare(`UPDATE deliveries SET status = 'sending', updated_at = ${NOW} WHERE id = ? AND status = 'failed'`);
    this.setStatus = db.sqlite.prepare(
      `UPDATE deliveries SET status = @status, last_error = @lastError, updated_at = ${NOW} WHERE id = @id`,
    );
  }

  private toDelivery(r: DeliveryRow): OutboxDelivery {
    const read = r.view === null ? { view: null } : readStoredView(r.view);
    return 'view' in read ? fromRow(r, read.view) : fromRow(r, null, read.error);
  }

  /** Which of `paperIds` were already selected for (delivered to) this channel. */
  deliveredAmong(channelId: number, paperIds: readonly string[]): Set<string> {
    if (paperIds.length === 0) return new Set();
    const { min, max, wanted } = this.idRange(paperIds);
    const out = new Set<string>();
    for (const id of this.deliveredStmt.all(channelId, min, max) as string[]) if (wanted.has(id)) out.add(id);
    return out;
  }

  /**
   * One range scan of the (channel_id, paper_id) key between the smallest and largest id, then an exact
   * filter: a day's candidates sit close together in id order, so this reads few rows. Planning asks with
   * the same list for every channel, so the last list's range is kept.
   */
  private idRange(paperIds: readonly string[]): { min: string; max: string; wanted: Set<string> } {
    if (this.lastRange?.ids === paperIds) return this.lastRange;
    let min = paperIds[0]!;
    let max = min;
    for (const id of paperIds) {
      if (id < min) min = id;
      if (id > max) max = id;
    }
    this.lastRange = { ids: paperIds, min, max, wanted: new Set(paperIds) };
    return this.lastRange;
  }

  /**
   * Writes a digest to the outbox in ONE transaction: the delivery row, the `delivered_papers` rows of its
   * picks, and the channel's last digest day. One open (not failed) digest per channel and feed day: when
   * it exists already, nothing is written and the existing row comes back with `created: false`. After a
   * failed round the day gets a new round with its own id.
   */
  createDigest(entry: DigestOutboxEntry): { delivery: OutboxDelivery; created: boolean } {
    return this.db.sqlite.transaction(() => {
      const open = this.openForDay.get(entry.channelId, entry.feedDay) as DeliveryRow | undefined;
      if (open) return { delivery: this.toDelivery(open), created: false };
      const id = deliveryIdFor(entry.channelId, entry.feedDay, this.roundsForDay.get(entry.channelId, entry.feedDay) as number);
      const inserted = this.insertDelivery.run({
        id,
        channelId: entry.channelId,
        feedDay: entry.feedDay,
        paperIds: JSON.stringify(entry.picks.map((p) => p.paperId)),
        status: entry.status,
        view: writeStoredView(entry.view),
        decisions: entry.decisions ? writeStoredDecisions(entry.decisions) : null,
      }).changes;
      if (inserted === 0) return { delivery: this.toDelivery(this.openForDay.get(entry.channelId, entry.feedDay) as DeliveryRow), created: false };
      for (const pick of entry.picks) this.insertPaper.run(entry.channelId, pick.paperId, id, pick.topic ?? null);
      this.bumpLastDay.run(entry.feedDay, entry.channelId);
      return { delivery: this.get(id)!, created: true };
    }).immediate();
  }

  get(id: string): OutboxDelivery | undefined {
    const row = this.byId.get(id) as DeliveryRow | undefined;
    return row ? this.toDelivery(row) : undefined;
  }

  /** A delivery and where it goes, in one query (the deliver job's hot path); `target` is null when the channel is gone. */
  getWithTarget(id: string): (OutboxDelivery & { target: ChannelTarget | null }) | undefined {
    const row = this.withTarget.get(id) as
      | (DeliveryRow & { target_platform: Platform | null; target_workspace: string; target_channel: string; target_kind: ChannelKind })
      | undefined;
    if (!row) return undefined;
    const target = row.target_platform ? { platform: row.target_platform, workspaceId: row.target_workspace, channelId: row.target_channel, kind: row.target_kind } : null;
    return { ...this.toDelivery(row), target };
  }

  /**
   * Starts a delivery attempt: status `sending`, attempts + 1. Returns the row as it was BEFORE, so the
   * caller can tell whether an earlier attempt may already have posted (it was `sending` with attempts > 0).
   */
  beginAttempt(id: string): Pick<OutboxDelivery, 'status' | 'attempts' | 'lastError'> | undefined {
    this.attemptStateStmt ??= this.db.sqlite.prepare('SELECT status, attempts, last_error AS lastError FROM deliveries WHERE id = ?');
    const stateStmt = this.attemptStateStmt;
    return this.db.sqlite.transaction(() => {
      const before = stateStmt.get(id) as Pick<OutboxDelivery, 'status' | 'attempts' | 'lastError'> | undefined;
      if (!before) return undefined;
      this.startAttempt.run(id);
      return before;
    }).immediate();
  }

  /**
   * The platform accepted the digest: records its message ids and, in the same transaction, which message
   * shows each paper (see {@link recordPaperMessages}), so a sent row always knows its messages.
   */
  markSent(id: string, messageIds: string[], shown: readonly PaperMessage[] = []): void {
    this.db.sqlite.transaction(() => {
      this.sent.run(JSON.stringify(messageIds), id);
      if (shown.length > 0) this.recordPaperMessages(id, shown);
    }).immediate();
  }

  /**
   * Part `part` (1-based) of a delivery was accepted by the platform as `messageId`: written at once, so a
   * later attempt, however late, never posts it again ({@link postedParts}).
   */
  recordPosted(id: string, part: number, messageId: string): void {
    this.idsStmt ??= this.db.sqlite.prepare('SELECT platform_message_ids FROM deliveries WHERE id = ?').pluck();
    this.setIdsStmt ??= this.db.sqlite.prepare(`UPDATE deliveries SET platform_message_ids = ?, updated_at = ${NOW} WHERE id = ?`);
    const [read, write] = [this.idsStmt, this.setIdsStmt];
    if (!Number.isInteger(part) || part < 1 || messageId === '') return;
    this.db.sqlite.transaction(() => {
      const text = read.get(id) as string | undefined;
      if (text === undefined) return;
      const next = withPart(text, part, messageId);
      if (next !== undefined) write.run(next, id);
    }).immediate();
  }

  /** The parts of a delivery the platform is known to have accepted: 1-based part -> message id. */
  postedParts(id: string): Map<number, string> {
    this.idsStmt ??= this.db.sqlite.prepare('SELECT platform_message_ids FROM deliveries WHERE id = ?').pluck();
    return knownParts((this.idsStmt.get(id) as string | undefined) ?? '[]');
  }

  /**
   * No retry can deliver this digest. With `release` (the platform is known to have shown none of it), its
   * papers go back to the channel's pool and the channel's last digest day goes back to its last open
   * digest, so the next digest covers them again. Without it (some of it may be showing) the papers stay
   * with this row, which {@link reopenFailed} can hand back to the deliver job, which looks before posting.
   */
  markFailed(id: string, reason: string, options: { release?: boolean } = {}): void {
    this.db.sqlite.transaction(() => {
      this.setStatus.run({ id, status: 'failed', lastError: reason.slice(0, MAX_ERROR_CHARS) });
      if (!options.release) return;
      const row = this.byId.get(id) as DeliveryRow | undefined;
      this.releasePapers.run(id);
      if (row) this.restoreLastDay.run({ channelId: row.channel_id });
    }).immediate();
  }

  /**
   * The platform may have shown the digest but it cannot be checked: counted as sent (never posted twice),
   * with why. The parts known to be accepted stay recorded.
   */
  markSentUnconfirmed(id: string, reason: string): void {
    this.unconfirmedStmt ??= this.db.sqlite.prepare(`UPDATE deliveries SET status = 'sent', last_error = ?, updated_at = ${NOW} WHERE id = ?`);
    this.unconfirmedStmt.run(reason.slice(0, MAX_ERROR_CHARS), id);
  }

  /**
   * Hands a channel's failed digests that still hold their papers (a failure that may have posted some of
   * it) back to delivery: status `sending`, so the next attempt looks for what is showing and posts only
   * the rest. Skips a day that has an open round already; of two failed rounds of one day, reopens the older.
   * Returns the reopened rows.
   */
  reopenFailed(channelId: number): OutboxDelivery[] {
    return this.db.sqlite.transaction(() => {
      // One open round per day: of two failed rounds of a day that both kept papers, the older goes out again.
      const days = new Set<string>();
      const rows = (this.reopenable.all(channelId) as DeliveryRow[]).filter((r) => !days.has(r.feed_day) && this.reopenStmt.run(r.id).changes > 0 && days.add(r.feed_day));
      return rows.map((r) => this.get(r.id)!);
    }).immediate();
  }

  /**
   * The platform refused a part without posting it (rate limit), every part accepted before it being
   * recorded ({@link recordPosted}): back to `pending`, so the next attempt posts the rest without looking.
   */
  markPending(id: string, reason: string): void {
    this.setStatus.run({ id, status: 'pending', lastError: reason.slice(0, MAX_ERROR_CHARS) });
  }

  /** An attempt failed ambiguously (network, 5xx): stays `sending`, so the next attempt looks before posting. */
  recordError(id: string, reason: string): void {
    this.errorOnly.run(reason.slice(0, MAX_ERROR_CHARS), id);
  }

  /** Deliveries not finished (`pending` or `sending`) and untouched for at least `idleMs`: what a sweep re-enqueues. */
  unfinished(options: { idleMs?: number; limit?: number } = {}): OutboxDelivery[] {
    const cutoff = new Date(Date.now() - (options.idleMs ?? 0)).toISOString();
    const rows = this.db.sqlite
      .prepare(`SELECT ${COLUMNS} FROM deliveries WHERE status IN ('pending', 'sending') AND updated_at <= ? ORDER BY created_at LIMIT ?`)
      .all(cutoff, options.limit ?? 10_000) as DeliveryRow[];
    return rows.map((r) => this.toDelivery(r));
  }

  /**
   * Records which platform message shows each paper of a delivery (and the thread replies about it go to),
   * as the platform accepted them: reactions find their paper by message, follow-ups their thread.
   */
  recordPaperMessages(deliveryId: string, shown: readonly PaperMessage[]): void {
    this.setPaperMessage ??= this.db.sqlite.prepare(
      'UPDATE delivered_papers SET message_id = @messageId, thread_id = @threadId WHERE delivery_id = @deliveryId AND paper_id = @paperId',
    );
    const stmt = this.setPaperMessage;
    this.db.sqlite.transaction(() => {
      for (const s of shown) stmt.run({ deliveryId, paperId: s.paperId, messageId: s.messageId, threadId: s.threadId ?? null });
    }).immediate();
  }

  /** Where a paper delivered to a channel is showing: its message and thread, once posted. */
  paperMessage(channelId: number, paperId: string): { deliveryId: string; messageId: string | null; threadId: string | null } | undefined {
    this.paperMessageStmt ??= this.db.sqlite.prepare(
      'SELECT delivery_id AS deliveryId, message_id AS messageId, thread_id AS threadId FROM delivered_papers WHERE channel_id = ? AND paper_id = ?',
    );
    return this.paperMessageStmt.get(channelId, paperId) as { deliveryId: string; messageId: string | null; threadId: string | null } | undefined;
  }

  /** A channel's deliveries, newest feed day first. */
  forChannel(channelId: number, limit = 10): OutboxDelivery[] {
    const rows = this.db.sqlite
      .prepare(`SELECT ${COLUMNS} FROM deliveries WHERE channel_id = ? ORDER BY feed_day DESC LIMIT ?`)
      .all(channelId, limit) as DeliveryRow[];
    return rows.map((r) => this.toDelivery(r));
  }

  /** The newest delivery of every channel that has one, keyed by channel id. */
  latestByChannel(): Map<number, OutboxDelivery> {
    const rows = this.db.sqlite
      .prepare(
        `SELECT ${COLUMNS} FROM deliveries d WHERE feed_day = (SELECT MAX(feed_day) FROM deliveries WHERE channel_id = d.channel_id)`,
      )
      .all() as DeliveryRow[];
    return new Map(rows.map((r) => [r.channel_id, this.toDelivery(r)]));
  }

  /** How many deliveries are in each status (optionally for one channel). */
  countByStatus(channelId?: number): Record<DeliveryStatus, number> {
    const rows = (
      channelId === undefined
        ? this.db.sqlite.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all()
        : this.db.sqlite.prepare('SELECT status, COUNT(*) AS n FROM deliveries WHERE channel_id = ? GROUP BY status').all(channelId)
    ) as { status: DeliveryStatus; n: number }[];
    const out: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }
}
