import type { AppContext } from '../context.ts';
import type { CommandReply, CommandRequest } from '../core/commands.ts';
import type { ChannelService } from '../app/channel-service.ts';
import type { ScheduleSync } from '../core/ports.ts';
import type { Channel } from '../core/types.ts';
import type { DigestView } from '../core/views.ts';
import type { Usage } from './command-wording.ts';
import type { WiderSearch } from '../search/wider-search.ts';

/** Plans what a channel's next digest would contain (the lead's `DigestPlanner` fits this). */
export interface DigestPlanning {
  plan(channel: Channel, now: Date): Promise<{ view: DigestView; feedDay: string }>;
}

/** What the command core needs from the rest of the app. */
export interface CommandCoreDeps {
  ctx: AppContext;
  /** Defaults to `ctx.planner`. */
  planner?: DigestPlanning;
  schedules: ScheduleSync;
  /** Search beyond the stored papers (Hugging Face's own search); without it, search stays local. */
  wider?: WiderSearch;
}

/** What every command's `run` receives besides the request. */
export interface CommandEnv {
  ctx: AppContext;
  planner: DigestPlanning;
  schedules: ScheduleSync;
  /** Channel changes with their schedule updates (the only way commands change a channel). */
  channels: ChannelService;
  now: Date;
  /** Every registered command, for `help`. */
  commands: ReadonlyMap<string, Command>;
  /** Search, beyond the stored papers when the app was given Hugging Face's search. */
  wider: WiderSearch;
}

/**
 * One `/papers` subcommand. Commands throw `UsageError` for bad input (the core turns it into an
 * `error` reply with the usage) and return a neutral {@link CommandReply} otherwise.
 */
export interface Command {
  name: string;
  /** One line for help listings and platform command descriptions (Discord: at most 100 characters). */
  description: string;
  /**
   * The right form, e.g. `/papers subscribe <topic>`: one string when it reads the same on every platform,
   * or each platform's own syntax (Slack's typed text, Discord's `name:value` options).
   */
  usage: Usage;
  /**
   * Whether this request would change channel settings: such requests are refused when `canManage` is
   * false. A function when only some forms change things (`settings` with no arguments just shows them).
   */
  manages: boolean | ((req: CommandRequest) => boolean);
  run(req: CommandRequest, env: CommandEnv): Promise<CommandReply> | CommandReply;
}
