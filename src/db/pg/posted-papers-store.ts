import type { ChannelTarget } from '../../core/ports.ts';
import type { PostedPapersRepo } from '../posted-papers-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';

const AT_MESSAGE = `SELECT p.paper_id FROM delivered_papers p
  JOIN deliveries d ON d.id = p.delivery_id AND d.status = 'sent'
  JOIN channels c ON c.id = p.channel_id
  WHERE p.message_id = $1 AND c.platform = $2 AND c.workspace_id = $3 AND c.channel_id = $4
  ORDER BY p.paper_id COLLATE "C"`;

/** Same contract as {@link PostedPapersRepo}, on PostgreSQL (ordered by paper id in the C collation, as SQLite's binary order). */
export class PgPostedPapersStore implements Async<PostedPapersRepo> {
  constructor(private readonly db: PgDb) {}

  async papersAt(target: ChannelTarget, messageId: string): Promise<string[]> {
    const { rows } = await this.db.pool.query<[string]>({
      text: AT_MESSAGE,
      values: [messageId, target.platform, target.workspaceId, target.channelId],
      rowMode: 'array',
    });
    return rows.map(([paperId]) => paperId);
  }
}
