import type { ChannelTarget } from '../../core/ports.ts';
import type { Async } from '../stores.ts';
import { voteKey, type Vote, type VoteCounts, type VoteSource, type VotesRepo, type VoteValue } from '../votes-repo.ts';
import type { PgDb } from './client.ts';
import { ISO_NOW, run, type PgRunner } from './runner.ts';
import type { PgTx } from './transaction.ts';

const KEY = 'platform = $1 AND workspace_id = $2 AND channel_id = $3';
const keyOf = (t: ChannelTarget) => [t.platform, t.workspaceId, t.channelId];

/** A channel's fingerprint columns, as SQLite's `COUNT, MAX(updated_at), TOTAL(value), TOTAL(length(paper_id) * value)`. */
const FINGERPRINT = 'count(*) AS n, max(updated_at) AS at, coalesce(sum(value), 0) AS net, coalesce(sum(length(paper_id) * value), 0) AS mix';

type Fingerprint = { n: number; at: string | null; net: number; mix: number };
const fingerprint = (row: Fingerprint) => (row.n === 0 ? '' : `${row.n}|${row.at}|${row.net}|${row.mix}`);

/**
 * Same contract as VotesRepo. One vote per person, paper and channel through the primary key (`ON CONFLICT
 * DO UPDATE`), from any number of connections. {@link version} and {@link versions} give the very strings
 * SQLite's do (and `VotesRepo.versionOf` computes). {@link generation} reads a counter that a statement
 * trigger on `votes` bumps in the writing transaction (drizzle/pg/0003_votes_generation.sql): it changes
 * when a vote write of any connection commits, where SQLite's `data_version` changes on any commit.
 */
export class PgVotesStore implements Async<VotesRepo> {
  constructor(
    private readonly db: PgDb,
    private readonly on: PgRunner = db.pool,
  ) {}

  /** The same store with its statements on `tx`, inside that transaction. */
  within(tx: PgTx): PgVotesStore {
    return new PgVotesStore(this.db, tx);
  }

  async cast(target: ChannelTarget, paperId: string, userId: string, value: VoteValue, source: VoteSource = 'button'): Promise<VoteCounts> {
    await this.upsert(target, paperId, userId, value, source, '');
    return this.counts(target, paperId);
  }

  /**
   * {@link cast} unless the person's vote already has `value`, which then stays as it is (a button vote stays a
   * button vote): one conditional upsert, so a vote another connection casts meanwhile is never taken over.
   */
  async castUnlessSame(target: ChannelTarget, paperId: string, userId: string, value: VoteValue, source: VoteSource): Promise<VoteCounts> {
    await this.upsert(target, paperId, userId, value, source, 'WHERE votes.value <> excluded.value');
    return this.counts(target, paperId);
  }

  private async upsert(target: ChannelTarget, paperId: string, userId: string, value: VoteValue, source: VoteSource, where: string): Promise<void> {
    await run(
      this.on,
      `INSERT INTO votes (platform, workspace_id, channel_id, paper_id, user_id, value, source) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (platform, workspace_id, channel_id, paper_id, user_id)
       DO UPDATE SET value = excluded.value, source = excluded.source, updated_at = ${ISO_NOW} ${where}`,
      [...keyOf(target), paperId, userId, value, source],
    );
  }

  async withdraw(target: ChannelTarget, paperId: string, userId: string, only?: { value: VoteValue; source: VoteSource }): Promise<VoteCounts> {
    const one = [...keyOf(target), paperId, userId];
    if (only) await run(this.on, `DELETE FROM votes WHERE ${KEY} AND paper_id = $4 AND user_id = $5 AND value = $6 AND source = $7`, [...one, only.value, only.source]);
    else await run(this.on, `DELETE FROM votes WHERE ${KEY} AND paper_id = $4 AND user_id = $5`, one);
    return this.counts(target, paperId);
  }

  async voteOf(target: ChannelTarget, paperId: string, userId: string): Promise<VoteValue | undefined> {
    const { rows } = await run<{ value: VoteValue }>(this.on, `SELECT value FROM votes WHERE ${KEY} AND paper_id = $4 AND user_id = $5`, [...keyOf(target), paperId, userId]);
    return rows[0]?.value;
  }

  async counts(target: ChannelTarget, paperId: string): Promise<VoteCounts> {
    const sql = `SELECT count(*) FILTER (WHERE value > 0) AS up, count(*) FILTER (WHERE value < 0) AS down FROM votes WHERE ${KEY} AND paper_id = $4`;
    const row = (await run<VoteCounts>(this.on, sql, [...keyOf(target), paperId])).rows[0]!;
    return { up: row.up, down: row.down };
  }

  async forChannel(target: ChannelTarget): Promise<Vote[]> {
    const sql = `SELECT paper_id AS "paperId", user_id AS "userId", value, source, updated_at AS "updatedAt" FROM votes WHERE ${KEY}
                 ORDER BY updated_at, paper_id COLLATE "C", user_id COLLATE "C"`;
    return (await run<Vote>(this.on, sql, keyOf(target))).rows;
  }

  async version(target: ChannelTarget): Promise<string> {
    return fingerprint((await run<Fingerprint>(this.on, `SELECT ${FINGERPRINT} FROM votes WHERE ${KEY}`, keyOf(target))).rows[0]!);
  }

  async generation(): Promise<string> {
    const { rows } = await run<{ version: number }>(this.on, "SELECT version FROM derived_state WHERE name = 'votes_generation'");
    return String(rows[0]?.version ?? 0);
  }

  async versions(): Promise<Map<string, string>> {
    const sql = `SELECT platform, workspace_id AS "workspaceId", channel_id AS "channelId", ${FINGERPRINT} FROM votes GROUP BY platform, workspace_id, channel_id`;
    const { rows } = await run<ChannelTarget & Fingerprint>(this.on, sql);
    return new Map(rows.map((r) => [voteKey(r), fingerprint(r)]));
  }

  async resetChannel(target: ChannelTarget): Promise<number> {
    return (await run(this.on, `DELETE FROM votes WHERE ${KEY}`, keyOf(target))).count;
  }
}
