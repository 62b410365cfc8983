import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { CliRuntime } from '../runtime.ts';

const USAGE = 'papers discord register [--guild <id>]  (needs DISCORD_TOKEN and DISCORD_APPLICATION_ID)';

/** `papers discord register [--guild <id>]`: bulk-overwrites the `/papers` command tree through Discord REST. */
export function registerDiscord(program: Command, runtime: CliRuntime): void {
  const discord = program.command('discord').description('Discord application commands');
  discord
    .command('register')
    .description('Register (bulk-overwrite) the /papers command globally, or in one guild with --guild')
    .option('--guild <id>', 'register in this guild only (changes show at once; global ones can take up to an hour)')
    .action(async (options: { guild?: string }) => {
      const config = runtime.config.discord;
      if (!config?.token || !config.applicationId) throw new UsageError('Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to register commands.', USAGE);
      if (options.guild !== undefined && !/^\d{5,25}$/.test(options.guild)) throw new UsageError(`"${options.guild}" is not a guild id (a Discord snowflake).`, USAGE);
      const { registerDiscordCommands } = await import('../../main.ts');
      const result = await registerDiscordCommands({ apiUrl: config.apiUrl, token: config.token, applicationId: config.applicationId, ...(options.guild ? { guildId: options.guild } : {}) });
      const { subcommands } = result;
      const where = result.scope === 'guild' ? `in guild ${options.guild}` : 'globally';
      runtime.io.out(`Registered /${result.names.join(', /')} ${where} with subcommands: ${subcommands.join(', ')}`);
    });
}
