import { DISCORD_WORDING } from './discord-wording.ts';
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

/** Discord user ids are global (one DM channel per person, whichever server): a person's own row is keyed by this, not by a guild. */
export const DISCORD_USER_SCOPE = '@me';

/** The neutral command request for a `/papers <subcommand>` invocation. */
export function toCommandRequest(inv: SlashInvocation): CommandRequest {
  return {
    platform: 'discord',
    workspaceId: inv.guildId,
    channelId: inv.channelId,
    userId: inv.userId,
    name: inv.subcommand.toLowerCase(),
    // Discord types every option: commands read `options` (they win over `text`), so there is no text to rebuild.
    text: '',
    options: inv.options,
    canManage: canManageFrom(inv.permissions),
    wording: DISCORD_WORDING,
    userScope: DISCORD_USER_SCOPE,
    ...(inv.cursor !== undefined ? { cursor: inv.cursor } : {}),
  };
}
