import type { Statement } from 'better-sqlite3';
import type { ChannelTarget } from '../core/ports.ts';
import type { Db } from './client.ts';

/** A vote's value: +1 more like this, -1 less like this. */
export type VoteValue = 1 | -1;

/** How a vote was cast. */
export type VoteSource = 'button' | 'reaction';

/** One person's vote on one paper in one chat channel. */
export interface Vote {
  paperId: string;
  userId: string;
  value: VoteValue;
  source: VoteSource;
  updatedAt: string;
}

/** Up and down votes on one paper in one channel. */
export interface VoteCounts {
  up: number;
  down: number;
}

/** Only the key columns of a target (a target may carry more). */
const keyOf = (t: ChannelTarget) => ({ platform: t.platform, workspaceId: t.workspaceId, channelId: t.channelId });

const NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/**
 * Votes per chat channel (enrolled or not): one per person per paper, changeable. The taste of a channel
 * is learned from {@link forChannel}; buttons and reactions show {@link counts}.
 */
export class VotesRepo {
  private readonly upsert: Statement;
  private readonly remove: Statement;
  private readonly removeIf: Statement;
  private readonly one: Statement;
  private readonly countStmt: Statement;
  private readonly all: Statement;
  private readonly clear: Statement;
  private versionStmt: Statement | undefined;

  constructor(private readonly db: Db) {
    const key = 'platform = @platform AND workspace_id = @workspaceId AND channel_id = @channelId';
    this.upsert = db.sqlite.prepare(
      `INSERT INTO votes (platform, workspace_id, channel_id, paper_id, user_id, value, source)
       VALUES (@platform, @workspaceId, @channelId, @paperId, @userId, @value, @source)
       ON CONFLICT (platform, workspace_id, channel_id, paper_id, user_id)
       DO UPDATE SET value = excluded.value, source = excluded.source, updated_at = ${NOW}`,
    );
    this.remove = db.sqlite.prepare(`DELETE FROM votes WHERE ${key} AND paper_id = @paperId AND user_id = @userId`);
    this.removeIf = db.sqlite.prepare(
      `DELETE FROM votes WHERE ${key} AND paper_id = @paperId AND user_id = @userId AND value = @value AND source = @source`,
    );
    this.one = db.sqlite.prepare(`SELECT value FROM votes WHERE ${key} AND paper_id = @paperId AND user_id = @userId`).pluck();
    this.countStmt = db.sqlite.prepare(
      `SELECT COALESCE(SUM(value > 0), 0) AS up, COALESCE(SUM(value < 0), 0) AS down FROM votes WHERE ${key} AND paper_id = @paperId`,
    );
    this.all = db.sqlite.prepare(
      `SELECT paper_id AS paperId, user_id AS userId, value, source, updated_at AS updatedAt FROM votes WHERE ${key} ORDER BY updated_at, paper_id, user_id`,
    );
    this.clear = db.sqlite.prepare(`DELETE FROM votes WHERE ${key}`);
  }

  /** Sets (or changes) a person's vote; returns the paper's counts after it. */
  cast(target: ChannelTarget, paperId: string, userId: string, value: VoteValue, source: VoteSource = 'button'): VoteCounts {
    this.upsert.run({ ...keyOf(target), paperId, userId, value, source });
    return this.counts(target, paperId);
  }

  /**
   * Takes a person's vote back. With `only` (a reaction removed), only a vote of that value and source is
   * taken back, so removing a reaction never undoes a button vote cast since. Returns the counts after it.
   */
  withdraw(target: ChannelTarget, paperId: string, userId: string, only?: { value: VoteValue; source: VoteSource }): VoteCounts {
    if (only) this.removeIf.run({ ...keyOf(target), paperId, userId, ...only });
    else this.remove.run({ ...keyOf(target), paperId, userId });
    return this.counts(target, paperId);
  }

  /** A person's current vote on a paper, if any. */
  voteOf(target: ChannelTarget, paperId: string, userId: string): VoteValue | undefined {
    return this.one.get({ ...keyOf(target), paperId, userId }) as VoteValue | undefined;
  }

  counts(target: ChannelTarget, paperId: string): VoteCounts {
    const row = this.countStmt.get({ ...keyOf(target), paperId }) as VoteCounts;
    return { up: row.up, down: row.down };
  }

  /** Every vote cast in a channel, oldest first (what its taste is learned from). */
  forChannel(target: ChannelTarget): Vote[] {
    return this.all.all(keyOf(target)) as Vote[];
  }

  /**
   * A fingerprint of a channel's votes, '' when it has none: it changes whenever a vote is cast, changed or
   * taken back, so a taste learned from them can be kept until then. One index range read.
   */
  version(target: ChannelTarget): string {
    this.versionStmt ??= this.db.sqlite.prepare(
      `SELECT COUNT(*) AS n, MAX(updated_at) AS at, TOTAL(value) AS net, TOTAL(length(paper_id) * value) AS mix FROM votes
       WHERE platform = @platform AND workspace_id = @workspaceId AND channel_id = @channelId`,
    );
    const row = this.versionStmt.get(keyOf(target)) as { n: number; at: string | null; net: number; mix: number };
    return row.n === 0 ? '' : `${row.n}|${row.at}|${row.net}|${row.mix}`;
  }

  /** Forgets every vote of a channel (`/papers taste reset`); returns how many were forgotten. */
  resetChannel(target: ChannelTarget): number {
    return this.clear.run(keyOf(target)).changes;
  }
}
