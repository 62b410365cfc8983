import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  type APIApplicationCommandInteractionDataBasicOption,
  type APIApplicationCommandInteractionDataOption,
  type APIInteraction,
} from 'discord-api-types/v10';
import { COMMAND_NAME } from './command-definitions.ts';
import type { OptionValue } from './command-request.ts';
import type { ParsedInteraction } from './interaction-handler.ts';

interface Where {
  guildId: string;
  channelId: string;
  userId: string;
  permissions: string | null;
}

function whereOf(payload: APIInteraction): Where {
  return {
    guildId: payload.guild_id ?? '',
    channelId: payload.channel?.id ?? payload.channel_id ?? '',
    userId: payload.member?.user.id ?? payload.user?.id ?? '',
    permissions: payload.member?.permissions ?? null,
  };
}

/** The subcommand and its option values, plus the focused option when autocompleting. */
export function subcommandOf(options: APIApplicationCommandInteractionDataOption[] | undefined): {
  subcommand: string;
  values: Record<string, OptionValue>;
  focused?: { name: string; value: string };
} {
  const sub = options?.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  const values: Record<string, OptionValue> = {};
  let focused: { name: string; value: string } | undefined;
  const basics = (sub && 'options' in sub ? sub.options : []) as APIApplicationCommandInteractionDataBasicOption[] | undefined;
  for (const option of basics ?? []) {
    if (!('value' in option)) continue;
    const value = option.value as OptionValue;
    if ('focused' in option && option.focused) focused = { name: option.name, value: String(value) };
    else values[option.name] = value;
  }
  return { subcommand: sub?.name ?? '', values, ...(focused ? { focused } : {}) };
}

/** Reduces a raw interaction payload (HTTP endpoint) to what we act on. PING is handled before this. */
export function parseInteraction(payload: APIInteraction): ParsedInteraction {
  const where = whereOf(payload);
  switch (payload.type) {
    case InteractionType.ApplicationCommand: {
      if (payload.data.type !== ApplicationCommandType.ChatInput || payload.data.name !== COMMAND_NAME) {
        return { kind: 'unsupported', reason: `command ${payload.data.name}` };
      }
      const { subcommand, values } = subcommandOf(payload.data.options);
      return { kind: 'command', invocation: { ...where, subcommand, options: values } };
    }
    case InteractionType.ApplicationCommandAutocomplete: {
      const { subcommand, focused } = subcommandOf(payload.data.options);
      return {
        kind: 'autocomplete',
        workspaceId: where.guildId,
        channelId: where.channelId,
        subcommand,
        option: focused?.name ?? '',
        typed: focused?.value ?? '',
      };
    }
    case InteractionType.MessageComponent:
      if (payload.data.component_type !== ComponentType.Button) return { kind: 'unsupported', reason: 'component' };
      return { kind: 'button', ...where, customId: payload.data.custom_id };
    default:
      return { kind: 'unsupported', reason: `interaction type ${payload.type}` };
  }
}
