import type { ChannelTarget } from '../../core/ports.ts';
import type { ChannelKind, DeliveryStatus, Platform } from '../../core/types.ts';
import { PapersError } from '../../errors.ts';
import {
  COLUMNS,
  MAX_ERROR_CHARS,
  deliveryIdFor,
  fromRow,
  type DeliveriesRepo,
  type DeliveryRow,
  type DigestOutboxEntry,
  type OutboxDelivery,
  type PaperMessage,
} from '../deliveries-repo.ts';
import type { Async } from '../stores.ts';
import { writeStoredDecisions } from '../stored-decisions.ts';
import { knownParts, withPart } from '../stored-message-ids.ts';
import { readStoredView, writeStoredView } from '../stored-view.ts';
import type { PgDb } from './client.ts';
import { changesOf, ISO_NOW, isUniqueViolation, rowOf, rowsOf, run, type PgRunner } from './runner.ts';
import { inTransaction } from './transaction.ts';
import { REOPENABLE_FAILED } from '../reopenable.ts';

type AttemptState = Pick<OutboxDelivery, 'status' | 'attempts' | 'lastError'>;
type TargetRow = DeliveryRow & { target_platform: Platform | null; target_workspace: string; target_channel: string; target_kind: ChannelKind };

/** Rounds of one channel and day, newest first: ids share the day's prefix and a later round has a longer or larger suffix. */
const NEWEST_ROUND_FIRST = 'length(id) DESC, id COLLATE "C" DESC';
/** How many ids a digest tries when another process took the round it counted (see {@link PgDeliveriesStore.createDigest}). */
const MAX_ROUND_TRIES = 5;
/** The message ids a new row holds (the column's default): nothing posted yet. */
const EMPTY_IDS = '[]';

const D_COLUMNS = COLUMNS.split(', ').map((c) => `d.${c}`).join(', ');
/** Which message shows each paper of delivery $1: papers $2, messages $3, threads $4 (see {@link paperMessageValues}). */
const WRITE_PAPER_MESSAGES = `UPDATE delivered_papers dp SET message_id = u.message_id, thread_id = u.thread_id
  FROM unnest($2::text[], $3::text[], $4::text[]) AS u(paper_id, message_id, thread_id)
  WHERE dp.delivery_id = $1 AND dp.paper_id = u.paper_id`;

/** {@link WRITE_PAPER_MESSAGES}'s values: the last message said for each paper wins. */
function paperMessageValues(deliveryId: string, shown: readonly PaperMessage[]): unknown[] {
  const list = [...new Map(shown.map((s) => [s.paperId, s])).values()];
  return [deliveryId, list.map((s) => s.paperId), list.map((s) => s.messageId), list.map((s) => s.threadId ?? null)];
}

/** A digest's row as `INSERT INTO deliveries (id, channel_id, feed_day, paper_ids, status, view, decisions)` takes it. */
function rowValues(id: string, entry: DigestOutboxEntry): unknown[] {
  return [id, entry.channelId, entry.feedDay, JSON.stringify(entry.picks.map((p) => p.paperId)), entry.status, writeStoredView(entry.view), entry.decisions ? writeStoredDecisions(entry.decisions) : null];
}

const OPEN_FOR_DAY = `SELECT ${COLUMNS} FROM deliveries WHERE channel_id = $1 AND feed_day = $2 AND status <> 'failed'`;
const SET_STATUS = `UPDATE deliveries SET status = $2, last_error = $3, updated_at = ${ISO_NOW} WHERE id = $1`;

/**
 * Same contract as DeliveriesRepo, on PostgreSQL. Where SQLite's single writer made a check-then-write safe,
 * each method here says what keeps it exactly once across processes: the partial unique index
 * `deliveries_channel_day_open_unique` (one open row per channel and day) with `ON CONFLICT DO NOTHING`,
 * `SELECT ... FOR UPDATE` on the row a read-modify-write changes, and conditional `UPDATE ... WHERE status`.
 * Writes to `delivered_papers` go in paper id order, so two digests of one channel never deadlock.
 */
export class PgDeliveriesStore implements Async<DeliveriesRepo> {
  constructor(private readonly db: PgDb) {}

  private toDelivery(r: DeliveryRow): OutboxDelivery {
    const read = r.view === null ? { view: null } : readStoredView(r.view);
    return 'view' in read ? fromRow(r, read.view) : fromRow(r, null, read.error);
  }

  /** One exact `= ANY` look-up of the (channel_id, paper_id) key (SQLite's range scan relies on its byte order). */
  async deliveredAmong(channelId: number, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = await rowsOf<{ paper_id: string }>(
      this.db.pool,
      'SELECT paper_id FROM delivered_papers WHERE channel_id = $1 AND paper_id = ANY($2::text[]) ORDER BY paper_id COLLATE "C"',
      [channelId, [...paperIds]],
    );
    return new Set(rows.map((r) => r.paper_id));
  }

  /**
   * In one transaction. Two processes writing the same channel and day both find no open row; the partial
   * unique index makes the second `INSERT ... ON CONFLICT DO NOTHING` wait for the first to commit and then
   * write nothing, and the row the first wrote comes back with `created: false`. When the conflict was on an
   * id whose round is taken but not open (a round another process wrote and failed meanwhile), the next
   * round is tried, a few times at most.
   */
  async createDigest(entry: DigestOutboxEntry): Promise<{ delivery: OutboxDelivery; created: boolean }> {
    const first = await this.createFirstRound(entry);
    if (first) return { delivery: this.toDelivery(first), created: true };
    return inTransaction(this.db.pool, async (tx) => {
      for (let attempt = 0; attempt < MAX_ROUND_TRIES; attempt++) {
        const open = await rowOf<DeliveryRow>(tx, OPEN_FOR_DAY, [entry.channelId, entry.feedDay]);
        if (open) return { delivery: this.toDelivery(open), created: false };
        const rounds = await rowOf<{ n: number }>(tx, 'SELECT COUNT(*) AS n FROM deliveries WHERE channel_id = $1 AND feed_day = $2', [entry.channelId, entry.feedDay]);
        const id = deliveryIdFor(entry.channelId, entry.feedDay, rounds!.n + attempt);
        const inserted = await rowOf<DeliveryRow>(
          tx,
          `INSERT INTO deliveries (id, channel_id, feed_day, paper_ids, status, view, decisions) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
          rowValues(id, entry),
        );
        if (!inserted) continue;
        await this.insertPicks(tx, entry, id);
        await tx.query(
          `UPDATE channels SET last_digest_day = GREATEST(COALESCE(last_digest_day, ''), $1), updated_at = ${ISO_NOW} WHERE id = $2`,
          [entry.feedDay, entry.channelId],
        );
        return { delivery: this.toDelivery(inserted), created: true };
      }
      throw new PapersError('DATABASE', `No free round for the digest of channel ${entry.channelId} on ${entry.feedDay} after ${MAX_ROUND_TRIES} tries`);
    });
  }

  /**
   * The common case in one statement (no transaction to open and commit): the day's first round, its picks'
   * ledger rows and the channel's last digest day, written together or not at all. Undefined when the day has
   * a round already (open or failed), or another process is writing it: {@link createDigest} then goes the
   * transactional way, which finds the open row or the next free round.
   */
  private async createFirstRound(entry: DigestOutboxEntry): Promise<DeliveryRow | undefined> {
    return rowOf<DeliveryRow>(
      this.db.pool,
      `WITH created AS (
         INSERT INTO deliveries (id, channel_id, feed_day, paper_ids, status, view, decisions)
         SELECT $1::text, $2::int, $3::text, $4::text, $5::text, $6::text, $7::text WHERE NOT EXISTS (SELECT 1 FROM deliveries WHERE channel_id = $2 AND feed_day = $3)
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}
       ), picks AS (
         INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, topic)
         SELECT $2, u.paper_id, c.id, u.topic FROM created c, unnest($8::text[], $9::text[]) WITH ORDINALITY AS u(paper_id, topic, n)
         ORDER BY u.paper_id COLLATE "C", u.n
         ON CONFLICT DO NOTHING
       ), day AS (
         UPDATE channels SET last_digest_day = GREATEST(COALESCE(last_digest_day, ''), $3), updated_at = ${ISO_NOW}
         WHERE id = $2 AND EXISTS (SELECT 1 FROM created)
       )
       SELECT * FROM created`,
      [...rowValues(deliveryIdFor(entry.channelId, entry.feedDay), entry), entry.picks.map((p) => p.paperId), entry.picks.map((p) => p.topic ?? null)],
    );
  }

  /** The picks' ledger rows in paper id order (the first pick of a repeated paper wins, as in pick order). */
  private async insertPicks(tx: PgRunner, entry: DigestOutboxEntry, deliveryId: string): Promise<void> {
    if (entry.picks.length === 0) return;
    await tx.query(
      `INSERT INTO delivered_papers (channel_id, paper_id, delivery_id, topic)
       SELECT $1, u.paper_id, $2, u.topic FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS u(paper_id, topic, n)
       ORDER BY u.paper_id COLLATE "C", u.n
       ON CONFLICT DO NOTHING`,
      [entry.channelId, deliveryId, entry.picks.map((p) => p.paperId), entry.picks.map((p) => p.topic ?? null)],
    );
  }

  async get(id: string): Promise<OutboxDelivery | undefined> {
    const row = await rowOf<DeliveryRow>(this.db.pool, `SELECT ${COLUMNS} FROM deliveries WHERE id = $1`, [id]);
    return row ? this.toDelivery(row) : undefined;
  }

  async getWithTarget(id: string): Promise<(OutboxDelivery & { target: ChannelTarget | null }) | undefined> {
    const row = await rowOf<TargetRow>(
      this.db.pool,
      `SELECT ${D_COLUMNS}, c.platform AS target_platform, c.workspace_id AS target_workspace, c.channel_id AS target_channel, c.kind AS target_kind
       FROM deliveries d LEFT JOIN channels c ON c.id = d.channel_id WHERE d.id = $1`,
      [id],
    );
    if (!row) return undefined;
    const target = row.target_platform ? { platform: row.target_platform, workspaceId: row.target_workspace, channelId: row.target_channel, kind: row.target_kind } : null;
    return { ...this.toDelivery(row), target };
  }

  /**
   * One statement: the row is locked and read (`FOR UPDATE`) and written, and its state before comes back.
   * Concurrent attempts queue on the lock, each seeing the one before it.
   */
  async beginAttempt(id: string): Promise<AttemptState | undefined> {
    return rowOf<AttemptState>(
      this.db.pool,
      `UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1, updated_at = ${ISO_NOW}
       FROM (SELECT id, status, attempts, last_error FROM deliveries WHERE id = $1 FOR UPDATE) before
       WHERE d.id = before.id
       RETURNING before.status, before.attempts, before.last_error AS "lastError"`,
      [id],
    );
  }

  /** One statement: the sent mark and the papers' messages together. */
  async markSent(id: string, messageIds: string[], shown: readonly PaperMessage[] = []): Promise<void> {
    await run(
      this.db.pool,
      `WITH sent AS (
         UPDATE deliveries SET status = 'sent', platform_message_ids = $5, last_error = NULL, updated_at = ${ISO_NOW} WHERE id = $1
       )
       ${WRITE_PAPER_MESSAGES}`,
      [...paperMessageValues(id, shown), JSON.stringify(messageIds)],
    );
  }

  /**
   * The stored list is written back only if it is still what was read (compare and set), again after a
   * change in between: parts recorded at once by two processes both stay, with no transaction held. A first
   * part is first set over the empty list a new row holds, unread: one statement for the common case.
   */
  async recordPosted(id: string, part: number, messageId: string): Promise<void> {
    if (!Number.isInteger(part) || part < 1 || messageId === '') return;
    const setIfStill = (next: string, was: string) =>
      changesOf(this.db.pool, `UPDATE deliveries SET platform_message_ids = $1, updated_at = ${ISO_NOW} WHERE id = $2 AND platform_message_ids = $3`, [next, id, was]);
    if (part === 1 && (await setIfStill(withPart(EMPTY_IDS, 1, messageId)!, EMPTY_IDS)) > 0) return;
    for (;;) {
      const row = await rowOf<{ ids: string }>(this.db.pool, 'SELECT platform_message_ids AS ids FROM deliveries WHERE id = $1', [id]);
      if (!row) return;
      const next = withPart(row.ids, part, messageId);
      if (next === undefined) return;
      if ((await setIfStill(next, row.ids)) > 0) return;
    }
  }

  async postedParts(id: string): Promise<Map<number, string>> {
    const row = await rowOf<{ ids: string }>(this.db.pool, 'SELECT platform_message_ids AS ids FROM deliveries WHERE id = $1', [id]);
    return knownParts(row?.ids ?? '[]');
  }

  /**
   * With `release`, one transaction that first locks the channel row (`FOR NO KEY UPDATE`): the last digest
   * day it recomputes then sees every digest committed before it, and a digest written meanwhile raises
   * that day after it (GREATEST), never under it.
   */
  async markFailed(id: string, reason: string, options: { release?: boolean } = {}): Promise<void> {
    const lastError = reason.slice(0, MAX_ERROR_CHARS);
    if (!options.release) {
      await this.db.pool.query(SET_STATUS, [id, 'failed', lastError]);
      return;
    }
    await inTransaction(this.db.pool, async (tx) => {
      const owner = await rowOf<{ channel_id: number }>(tx, 'SELECT channel_id FROM deliveries WHERE id = $1', [id]);
      if (owner) await tx.query('SELECT 1 FROM channels WHERE id = $1 FOR NO KEY UPDATE', [owner.channel_id]);
      await tx.query(SET_STATUS, [id, 'failed', lastError]);
      await tx.query('DELETE FROM delivered_papers WHERE delivery_id = $1', [id]);
      if (!owner) return;
      await tx.query(
        `UPDATE channels SET last_digest_day = (SELECT MAX(feed_day) FROM deliveries WHERE channel_id = $1 AND status <> 'failed'),
         updated_at = ${ISO_NOW} WHERE id = $1`,
        [owner.channel_id],
      );
    });
  }

  async markSentUnconfirmed(id: string, reason: string): Promise<void> {
    await this.db.pool.query(`UPDATE deliveries SET status = 'sent', last_error = $1, updated_at = ${ISO_NOW} WHERE id = $2`, [reason.slice(0, MAX_ERROR_CHARS), id]);
  }

  /**
   * Each row is reopened by its own conditional `UPDATE ... WHERE status = 'failed' AND <no open round that
   * day>`: of two processes reopening at once, one reopens a row and the other finds it taken. A new round
   * another process commits for that day meanwhile wins (the unique violation skips the row). Of two failed
   * rounds of one day that both hold papers, the older is reopened and the newer stays failed.
   */
  async reopenFailed(channelId: number): Promise<OutboxDelivery[]> {
    const candidates = await rowsOf<{ id: string }>(
      this.db.pool,
      `SELECT id FROM deliveries d WHERE channel_id = $1 AND ${REOPENABLE_FAILED}
       ORDER BY feed_day, length(id), id COLLATE "C"`,
      [channelId],
    );
    const reopened: OutboxDelivery[] = [];
    for (const { id } of candidates) {
      const row = await rowOf<DeliveryRow>(
        this.db.pool,
        `UPDATE deliveries d SET status = 'sending', updated_at = ${ISO_NOW} WHERE id = $1 AND ${REOPENABLE_FAILED}
         RETURNING ${COLUMNS}`,
        [id],
      ).catch((error: unknown) => (isUniqueViolation(error) ? undefined : Promise.reject(error)));
      if (row) reopened.push(this.toDelivery(row));
    }
    return reopened;
  }

  async markPending(id: string, reason: string): Promise<void> {
    await this.db.pool.query(SET_STATUS, [id, 'pending', reason.slice(0, MAX_ERROR_CHARS)]);
  }

  async recordError(id: string, reason: string): Promise<void> {
    await this.db.pool.query(`UPDATE deliveries SET last_error = $1, updated_at = ${ISO_NOW} WHERE id = $2`, [reason.slice(0, MAX_ERROR_CHARS), id]);
  }

  async unfinished(options: { idleMs?: number; limit?: number } = {}): Promise<OutboxDelivery[]> {
    const cutoff = new Date(Date.now() - (options.idleMs ?? 0)).toISOString();
    const rows = await rowsOf<DeliveryRow>(
      this.db.pool,
      `SELECT ${COLUMNS} FROM deliveries WHERE status IN ('pending', 'sending') AND updated_at <= $1 ORDER BY created_at, id COLLATE "C" LIMIT $2`,
      [cutoff, options.limit ?? 10_000],
    );
    return rows.map((r) => this.toDelivery(r));
  }

  /** One statement (atomic); when `shown` names a paper twice, the last one is recorded, as SQLite's row-by-row writes do. */
  async recordPaperMessages(deliveryId: string, shown: readonly PaperMessage[]): Promise<void> {
    await this.writePaperMessages(this.db.pool, deliveryId, shown);
  }

  private async writePaperMessages(db: PgRunner, deliveryId: string, shown: readonly PaperMessage[]): Promise<void> {
    if (shown.length > 0) await run(db, WRITE_PAPER_MESSAGES, paperMessageValues(deliveryId, shown));
  }

  async paperMessage(channelId: number, paperId: string): Promise<{ deliveryId: string; messageId: string | null; threadId: string | null } | undefined> {
    return rowOf(
      this.db.pool,
      'SELECT delivery_id AS "deliveryId", message_id AS "messageId", thread_id AS "threadId" FROM delivered_papers WHERE channel_id = $1 AND paper_id = $2',
      [channelId, paperId],
    );
  }

  /** Rounds of one day come newest first, as SQLite's backward index scan gives them. */
  async forChannel(channelId: number, limit = 10): Promise<OutboxDelivery[]> {
    const rows = await rowsOf<DeliveryRow>(
      this.db.pool,
      `SELECT ${COLUMNS} FROM deliveries WHERE channel_id = $1 ORDER BY feed_day DESC, ${NEWEST_ROUND_FIRST} LIMIT $2`,
      [channelId, limit],
    );
    return rows.map((r) => this.toDelivery(r));
  }

  /** Of several rounds on a channel's newest day, the newest round (the one SQLite's scan keeps last); keyed in channel id order. */
  async latestByChannel(): Promise<Map<number, OutboxDelivery>> {
    const rows = await rowsOf<DeliveryRow>(
      this.db.pool,
      `SELECT DISTINCT ON (channel_id) ${COLUMNS} FROM deliveries ORDER BY channel_id, feed_day DESC, ${NEWEST_ROUND_FIRST}`,
    );
    return new Map(rows.map((r) => [r.channel_id, this.toDelivery(r)]));
  }

  async countByStatus(channelId?: number): Promise<Record<DeliveryStatus, number>> {
    const rows =
      channelId === undefined
        ? await rowsOf<{ status: DeliveryStatus; n: number }>(this.db.pool, 'SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')
        : await rowsOf<{ status: DeliveryStatus; n: number }>(this.db.pool, 'SELECT status, COUNT(*) AS n FROM deliveries WHERE channel_id = $1 GROUP BY status', [channelId]);
    const out: Record<DeliveryStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }
}
