import { REST } from '@discordjs/rest';
import { Routes, type RESTPutAPIApplicationCommandsResult } from 'discord-api-types/v10';
import { commandDefinitions } from './command-definitions.ts';

export interface RegisterOptions {
  apiUrl: string;
  token: string;
  applicationId: string;
  /** Register in one guild (instant, for development) instead of globally. */
  guildId?: string;
}

/**
 * Bulk-overwrites the application's commands with {@link commandDefinitions}: `PUT /applications/{app}/commands`,
 * or the guild route with `guildId`. Commands not in the definitions are deleted by Discord.
 */
export async function registerCommands(options: RegisterOptions): Promise<{ scope: 'global' | 'guild'; names: string[] }> {
  const rest = new REST({ api: options.apiUrl, version: '10' }).setToken(options.token);
  const route = options.guildId
    ? Routes.applicationGuildCommands(options.applicationId, options.guildId)
    : Routes.applicationCommands(options.applicationId);
  const result = (await rest.put(route, { body: commandDefinitions() })) as RESTPutAPIApplicationCommandsResult;
  return { scope: options.guildId ? 'guild' : 'global', names: result.map((c) => c.name) };
}
