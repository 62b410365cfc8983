import { PermissionFlagsBits } from 'discord-api-types/v10';
import type { CommandRequest } from '../../src/core/commands.ts';

export type OptionValue = string | number | boolean;

/** What both transports (HTTP interactions, gateway) extract from a `/papers` invocation. */
export interface SlashInvocation {
  guildId: string;
  channelId: string;
  userId: string;
  subcommand: string;
  options: Record<string, OptionValue>;
  /** The member's permissions in the channel, as Discord's decimal bitfield string. */
  permissions: string | null;
  cursor?: string;
}

/** Manage Channels (or Administrator) in the channel where the command was used. */
export function canManageFrom(permissions: string | null | undefined): boolean {
  if (!permissions || !/^\d+$/.test(permissions)) return false;
  const bits = BigInt(permissions);
  return (bits & PermissionFlagsBits.Administrator) !== 0n || (bits & PermissionFlagsBits.ManageChannels) !== 0n;
}

/** The options rebuilt as the text a Slack user would have typed after the subcommand. */
export function slackText(subcommand: string, options: Record<string, OptionValue>): string {
  const get = (name: string) => (options[name] === undefined ? undefined : String(options[name]).trim());
  switch (subcommand) {
    case 'search':
      return get('query') ?? '';
    case 'subscribe':
    case 'unsubscribe':
      return get('topic') ?? '';
    case 'schedule':
      return [get('time'), get('cadence'), get('weekday'), get('timezone')].filter((s): s is string => !!s).join(' ');
    case 'settings':
      return [
        options.top !== undefined ? `top=${get('top')}` : undefined,
        options.min_upvotes !== undefined ? `min-upvotes=${get('min_upvotes')}` : undefined,
        options.empty !== undefined ? `empty=${get('empty')}` : undefined,
      ]
        .filter((s): s is string => !!s)
        .join(' ');
    default:
      return Object.values(options).map(String).join(' ');
  }
}

/** The neutral command request for a `/papers <subcommand>` invocation. */
export function toCommandRequest(inv: SlashInvocation): CommandRequest {
  return {
    platform: 'discord',
    workspaceId: inv.guildId,
    channelId: inv.channelId,
    userId: inv.userId,
    name: inv.subcommand.toLowerCase(),
    text: slackText(inv.subcommand, inv.options),
    options: inv.options,
    canManage: canManageFrom(inv.permissions),
    ...(inv.cursor !== undefined ? { cursor: inv.cursor } : {}),
  };
}
