import type { Statement } from 'better-sqlite3';
import type { ChannelTarget } from '../core/ports.ts';
import type { Db } from './client.ts';

/**
 * Which papers a platform message shows, as posted: read from `delivered_papers.message_id` of digests
 * whose delivery is `sent` (a pending or failed digest shows nothing, whatever ids it holds).
 */
export class PostedPapersRepo {
  private readonly atMessage: Statement;

  constructor(db: Db) {
    this.atMessage = db.sqlite.prepare(
      `SELECT p.paper_id FROM delivered_papers p
       JOIN deliveries d ON d.id = p.delivery_id AND d.status = 'sent'
       JOIN channels c ON c.id = p.channel_id
       WHERE p.message_id = @messageId AND c.platform = @platform AND c.workspace_id = @workspaceId AND c.channel_id = @channelId
       ORDER BY p.paper_id`,
    );
  }

  /** The papers a sent digest of `target` shows at `messageId` (none when the message is no posted digest of it). */
  papersAt(target: ChannelTarget, messageId: string): string[] {
    return this.atMessage
      .pluck()
      .all({ messageId, platform: target.platform, workspaceId: target.workspaceId, channelId: target.channelId }) as string[];
  }
}
