import type { Statement } from 'better-sqlite3';
import type { Platform } from '../core/types.ts';
import type { Db } from './client.ts';

/** Whose reading list: one person on one platform's workspace (a reading list is not per channel). */
export interface Reader {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

/** One paper on a reading list. */
export interface SavedPaper {
  paperId: string;
  savedAt: string;
}

const keyOf = (r: Reader) => ({ platform: r.platform, workspaceId: r.workspaceId, userId: r.userId });

/** Each person's reading list (🔖): saving twice keeps one entry; newest first. */
export class SavedPapersRepo {
  private readonly insert: Statement;
  private readonly remove: Statement;
  private readonly one: Statement;
  private readonly page: Statement;
  private readonly count: Statement;

  constructor(db: Db) {
    const key = 'platform = @platform AND workspace_id = @workspaceId AND user_id = @userId';
    this.insert = db.sqlite.prepare(
      'INSERT INTO saved_papers (platform, workspace_id, user_id, paper_id) VALUES (@platform, @workspaceId, @userId, @paperId) ON CONFLICT DO NOTHING',
    );
    this.remove = db.sqlite.prepare(`DELETE FROM saved_papers WHERE ${key} AND paper_id = @paperId`);
    this.one = db.sqlite.prepare(`SELECT 1 FROM saved_papers WHERE ${key} AND paper_id = @paperId`).pluck();
    this.page = db.sqlite.prepare(
      `SELECT paper_id AS paperId, saved_at AS savedAt FROM saved_papers WHERE ${key} ORDER BY saved_at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
    );
    this.count = db.sqlite.prepare(`SELECT COUNT(*) FROM saved_papers WHERE ${key}`).pluck();
  }

  /** Adds a paper to the list; false when it was already there. */
  save(reader: Reader, paperId: string): boolean {
    return this.insert.run({ ...keyOf(reader), paperId }).changes > 0;
  }

  /** Takes a paper off the list; false when it was not on it. */
  unsave(reader: Reader, paperId: string): boolean {
    return this.remove.run({ ...keyOf(reader), paperId }).changes > 0;
  }

  has(reader: Reader, paperId: string): boolean {
    return this.one.get({ ...keyOf(reader), paperId }) !== undefined;
  }

  /** The list, newest first: `limit` entries from `offset`. */
  list(reader: Reader, options: { limit: number; offset?: number }): SavedPaper[] {
    return this.page.all({ ...keyOf(reader), limit: options.limit, offset: options.offset ?? 0 }) as SavedPaper[];
  }

  size(reader: Reader): number {
    return this.count.get(keyOf(reader)) as number;
  }
}
