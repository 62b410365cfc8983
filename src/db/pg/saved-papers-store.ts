import type { Reader, SavedPaper, SavedPapersRepo } from '../saved-papers-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { run, type PgRunner } from './runner.ts';
import type { PgTx } from './transaction.ts';

const KEY = 'platform = $1 AND workspace_id = $2 AND user_id = $3';
const keyOf = (r: Reader) => [r.platform, r.workspaceId, r.userId];

/**
 * Same contract as SavedPapersRepo. Saving twice keeps one entry through the primary key (`ON CONFLICT DO
 * NOTHING`), from any number of connections. Papers saved in the same millisecond are listed newest first by
 * their inserting transaction (`xmin`), where SQLite uses its rowid: entries are never updated, so it is the
 * order they were saved in.
 */
export class PgSavedPapersStore implements Async<SavedPapersRepo> {
  constructor(
    private readonly db: PgDb,
    private readonly on: PgRunner = db.pool,
  ) {}

  /** The same store with its statements on `tx`, inside that transaction. */
  within(tx: PgTx): PgSavedPapersStore {
    return new PgSavedPapersStore(this.db, tx);
  }

  async save(reader: Reader, paperId: string): Promise<boolean> {
    const sql = 'INSERT INTO saved_papers (platform, workspace_id, user_id, paper_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING';
    return (await run(this.on, sql, [...keyOf(reader), paperId])).count > 0;
  }

  async unsave(reader: Reader, paperId: string): Promise<boolean> {
    return (await run(this.on, `DELETE FROM saved_papers WHERE ${KEY} AND paper_id = $4`, [...keyOf(reader), paperId])).count > 0;
  }

  async has(reader: Reader, paperId: string): Promise<boolean> {
    return (await run(this.on, `SELECT 1 FROM saved_papers WHERE ${KEY} AND paper_id = $4`, [...keyOf(reader), paperId])).rows.length > 0;
  }

  async list(reader: Reader, options: { limit: number; offset?: number }): Promise<SavedPaper[]> {
    const sql = `SELECT paper_id AS "paperId", saved_at AS "savedAt" FROM saved_papers WHERE ${KEY}
                 ORDER BY saved_at DESC, xmin::text::bigint DESC LIMIT $4 OFFSET $5`;
    return (await run<SavedPaper>(this.on, sql, [...keyOf(reader), limitOf(options.limit), Math.max(0, options.offset ?? 0)])).rows;
  }

  async size(reader: Reader): Promise<number> {
    return (await run<{ n: number }>(this.on, `SELECT count(*) AS n FROM saved_papers WHERE ${KEY}`, keyOf(reader))).rows[0]!.n;
  }
}

/** SQLite reads a negative LIMIT as none (and a negative OFFSET as 0); PostgreSQL refuses both and reads a NULL LIMIT as none. */
const limitOf = (limit: number) => (limit < 0 ? null : limit);
