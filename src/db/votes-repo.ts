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

/** Vote writes per connection (SQLite's `data_version` counts only other connections' commits). */
const LOCAL_WRITES = new WeakMap<object, number>();

/** A chat channel's key in {@link VotesRepo.versions}. */
export const voteKey = (t: ChannelTarget) => `${t.platform}\u0000${t.workspaceId}\u0000${t.channelId}`;

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
  private versionsStmt: Statement | undefined;
  private dataVersion: Statement | undefined;

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
    this.wrote();
    return this.counts(target, paperId);
  }

  /**
   * Takes a person's vote back. With `only` (a reaction removed), only a vote of that value and source is
   * taken back, so removing a reaction never undoes a button vote cast since. Returns the counts after it.
   */
  withdraw(target: ChannelTarget, paperId: string, userId: string, only?: { value: VoteValue; source: VoteSource }): VoteCounts {
    if (only) this.removeIf.run({ ...keyOf(target), paperId, userId, ...only });
    else this.remove.run({ ...keyOf(target), paperId, userId });
    this.wrote();
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

  /**
   * Changes whenever any vote may have changed: a write through any VotesRepo on this connection, or a
   * commit by another connection (SQLite's `data_version`; another process, or anything it wrote). While it
   * stays the same, every channel's {@link version} does too, so a cache can skip reading them.
   */
  generation(): string {
    this.dataVersion ??= this.db.sqlite.prepare('PRAGMA data_version').pluck();
    return `${this.dataVersion.get() as number}|${LOCAL_WRITES.get(this.db.sqlite) ?? 0}`;
  }

  private wrote(): void {
    LOCAL_WRITES.set(this.db.sqlite, (LOCAL_WRITES.get(this.db.sqlite) ?? 0) + 1);
  }

  /** What {@link version} says of these votes (all of one channel), without reading them again. */
  static versionOf(votes: readonly Vote[]): string {
    if (votes.length === 0) return '';
    let at = '';
    let net = 0;
    let mix = 0;
    for (const v of votes) {
      if (v.updatedAt > at) at = v.updatedAt;
      net += v.value;
      mix += v.paperId.length * v.value;
    }
    return `${votes.length}|${at}|${net}|${mix}`;
  }

  /** {@link version} of every channel that has votes, in one read, keyed by {@link voteKey}. */
  versions(): Map<string, string> {
    this.versionsStmt ??= this.db.sqlite.prepare(
      `SELECT platform, workspace_id AS workspaceId, channel_id AS channelId, COUNT(*) AS n, MAX(updated_at) AS at, TOTAL(value) AS net,
              TOTAL(length(paper_id) * value) AS mix
       FROM votes GROUP BY platform, workspace_id, channel_id`,
    );
    const rows = this.versionsStmt.all() as (ChannelTarget & { n: number; at: string; net: number; mix: number })[];
    return new Map(rows.map((r) => [voteKey(r), `${r.n}|${r.at}|${r.net}|${r.mix}`]));
  }

  /** Forgets every vote of a channel (`/papers taste reset`); returns how many were forgotten. */
  resetChannel(target: ChannelTarget): number {
    const forgotten = this.clear.run(keyOf(target)).changes;
    this.wrote();
    return forgotten;
  }
}
