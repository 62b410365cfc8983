import { DISCORD_WORDING } from './discord-wording.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import { UsageError } from '../../src/errors.ts';
import { CUSTOM_ID, parseMoreCustomId, parseSubscribeCustomId, renderReply, renderSharedPaper, type DiscordMessage } from './discord-embeds.ts';
import type { Logger } from '../../src/logger.ts';
import { autocompleteChoices, type Choice } from './autocomplete.ts';
import { canManageFrom, DISCORD_USER_SCOPE, toCommandRequest, type SlashInvocation } from './command-request.ts';
import { loggableError } from './redact-token.ts';
import { isVoteCustomId, parseVoteCustomId } from './discord-vote-buttons.ts';
import type { VoteReply } from '../../src/app/votes.ts';

/** An interaction reduced to what we act on; both transports produce it. */
export type ParsedInteraction =
  | { kind: 'command'; invocation: SlashInvocation }
  | { kind: 'autocomplete'; workspaceId: string; channelId: string; subcommand: string; option: string; typed: string }
  | {
      kind: 'button';
      guildId: string;
      channelId: string;
      userId: string;
      permissions: string | null;
      customId: string;
      /** When the button is in a thread (or forum post): the channel the thread belongs to. */
      parentId?: string;
      /** The message the button is on: its id, and whether only the clicker sees it (an ephemeral reply). */
      message?: { id: string; ephemeral: boolean };
    }
  | { kind: 'unsupported'; reason: string };

/**
 * How an interaction is answered; each transport implements it (HTTP response + REST, or discord.js).
 * `defer`, `reply` and `autocomplete` are the initial response (exactly one of them, within 3 seconds);
 * `editOriginal` and `followUp` complete a deferred response.
 */
export interface Responder {
  defer(ephemeral: boolean): Promise<void>;
  reply(message: DiscordMessage, ephemeral: boolean): Promise<void>;
  autocomplete(choices: Choice[]): Promise<void>;
  editOriginal(message: DiscordMessage): Promise<void>;
  followUp(message: DiscordMessage, ephemeral: boolean): Promise<void>;
}

export interface InteractionHandlerDeps {
  papers: PapersApp;
  logger: Logger;
}

const NOT_OURS = '⚠️ This button is not one of ours (or it was changed on the way), so nothing was changed.';
const OUTSIDE_GUILD: CommandReply = { kind: 'error', message: '/papers works in server channels only.' };

/** Sends a rendered reply through a deferred (always ephemeral) response: public replies become follow-ups. */
async function deliver(reply: CommandReply, responder: Responder): Promise<void> {
  const rendered = renderReply(reply);
  if (rendered.ephemeral) {
    const [first, ...rest] = rendered.messages;
    await responder.editOriginal(first ?? { content: 'Done.' });
    for (const message of rest) await responder.followUp(message, true);
    return;
  }
  await responder.editOriginal({ content: '✅ Done: posted in the channel.' });
  for (const message of rendered.messages) await responder.followUp(message, false);
}

function failureReply(error: unknown): CommandReply {
  if (error instanceof UsageError) return { kind: 'error', message: error.message, usage: error.usage };
  return { kind: 'error', message: 'Something went wrong on our side; please try again in a minute.' };
}

/** Routes parsed interactions to the command core and answers them: defer first, work second. */
export function createInteractionHandler(deps: InteractionHandlerDeps) {
  const log = deps.logger;

  async function run(request: CommandRequest, responder: Responder): Promise<void> {
    await responder.defer(true);
    let reply: CommandReply;
    try {
      reply = await deps.papers.command(request);
    } catch (error) {
      log.error({ err: error, command: request.name }, 'discord command failed');
      reply = failureReply(error);
    }
    await deliver(reply, responder);
  }

  /** 👍 👎 🔖: answered at once, only to whoever clicked, with what changed and the channel's counts. */
  async function vote(interaction: Extract<ParsedInteraction, { kind: 'button' }>, responder: Responder): Promise<void> {
    const parsed = parseVoteCustomId(interaction.customId);
    if (!parsed) return responder.reply({ content: NOT_OURS }, true);
    const answer = async (pending: Promise<VoteReply>) => {
      const reply = await pending;
      return responder.reply({ content: reply.kind === 'error' ? `⚠️ ${reply.message}` : reply.message }, true);
    };
    // A reading list is one per person across servers.
    if (parsed.kind === 'save') return answer(deps.papers.save({ platform: 'discord', workspaceId: DISCORD_USER_SCOPE, userId: interaction.userId }, parsed.paperId));
    const message = interaction.message;
    if (!message) return responder.reply({ content: NOT_OURS }, true);
    // What Discord says of the place; the application decides where (and whether) the vote counts.
    const place = {
      platform: 'discord',
      workspaceId: interaction.guildId,
      channelId: interaction.channelId,
      ...(interaction.parentId ? { parentId: interaction.parentId } : {}),
      ...(interaction.guildId ? {} : { direct: true }),
      userScope: DISCORD_USER_SCOPE,
    };
    return answer(deps.papers.vote({ place, userId: interaction.userId, paperId: parsed.paperId, choice: parsed.choice, shownOn: message.ephemeral ? 'ephemeral' : { messageId: message.id } }));
  }

  async function button(interaction: Extract<ParsedInteraction, { kind: 'button' }>, responder: Responder): Promise<void> {
    if (isVoteCustomId(interaction.customId)) return vote(interaction, responder);
    if (interaction.customId.startsWith(CUSTOM_ID.share)) {
      const shared = await deps.papers.share(interaction.customId.slice(CUSTOM_ID.share.length), interaction.userId);
      if (shared.kind === 'error') return responder.reply({ content: shared.message }, true);
      return responder.reply(renderSharedPaper(shared.paper, shared.sharedBy), false);
    }
    const clicker = {
      platform: 'discord',
      workspaceId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.userId,
      canManage: canManageFrom(interaction.permissions),
      wording: DISCORD_WORDING,
      userScope: DISCORD_USER_SCOPE,
    };
    // "Subscribe to this search": /papers subscribe as the clicker would type it, with their permissions.
    const topic = parseSubscribeCustomId(interaction.customId);
    if (topic !== undefined) return run({ ...clicker, name: 'subscribe', text: topic, options: { topic } }, responder);
    const more = parseMoreCustomId(interaction.customId);
    if (!more) return responder.reply({ content: 'This button has expired.' }, true);
    return run({ ...clicker, name: more.command, text: more.text, options: more.command === 'search' ? { query: more.text } : {}, cursor: more.cursor }, responder);
  }

  return {
    /** Answers one interaction; resolves when the work (and any follow-up) is done. Never throws. */
    async handle(interaction: ParsedInteraction, responder: Responder): Promise<void> {
      try {
        switch (interaction.kind) {
          case 'command':
            if (!interaction.invocation.guildId) return await responder.reply(renderReply(OUTSIDE_GUILD).messages[0]!, true);
            return await run(toCommandRequest(interaction.invocation), responder);
          case 'autocomplete':
            return await responder.autocomplete(interaction.workspaceId ? await autocompleteChoices(deps.papers, interaction) : []);
          case 'button':
            return await button(interaction, responder);
          case 'unsupported':
            log.warn({ reason: interaction.reason }, 'unsupported discord interaction');
            return await responder.reply({ content: 'This interaction is not supported.' }, true);
        }
      } catch (error) {
        log.error({ err: loggableError(error), kind: interaction.kind }, 'discord interaction failed');
      }
    },
  };
}

export type InteractionHandler = ReturnType<typeof createInteractionHandler>;
