import type { Day } from '../../core/time.ts';
import {
  MAX_ERROR_CHARS,
  postedPaperFromRow,
  type FollowUp,
  type FollowUpEvent,
  type FollowUpStatus,
  type FollowUpsRepo,
  type PostedPaper,
  type PostedRow,
} from '../follow-ups-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { changesOf, ISO_NOW, rowOf, rowsOf } from './runner.ts';

const NOT_SAID = (event: FollowUpEvent) =>
  `NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.channel_id = dp.channel_id AND f.paper_id = dp.paper_id AND f.event = '${event}' AND f.status <> 'pending')`;

const POSTED = `SELECT dp.channel_id, dp.paper_id, dp.delivery_id, dp.message_id, dp.thread_id, c.platform, c.workspace_id, c.channel_id AS target_channel, c.kind,
         c.layout, p.github_repo, p.github_stars, p.upvotes,
         (SELECT string_agg(f.event, ',') FROM follow_ups f WHERE f.channel_id = dp.channel_id AND f.paper_id = dp.paper_id AND f.status <> 'pending') AS events
  FROM delivered_papers dp
  JOIN deliveries d ON d.id = dp.delivery_id
  JOIN channels c ON c.id = dp.channel_id
  JOIN papers p ON p.id = dp.paper_id
  WHERE dp.message_id IS NOT NULL AND d.status = 'sent' AND d.feed_day >= $1 AND NOT c.paused AND c.health = 'ok'
    AND ((p.github_repo IS NOT NULL AND ${NOT_SAID('code')}) OR (p.upvotes >= $2 AND ${NOT_SAID('surge')}))
  ORDER BY dp.channel_id, dp.paper_id COLLATE "C"`;

const FINISH = `UPDATE follow_ups SET status = $4, message_id = COALESCE($5, message_id), last_error = $6, updated_at = ${ISO_NOW}
  WHERE channel_id = $1 AND paper_id = $2 AND event = $3`;


/**
 * Same contract as FollowUpsRepo, on PostgreSQL. A claim is one `INSERT ... ON CONFLICT (channel_id,
 * paper_id, event) DO UPDATE ... WHERE follow_ups.status = 'pending'`: of two processes claiming at once,
 * the second waits on the first's row and then finds it `sending`, so exactly one may post.
 */
export class PgFollowUpsStore implements Async<FollowUpsRepo> {
  constructor(private readonly db: PgDb) {}

  /** Ordered by channel and paper id (SQLite's has no order; callers treat it as a set). */
  async postedPapers(since: Day, minUpvotes: number): Promise<PostedPaper[]> {
    return (await rowsOf<PostedRow>(this.db.pool, POSTED, [since, minUpvotes])).map(postedPaperFromRow);
  }

  async claim(channelId: number, paperId: string, event: FollowUpEvent, detail: string | null): Promise<boolean> {
    const won = await rowOf(
      this.db.pool,
      `INSERT INTO follow_ups (channel_id, paper_id, event, detail, status, attempts) VALUES ($1, $2, $3, $4, 'sending', 1)
       ON CONFLICT (channel_id, paper_id, event) DO UPDATE
         SET status = 'sending', attempts = follow_ups.attempts + 1, detail = EXCLUDED.detail, updated_at = ${ISO_NOW}
         WHERE follow_ups.status = 'pending'
       RETURNING 1`,
      [channelId, paperId, event, detail],
    );
    return won !== undefined;
  }

  async markSent(channelId: number, paperId: string, event: FollowUpEvent, messageId: string): Promise<void> {
    await this.finish(channelId, paperId, event, 'sent', messageId, null);
  }

  async markPending(channelId: number, paperId: string, event: FollowUpEvent, reason: string): Promise<void> {
    await this.finish(channelId, paperId, event, 'pending', null, reason.slice(0, MAX_ERROR_CHARS));
  }

  async markFailed(channelId: number, paperId: string, event: FollowUpEvent, reason: string): Promise<void> {
    await this.finish(channelId, paperId, event, 'failed', null, reason.slice(0, MAX_ERROR_CHARS));
  }

  private async finish(channelId: number, paperId: string, event: FollowUpEvent, status: FollowUpStatus, messageId: string | null, lastError: string | null) {
    await this.db.pool.query(FINISH, [channelId, paperId, event, status, messageId, lastError]);
  }

  /** A conditional `UPDATE ... WHERE status = 'sending'`: two processes expiring at once count each row once between them. */
  async expireSending(idleMs: number, now = Date.now()): Promise<number> {
    const reason = 'unconfirmed: the process stopped while posting this follow-up; it is not posted again';
    return changesOf(
      this.db.pool,
      `UPDATE follow_ups SET status = 'failed', last_error = $1, updated_at = ${ISO_NOW} WHERE status = 'sending' AND updated_at <= $2`,
      [reason, new Date(now - idleMs).toISOString()],
    );
  }

  async papersNow(ids: readonly string[]): Promise<Map<string, { githubRepo: string | null; githubStars: number | null; upvotes: number }>> {
    if (ids.length === 0) return new Map();
    const rows = await rowsOf<{ id: string; githubRepo: string | null; githubStars: number | null; upvotes: number }>(
      this.db.pool,
      'SELECT id, github_repo AS "githubRepo", github_stars AS "githubStars", upvotes FROM papers WHERE id = ANY($1::text[])',
      [[...ids]],
    );
    return new Map(rows.map(({ id, ...now }) => [id, now]));
  }

  async papersAtMessage(deliveryId: string, messageId: string): Promise<string[]> {
    const rows = await rowsOf<{ paper_id: string }>(this.db.pool, 'SELECT paper_id FROM delivered_papers WHERE delivery_id = $1 AND message_id = $2', [deliveryId, messageId]);
    return rows.map((r) => r.paper_id);
  }

  async get(channelId: number, paperId: string, event: FollowUpEvent): Promise<FollowUp | undefined> {
    return rowOf<FollowUp>(
      this.db.pool,
      `SELECT channel_id AS "channelId", paper_id AS "paperId", event, detail, status, message_id AS "messageId", attempts, last_error AS "lastError"
       FROM follow_ups WHERE channel_id = $1 AND paper_id = $2 AND event = $3`,
      [channelId, paperId, event],
    );
  }
}
