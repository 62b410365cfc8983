import type { WebClient } from '@slack/web-api';
import type { ChannelTarget } from '../../src/core/ports.ts';
import { PermanentPlatformError } from '../../src/errors.ts';
import { toPlatformError } from './slack-errors.ts';

/** DM channels kept per process; past this many people the cache starts over (re-opening is one call). */
const MAX_CACHED = 10_000;

/**
 * A person's direct-message channel with the bot (`conversations.open`, `im:write`), opened once per
 * person and process: the DM id of a user never changes, so it is cached (per workspace: ids are the workspace's).
 */
export class SlackDms {
  private readonly opened = new Map<string, string>();

  /** The DM channel id with `userId` (of `workspaceId`); a refusal (user gone, bots not allowed) is a `PermanentPlatformError`. */
  async open(client: WebClient, workspaceId: string, userId: string): Promise<string> {
    const key = `${workspaceId}:${userId}`;
    const cached = this.opened.get(key);
    if (cached) return cached;
    let dm: string | undefined;
    try {
      dm = (await client.conversations.open({ users: userId })).channel?.id;
    } catch (error) {
      throw toPlatformError(error, 'conversations.open');
    }
    if (!dm) throw new PermanentPlatformError('no_dm_channel', `Slack opened no DM with ${userId}`);
    if (this.opened.size >= MAX_CACHED) this.opened.clear();
    this.opened.set(key, dm);
    return dm;
  }

  /** Where to post: a person's target becomes their DM channel; a channel's stays as it is. */
  async resolve(client: WebClient, target: ChannelTarget): Promise<ChannelTarget> {
    if (target.kind !== 'person') return target;
    return { ...target, channelId: await this.open(client, target.workspaceId, target.channelId) };
  }
}
