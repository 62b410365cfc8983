import { Routes, type APIDMChannel } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { ChannelTarget } from '../../src/core/ports.ts';
import { PermanentPlatformError, type PapersError } from '../../src/errors.ts';

/** DM channels kept per process; past this many people the cache starts over (re-opening is one call). */
const MAX_CACHED = 10_000;

/** A person's DM channel with the bot, resolved from their user id. */
export interface DiscordDms {
  /** The DM channel id with `userId` (`POST /users/@me/channels`), cached: it never changes. */
  open(userId: string): Promise<string>;
  /** Where to post: a person's target becomes their DM channel; a channel's stays as it is. */
  resolve(target: ChannelTarget): Promise<ChannelTarget>;
}

export function createDiscordDms(rest: REST | undefined, toPlatformError: (error: unknown) => PapersError): DiscordDms {
  const opened = new Map<string, string>();
  const dms: DiscordDms = {
    async open(userId) {
      const cached = opened.get(userId);
      if (cached) return cached;
      if (!rest) throw new PermanentPlatformError('missing_token', 'DISCORD_TOKEN is not set: no DM can be sent');
      let dm: APIDMChannel;
      try {
        dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIDMChannel;
      } catch (error) {
        throw toPlatformError(error);
      }
      if (opened.size >= MAX_CACHED) opened.clear();
      opened.set(userId, dm.id);
      return dm.id;
    },
    async resolve(target) {
      if (target.kind !== 'person') return target;
      return { ...target, channelId: await dms.open(target.channelId) };
    },
  };
  return dms;
}
