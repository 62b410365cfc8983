import type { Db } from './client.ts';

/** The outbox and the ledger of papers delivered to each channel. */
export class DeliveriesRepo {
  constructor(private readonly db: Db) {}

  /** Which of `paperIds` were already selected for (delivered to) this channel. */
  deliveredAmong(channelId: number, paperIds: string[]): Set<string> {
    if (paperIds.length === 0) return new Set();
    const rows = this.db.sqlite
      .prepare('SELECT paper_id FROM delivered_papers WHERE channel_id = ? AND paper_id IN (SELECT value FROM json_each(?))')
      .all(channelId, JSON.stringify(paperIds)) as { paper_id: string }[];
    return new Set(rows.map((r) => r.paper_id));
  }
}
