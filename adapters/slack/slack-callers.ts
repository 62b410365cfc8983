import type { WebClient } from '@slack/web-api';
import { describeError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';

/** What the command core needs to know about the person running a command. */
export interface Caller {
  /** IANA zone from the Slack profile, when Slack knows it. */
  timeZone?: string;
  canManage: boolean;
}

interface CachedUser {
  tz?: string;
  admin: boolean;
  expires: number;
}

/** How long a `users.info` answer counts: a demoted admin loses rights within a minute. */
export const CALLER_CACHE_TTL_MS = 60_000;
const MAX_ENTRIES = 5000;

/**
 * Looks callers up with `users.info` (time zone, admin or owner), cached for at most a minute. With
 * `adminsOnly`, only workspace admins and owners may manage channels; when the lookup fails they may not.
 */
export class SlackCallers {
  private readonly cache = new Map<string, CachedUser>();

  constructor(
    private readonly client: WebClient,
    private readonly options: { adminsOnly: boolean; logger: Logger; now?: () => number },
  ) {}

  /** `client`: the caller's workspace's own (OAuth mode); default the one this was built with. */
  async resolve(teamId: string, userId: string, client: WebClient = this.client): Promise<Caller> {
    const user = await this.lookup(client, teamId, userId);
    return {
      ...(user?.tz ? { timeZone: user.tz } : {}),
      canManage: !this.options.adminsOnly || (user?.admin ?? false),
    };
  }

  private async lookup(client: WebClient, teamId: string, userId: string): Promise<CachedUser | undefined> {
    const now = (this.options.now ?? Date.now)();
    const key = `${teamId}:${userId}`;
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit;
    try {
      const result = await client.users.info({ user: userId });
      const u = result.user;
      const entry: CachedUser = { tz: u?.tz, admin: Boolean(u?.is_admin || u?.is_owner || u?.is_primary_owner), expires: now + CALLER_CACHE_TTL_MS };
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, entry);
      return entry;
    } catch (error) {
      this.options.logger.warn({ userId, err: describeError(error) }, 'slack users.info failed');
      return undefined;
    }
  }
}
