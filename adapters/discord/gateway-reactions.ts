import { Events, type Client, type MessageReaction, type PartialMessageReaction, type PartialUser, type User } from 'discord.js';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { ReactionMeaning } from '../../src/app/votes.ts';
import type { Logger } from '../../src/logger.ts';
import { DISCORD_USER_SCOPE } from './command-request.ts';

/** Reactions that count, by emoji: 👍 more like this, 👎 less like this, 🔖 save (skin tones ignored). */
export const DISCORD_REACTIONS: Readonly<Record<string, ReactionMeaning>> = { '👍': 'up', '👎': 'down', '🔖': 'save' };

/** What a reaction emoji means, if anything (a custom emoji never counts). */
export function discordReactionMeaning(name: string | null | undefined): ReactionMeaning | undefined {
  return DISCORD_REACTIONS[(name ?? '').replace(/[\u{1F3FB}-\u{1F3FF}]/gu, '')];
}

/**
 * Gateway mode only (HTTP interactions never see reactions): 👍 👎 🔖 added to or removed from a message the
 * bot posted count like its buttons, through the application, on a message that shows one paper (the
 * application decides whether the thread or its parent channel holds it). The gateway sends each event once per
 * connection, so there is no event id to dedupe by.
 */
export function listenForReactions(client: Client, papers: PapersApp, logger: Logger): void {
  const handle = (added: boolean) => async (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser) => {
    try {
      const meaning = reaction.emoji.id ? undefined : discordReactionMeaning(reaction.emoji.name);
      const message = reaction.message;
      if (!meaning || !message.guildId || user.id === client.user?.id) return;
      const channel = message.channel;
      const parentId = channel?.isThread() ? channel.parentId : null;
      const place = { platform: 'discord', workspaceId: message.guildId, channelId: message.channelId, ...(parentId ? { parentId } : {}), userScope: DISCORD_USER_SCOPE };
      const outcome = await papers.react({ place, userId: user.id, messageId: message.id, meaning, added });
      logger.debug({ added, meaning, outcome: outcome.kind }, 'discord reaction');
    } catch (error) {
      logger.error({ err: error }, 'discord reaction failed');
    }
  };
  client.on(Events.MessageReactionAdd, handle(true));
  client.on(Events.MessageReactionRemove, handle(false));
}
