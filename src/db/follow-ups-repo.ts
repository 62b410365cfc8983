import type { Statement } from 'better-sqlite3';
import type { ChannelTarget } from '../core/ports.ts';
import type { Day } from '../core/time.ts';
import type { ChannelKind, DigestLayout, Platform } from '../core/types.ts';
import type { Db } from './client.ts';

/** What a follow-up says about a posted paper: its code was released, or its upvotes surged. */
export type FollowUpEvent = 'code' | 'surge';
export type FollowUpStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** A paper posted in a channel (its message recorded), with what it looks like now. */
export interface PostedPaper {
  channelId: number;
  paperId: string;
  deliveryId: string;
  messageId: string;
  threadId: string | null;
  target: ChannelTarget;
  layout: DigestLayout;
  githubRepo: string | null;
  githubStars: number | null;
  upvotes: number;
  /** Events already said (or being said, or given up on) for this paper in this channel; `pending` ones (to try again) are not. */
  done: Set<FollowUpEvent>;
}

/** One follow-up row. */
export interface FollowUp {
  channelId: number;
  paperId: string;
  event: FollowUpEvent;
  detail: string | null;
  status: FollowUpStatus;
  messageId: string | null;
  attempts: number;
  lastError: string | null;
}

export interface PostedRow {
  channel_id: number;
  paper_id: string;
  delivery_id: string;
  message_id: string;
  thread_id: string | null;
  platform: Platform;
  workspace_id: string;
  target_channel: string;
  kind: ChannelKind;
  layout: DigestLayout;
  github_repo: string | null;
  github_stars: number | null;
  upvotes: number;
  events: string | null;
}

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
export const MAX_ERROR_CHARS = 500;

/**
 * The `follow_ups` ledger: one row per channel, paper and event, claimed (written `sending`) before anything
 * is posted, so a crash or a second process never says it twice. A row put back `pending` (a failure a
 * retry may fix) is a candidate again; a row left `sending` by a process that stopped mid-post is given up
 * ({@link expireSending}), never posted again.
 */
/** A posted paper as {@link FollowUpsRepo.postedPapers} reads it, from its row (both dialects select the same columns). */
export function postedPaperFromRow(r: PostedRow): PostedPaper {
  return {
    channelId: r.channel_id,
    paperId: r.paper_id,
    deliveryId: r.delivery_id,
    messageId: r.message_id,
    threadId: r.thread_id,
    target: { platform: r.platform, workspaceId: r.workspace_id, channelId: r.target_channel, kind: r.kind },
    layout: r.layout,
    githubRepo: r.github_repo,
    githubStars: r.github_stars,
    upvotes: r.upvotes,
    done: new Set((r.events ?? '').split(',').filter((e): e is FollowUpEvent => e === 'code' || e === 'surge')),
  };
}

export class FollowUpsRepo {
  private readonly postedStmt: Statement;
  private readonly insertStmt: Statement;
  private readonly retakeStmt: Statement;
  private readonly finishStmt: Statement;
  private readonly getStmt: Statement;
  private readonly expireStmt: Statement;
  private atMessageStmt: Statement | undefined;

  constructor(private readonly db: Db) {
    this.postedStmt = db.sqlite.prepare(
      `SELECT dp.channel_id, dp.paper_id, dp.delivery_id, dp.message_id, dp.thread_id, c.platform, c.workspace_id, c.channel_id AS target_channel, c.kind,
              c.layout, p.github_repo, p.github_stars, p.upvotes,
              (SELECT group_concat(f.event) FROM follow_ups f WHERE f.channel_id = dp.channel_id AND f.paper_id = dp.paper_id AND f.status <> 'pending') AS events
       FROM delivered_papers dp
       JOIN deliveries d ON d.id = dp.delivery_id
       JOIN channels c ON c.id = dp.channel_id
       JOIN papers p ON p.id = dp.paper_id
       WHERE dp.message_id IS NOT NULL AND d.status = 'sent' AND d.feed_day >= @since AND c.paused = 0 AND c.health = 'ok'
         AND ((p.github_repo IS NOT NULL AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.channel_id = dp.channel_id AND f.paper_id = dp.paper_id AND f.event = 'code' AND f.status <> 'pending'))
           OR (p.upvotes >= @minUpvotes AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.channel_id = dp.channel_id AND f.paper_id = dp.paper_id AND f.event = 'surge' AND f.status <> 'pending')))`,
    );
    this.insertStmt = db.sqlite.prepare(
      `INSERT INTO follow_ups (channel_id, paper_id, event, detail, status, attempts) VALUES (@channelId, @paperId, @event, @detail, 'sending', 1)
       ON CONFLICT DO NOTHING`,
    );
    this.retakeStmt = db.sqlite.prepare(
      `UPDATE follow_ups SET status = 'sending', attempts = attempts + 1, detail = @detail, updated_at = ${NOW}
       WHERE channel_id = @channelId AND paper_id = @paperId AND event = @event AND status = 'pending'`,
    );
    this.finishStmt = db.sqlite.prepare(
      `UPDATE follow_ups SET status = @status, message_id = COALESCE(@messageId, message_id), last_error = @lastError, updated_at = ${NOW}
       WHERE channel_id = @channelId AND paper_id = @paperId AND event = @event`,
    );
    this.getStmt = db.sqlite.prepare(
      `SELECT channel_id AS channelId, paper_id AS paperId, event, detail, status, message_id AS messageId, attempts, last_error AS lastError
       FROM follow_ups WHERE channel_id = ? AND paper_id = ? AND event = ?`,
    );
    this.expireStmt = db.sqlite.prepare(
      `UPDATE follow_ups SET status = 'failed', last_error = @reason, updated_at = ${NOW} WHERE status = 'sending' AND updated_at <= @cutoff`,
    );
  }

  /**
   * Papers posted in sent deliveries of feed days from `since` on (channels not paused nor failing), with
   * their message recorded, that have a GitHub repository now or at least `minUpvotes` upvotes, for an
   * event not yet in the ledger (or `pending` there): the candidates for a follow-up (the caller compares with the posted view).
   */
  postedPapers(since: Day, minUpvotes: number): PostedPaper[] {
    return (this.postedStmt.all({ since, minUpvotes }) as PostedRow[]).map(postedPaperFromRow);
  }

  /**
   * Claims a follow-up before it is posted: true when this caller may post it now (a new row, or one a rate
   * limit put back to `pending`); false when it is said, being said, or given up.
   */
  claim(channelId: number, paperId: string, event: FollowUpEvent, detail: string | null): boolean {
    const args = { channelId, paperId, event, detail };
    return this.db.sqlite.transaction(() => this.insertStmt.run(args).changes > 0 || this.retakeStmt.run(args).changes > 0).immediate();
  }

  /** The platform accepted the follow-up (its message id: the reply, or the edited digest part). */
  markSent(channelId: number, paperId: string, event: FollowUpEvent, messageId: string): void {
    this.finishStmt.run({ channelId, paperId, event, status: 'sent', messageId, lastError: null });
  }

  /** A later run tries again (a rate limit, or a failure a retry may fix: the caller looks before posting a reply again). */
  markPending(channelId: number, paperId: string, event: FollowUpEvent, reason: string): void {
    this.finishStmt.run({ channelId, paperId, event, status: 'pending', messageId: null, lastError: reason.slice(0, MAX_ERROR_CHARS) });
  }

  /** Given up: refused, out of attempts, or a failure that may have posted with no way to look (never posted again). */
  markFailed(channelId: number, paperId: string, event: FollowUpEvent, reason: string): void {
    this.finishStmt.run({ channelId, paperId, event, status: 'failed', messageId: null, lastError: reason.slice(0, MAX_ERROR_CHARS) });
  }

  /** Rows left `sending` for at least `idleMs` (their process stopped mid-post): failed, unconfirmed. Returns how many. */
  expireSending(idleMs: number, now = Date.now()): number {
    const reason = 'unconfirmed: the process stopped while posting this follow-up; it is not posted again';
    return this.expireStmt.run({ reason, cutoff: new Date(now - idleMs).toISOString() }).changes;
  }

  /** The code link and upvotes of papers as stored now, by id (for an edit that shows them as they read today). */
  papersNow(ids: readonly string[]): Map<string, { githubRepo: string | null; githubStars: number | null; upvotes: number }> {
    if (ids.length === 0) return new Map();
    const rows = this.db.sqlite
      .prepare(`SELECT id, github_repo AS githubRepo, github_stars AS githubStars, upvotes FROM papers WHERE id IN (${ids.map(() => '?').join(', ')})`)
      .all(...ids) as { id: string; githubRepo: string | null; githubStars: number | null; upvotes: number }[];
    return new Map(rows.map(({ id, ...now }) => [id, now]));
  }

  /** The papers a delivery recorded at one of its messages (what that message shows), in no particular order. */
  papersAtMessage(deliveryId: string, messageId: string): string[] {
    this.atMessageStmt ??= this.db.sqlite.prepare('SELECT paper_id FROM delivered_papers WHERE delivery_id = ? AND message_id = ?').pluck();
    return this.atMessageStmt.all(deliveryId, messageId) as string[];
  }

  get(channelId: number, paperId: string, event: FollowUpEvent): FollowUp | undefined {
    return this.getStmt.get(channelId, paperId, event) as FollowUp | undefined;
  }
}
