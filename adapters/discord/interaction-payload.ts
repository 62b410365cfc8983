import { ApplicationCommandOptionType, ApplicationCommandType, ComponentType, InteractionType, MessageFlags } from 'discord-api-types/v10';
import { z } from 'zod';
import { COMMAND_NAME } from './command-definitions.ts';
import type { OptionValue } from './command-request.ts';
import type { ParsedInteraction } from './interaction-handler.ts';

const snowflake = z.string().min(1);
const withId = z.looseObject({ id: snowflake });

/** Any interaction, PING included: just a numeric type. */
const envelope = z.looseObject({ type: z.number().int() });

/** The fields of every non-PING interaction we read. */
const interactionBase = z.looseObject({
  type: z.number().int(),
  application_id: snowflake,
  token: z.string().min(1),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  channel: z.looseObject({ id: snowflake, type: z.number().int().optional(), parent_id: z.string().nullable().optional() }).optional(),
  member: z.looseObject({ user: withId, permissions: z.string().optional() }).optional(),
  user: withId.optional(),
  /** The message a component is on (component interactions only). */
  message: z.looseObject({ id: snowflake, flags: z.number().int().optional() }).optional(),
});

const basicOption = z.looseObject({
  name: z.string(),
  type: z.number().int(),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  focused: z.boolean().optional(),
});

const commandData = z.looseObject({
  name: z.string(),
  type: z.number().int(),
  options: z.array(z.looseObject({ name: z.string(), type: z.number().int(), options: z.array(basicOption).optional() })).optional(),
});

const componentData = z.looseObject({ custom_id: z.string().max(100), component_type: z.number().int() });

type Base = z.infer<typeof interactionBase>;
type CommandOptions = z.infer<typeof commandData>['options'];

/** The result of reading a signed interaction body: what to act on and how to answer, or why it cannot be. */
export type InteractionPayload =
  | { kind: 'ping' }
  | { kind: 'interaction'; applicationId: string; token: string; interaction: ParsedInteraction }
  | { kind: 'malformed'; problem: string };

function problemOf(error: z.ZodError, what: string): { kind: 'malformed'; problem: string } {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return { kind: 'malformed', problem: `${what}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}` };
}

/** Discord's thread channel types (announcement, public, private): a button in one reports its parent channel. */
const THREAD_TYPES = new Set([10, 11, 12]);

function whereOf(payload: Base) {
  return {
    guildId: payload.guild_id ?? '',
    channelId: payload.channel?.id ?? payload.channel_id ?? '',
    userId: payload.member?.user.id ?? payload.user?.id ?? '',
    permissions: payload.member?.permissions ?? null,
  };
}

/** The subcommand and its option values, plus the focused option when autocompleting. */
export function subcommandOf(options: CommandOptions): {
  subcommand: string;
  values: Record<string, OptionValue>;
  focused?: { name: string; value: string };
} {
  const sub = options?.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  const values: Record<string, OptionValue> = {};
  let focused: { name: string; value: string } | undefined;
  for (const option of sub?.options ?? []) {
    if (option.value === undefined) continue;
    if (option.focused) focused = { name: option.name, value: String(option.value) };
    else values[option.name] = option.value;
  }
  return { subcommand: sub?.name ?? '', values, ...(focused ? { focused } : {}) };
}

function parseTyped(payload: Base): ParsedInteraction | { kind: 'malformed'; problem: string } {
  const where = whereOf(payload);
  switch (payload.type) {
    case InteractionType.ApplicationCommand:
    case InteractionType.ApplicationCommandAutocomplete: {
      const data = commandData.safeParse(payload.data);
      if (!data.success) return problemOf(data.error, 'interaction data');
      if (payload.type === InteractionType.ApplicationCommand) {
        if (data.data.type !== ApplicationCommandType.ChatInput || data.data.name !== COMMAND_NAME) return { kind: 'unsupported', reason: `command ${data.data.name}` };
        const { subcommand, values } = subcommandOf(data.data.options);
        return { kind: 'command', invocation: { ...where, subcommand, options: values } };
      }
      const { subcommand, focused } = subcommandOf(data.data.options);
      return { kind: 'autocomplete', workspaceId: where.guildId, channelId: where.channelId, subcommand, option: focused?.name ?? '', typed: focused?.value ?? '' };
    }
    case InteractionType.MessageComponent: {
      const data = componentData.safeParse(payload.data);
      if (!data.success) return problemOf(data.error, 'interaction data');
      if (data.data.component_type !== ComponentType.Button) return { kind: 'unsupported', reason: 'component' };
      const parentId = payload.channel && THREAD_TYPES.has(payload.channel.type ?? -1) ? payload.channel.parent_id : undefined;
      const message = payload.message ? { message: { id: payload.message.id, ephemeral: ((payload.message.flags ?? 0) & MessageFlags.Ephemeral) !== 0 } } : {};
      return { kind: 'button', ...where, customId: data.data.custom_id, ...(parentId ? { parentId } : {}), ...message };
    }
    default:
      return { kind: 'unsupported', reason: `interaction type ${payload.type}` };
  }
}

/**
 * Reads a signed interaction body (HTTP endpoint) with zod: PING, an interaction reduced to what we act on
 * (plus the application id and token its answers go to), or the first problem that makes it unusable
 * (`data` missing, `options` not a list, a member without a user, a `custom_id` that is not a string...).
 */
export function readInteraction(body: unknown): InteractionPayload {
  const typed = envelope.safeParse(body);
  if (!typed.success) return problemOf(typed.error, 'interaction');
  if (typed.data.type === InteractionType.Ping) return { kind: 'ping' };
  const base = interactionBase.safeParse(body);
  if (!base.success) return problemOf(base.error, 'interaction');
  const interaction = parseTyped(base.data);
  if (interaction.kind === 'malformed') return interaction;
  return { kind: 'interaction', applicationId: base.data.application_id, token: base.data.token, interaction };
}
