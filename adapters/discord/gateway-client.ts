import { once } from 'node:events';
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
} from 'discord.js';
import type { DiscordMessage } from './discord-embeds.ts';
import type { Logger } from '../../src/logger.ts';
import { COMMAND_NAME } from './command-definitions.ts';
import type { OptionValue } from './command-request.ts';
import type { InteractionHandler, ParsedInteraction, Responder } from './interaction-handler.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import { listenForReactions } from './gateway-reactions.ts';

const NO_MENTIONS = { allowedMentions: { parse: [] } };

function optionValues(interaction: ChatInputCommandInteraction | AutocompleteInteraction): Record<string, OptionValue> {
  const values: Record<string, OptionValue> = {};
  const sub = interaction.options.data[0];
  for (const option of sub?.options ?? []) {
    if (option.value !== undefined && option.value !== null && !option.focused) values[option.name] = option.value;
  }
  return values;
}

function permissionsOf(interaction: ChatInputCommandInteraction | ButtonInteraction): string | null {
  return interaction.memberPermissions ? interaction.memberPermissions.bitfield.toString() : null;
}

/** Reduces a discord.js interaction to what we act on. */
export function parseGatewayInteraction(interaction: Interaction): ParsedInteraction | undefined {
  const where = { guildId: interaction.guildId ?? '', channelId: interaction.channelId ?? '', userId: interaction.user.id };
  if (interaction.isChatInputCommand()) {
    if (interaction.commandName !== COMMAND_NAME) return { kind: 'unsupported', reason: `command ${interaction.commandName}` };
    const subcommand = interaction.options.getSubcommand(false) ?? '';
    return { kind: 'command', invocation: { ...where, subcommand, options: optionValues(interaction), permissions: permissionsOf(interaction) } };
  }
  if (interaction.isAutocomplete()) {
    const focused = interaction.options.getFocused(true);
    return {
      kind: 'autocomplete',
      workspaceId: where.guildId,
      channelId: where.channelId,
      subcommand: interaction.options.getSubcommand(false) ?? '',
      option: focused.name,
      typed: String(focused.value),
    };
  }
  if (interaction.isButton()) {
    const parentId = interaction.channel?.isThread() ? interaction.channel.parentId : null;
    const message = { id: interaction.message.id, ephemeral: interaction.message.flags.has(MessageFlags.Ephemeral) };
    return { kind: 'button', ...where, permissions: permissionsOf(interaction), customId: interaction.customId, ...(parentId ? { parentId } : {}), message };
  }
  return undefined;
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

/** Answers through discord.js: `deferReply` before any work, then `editReply` and `followUp`. */
function gatewayResponder(interaction: Interaction): Responder {
  const flags = (ephemeral: boolean) => (ephemeral ? { flags: MessageFlags.Ephemeral as const } : {});
  const answerable = () => {
    if (interaction.isAutocomplete() || !interaction.isRepliable()) throw new Error('interaction cannot be replied to');
    return interaction as Answerable;
  };
  const edit = (message: DiscordMessage) => ({ ...message, ...NO_MENTIONS }) as InteractionEditReplyOptions;
  return {
    async defer(ephemeral) {
      await answerable().deferReply(flags(ephemeral));
    },
    async reply(message, ephemeral) {
      await answerable().reply({ ...edit(message), ...flags(ephemeral) } as Parameters<Answerable['reply']>[0]);
    },
    async autocomplete(choices) {
      if (interaction.isAutocomplete()) await interaction.respond(choices);
    },
    async editOriginal(message) {
      await answerable().editReply(edit(message));
    },
    async followUp(message, ephemeral) {
      await answerable().followUp({ ...edit(message), ...flags(ephemeral) } as Parameters<Answerable['followUp']>[0]);
    },
  };
}

export interface GatewayOptions {
  token: string;
  apiUrl: string;
  handler: InteractionHandler;
  logger: Logger;
  track(work: Promise<void>): void;
  /** When given, 👍 👎 🔖 reactions on posted papers count as votes (GuildMessageReactions intent). */
  papers?: PapersApp;
}

/**
 * Gateway mode: a discord.js Client receiving interactions over the gateway (Guilds intent) and, with
 * `papers`, reactions on the bot's messages (GuildMessageReactions, not privileged; partials, so reactions
 * on messages posted before the client started count too).
 */
export function createGateway(options: GatewayOptions) {
  const log = options.logger;
  const client = new Client({
    intents: options.papers ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions] : [GatewayIntentBits.Guilds],
    ...(options.papers ? { partials: [Partials.Message, Partials.Reaction, Partials.User] } : {}),
    rest: { api: options.apiUrl },
  });
  if (options.papers) listenForReactions(client, options.papers, log);
  client.on(Events.InteractionCreate, (interaction) => {
    const parsed = parseGatewayInteraction(interaction);
    if (parsed) options.track(options.handler.handle(parsed, gatewayResponder(interaction)));
  });
  client.on(Events.Error, (error) => log.error({ err: error }, 'discord gateway error'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ code: event.code, shardId }, 'discord gateway disconnected'));
  return {
    client,
    async start(): Promise<void> {
      const ready = once(client, Events.ClientReady);
      await client.login(options.token);
      await ready;
      log.info({ user: client.user?.tag }, 'discord gateway ready');
    },
    async stop(): Promise<void> {
      await client.destroy();
    },
  };
}
