/**
 * The neutral `/papers` command core, shared by the Slack and Discord adapters.
 *
 * ## Request contract
 * Adapters turn a platform command into a {@link CommandRequest}:
 * - `name`: the subcommand, lower case (`search`, `similar`, `today`, `subscribe`, `unsubscribe`, `topics`,
 *   `schedule`, `settings`, `pause`, `resume`, `follow`, `following`, `unfollow`, `help`); empty for a bare `/papers` (answered with help).
 *   The Slack adapter splits the typed text (adapters/slack/slack-command-text.ts).
 * - `text`: the rest of the typed text (Slack), e.g. `09:30 weekly monday Europe/Berlin`.
 * - `options`: typed options (Discord). **Options win over `text`**: when a command finds any of its
 *   options it reads only those, otherwise it parses `text`. Names and values:
 *   - `search`: `query` (string); `similar`: `id` (an arXiv id or a paper's arxiv.org / huggingface.co link)
 *   - `subscribe`: `topic` (string); `unsubscribe`: `topic` (a topic, its 1-based number, or `all`)
 *   - `schedule`: `time` (`HH:MM`), `cadence` (`daily` | `weekdays` | `weekly`), `weekday` (`monday`..
 *     `sunday` or 1-7, with `weekly`), `timezone` (IANA name; default the caller's zone)
 *   - `settings`: `top` (1-10), `min_upvotes` (0 or more), `empty` (`skip` | `notice`)
 *   - `follow`: `topic` (string), `time` (`HH:MM`), `timezone` (IANA name); `unfollow`: `topic` (a topic, its number, or `all`)
 *   - `why`: `id` (an arXiv id or link); `taste`: `reset` (boolean: forget the channel's votes)
 *   An adapter may instead rebuild `text` in the Slack form; both work.
 * - `cursor`: the cursor from a reply's `more` (the "More" button), with `name`/`text` from `more`.
 * - `canManage`: whether the caller may change this channel's settings; `userTimeZone` when known.
 *
 * ## Reply contract
 * `handle` never throws: bad input gets `{ kind: 'error', message, usage }`, a refusal gets
 * `{ kind: 'error', message }`, an unexpected failure is logged and gets a generic error reply. Every
 * reply that changes something says in words what changed. Replies are ephemeral unless stated.
 */
import { localOnlySearch } from '../search/wider-search.ts';
import { ChannelService } from '../app/channel-service.ts';
import type { CommandReply, CommandRequest } from '../core/commands.ts';
import { randomBytes } from 'node:crypto';
import { distance } from 'fastest-levenshtein';
import { UsageError } from '../errors.ts';
import type { Command, CommandCoreDeps, CommandEnv } from './command.ts';
import { clip } from './command-args.ts';
import { usageText, worded } from './command-wording.ts';
import { helpCommand } from './help-command.ts';
import { pauseCommand } from './pause-command.ts';
import { resumeCommand } from './resume-command.ts';
import { savedCommand } from './saved-command.ts';
import { scheduleCommand } from './schedule-command.ts';
import { searchCommand } from './search-command.ts';
import { settingsCommand } from './settings-command.ts';
import { similarCommand } from './similar-command.ts';
import { subscribeCommand } from './subscribe-command.ts';
import { todayCommand } from './today-command.ts';
import { topicsCommand } from './topics-command.ts';
import { unsubscribeCommand } from './unsubscribe-command.ts';
import { followCommand } from './follow-command.ts';
import { followingCommand } from './following-command.ts';
import { unfollowCommand } from './unfollow-command.ts';
import { tasteCommand } from './taste-command.ts';
import { whyCommand } from './why-command.ts';

export type { Command, CommandCoreDeps, DigestPlanning } from './command.ts';

/** Every `/papers` subcommand by name, in help order. */
export const commands: ReadonlyMap<string, Command> = new Map(
  [
    searchCommand,
    similarCommand,
    todayCommand,
    subscribeCommand,
    unsubscribeCommand,
    topicsCommand,
    scheduleCommand,
    settingsCommand,
    pauseCommand,
    resumeCommand,
    followCommand,
    followingCommand,
    unfollowCommand,
    savedCommand,
    whyCommand,
    tasteCommand,
    helpCommand,
  ].map((c): [string, Command] => [c.name, c]),
);

/** The shape every adapter calls. */
export interface CommandCore {
  handle(req: CommandRequest): Promise<CommandReply>;
}

/** The command a mistyped name most likely meant (at most two edits away, and not most of the word), if any. */
function nearestCommand(name: string): Command | undefined {
  let best: { command: Command; edits: number } | undefined;
  for (const command of commands.values()) {
    const edits = distance(name, command.name);
    if (edits <= 2 && edits < Math.max(2, command.name.length / 2) && (!best || edits < best.edits)) best = { command, edits };
  }
  return best?.command;
}

function nearMiss(name: string, meant: Command, req: CommandRequest): CommandReply {
  return {
    kind: 'error',
    message: `There is no "${clip(name, 40)}" command. Did you mean /papers ${meant.name}?`,
    usage: usageText(meant.usage, req),
  };
}

/** A first word that is no command and no near miss: the whole text is taken as a search, and the reply says so. */
async function searchInstead(req: CommandRequest, run: (req: CommandRequest) => Promise<CommandReply>): Promise<CommandReply> {
  const query = `${req.name.trim()} ${req.text}`.trim();
  const said = `There is no "${clip(req.name.trim(), 40)}" command, so this is a search for "${clip(query, 100)}" (/papers help lists the commands).`;
  const reply = await run({ ...req, name: 'search', text: query, options: {} });
  if (reply.kind === 'papers') return { ...reply, note: [said, reply.note].filter(Boolean).join('\n') };
  if (reply.kind === 'text') return { ...reply, lines: [said, ...reply.lines] };
  if (reply.kind === 'error') return { ...reply, message: `${said} ${reply.message}` };
  return reply;
}

/** The reply to someone who may not change this channel's settings. */
function refusal(req: CommandRequest): CommandReply {
  const who = worded(req, 'whoMayManage');
  return {
    kind: 'error',
    message: `You can't change this channel's digest settings: nothing was changed. ${who} search, similar, today, topics and help are open to everyone.`,
  };
}

/**
 * An unexpected failure: the log line gets the error and a short id, the user a plain sentence with the
 * same id (never the error's own text, which may name tables, columns or hosts).
 */
function internalFailure(deps: CommandCoreDeps, command: Command, req: CommandRequest, error: unknown): CommandReply {
  const errorId = randomBytes(4).toString('hex');
  deps.ctx.logger.error({ err: error, errorId, command: command.name, platform: req.platform, channelId: req.channelId }, 'command failed');
  return {
    kind: 'error',
    message: `Something went wrong on our side running /papers ${command.name}; nothing you typed caused it. Please try again in a moment. If it keeps happening, tell whoever runs this bot the error id ${errorId}.`,
  };
}

function managesFor(command: Command, req: CommandRequest): boolean {
  return typeof command.manages === 'function' ? command.manages(req) : command.manages;
}

/** Builds the command core: `handle` runs one request and always resolves to a reply. */
export function createCommandCore(deps: CommandCoreDeps): CommandCore {
  const channels = new ChannelService(deps.ctx.stores.channels, deps.schedules);
  const planner = deps.planner ?? deps.ctx.planner;
  const { ctx } = deps;
  const wider = deps.wider ?? localOnlySearch({ local: (q, o) => ctx.search.search(q, o), hasIngested: async () => (await ctx.stores.papers.latestFeedDay()) !== undefined, logger: ctx.logger });
  const core: CommandCore = {
    async handle(req) {
      const name = req.name.trim().toLowerCase();
      const command = commands.get(name || 'help');
      if (!command) {
        const meant = nearestCommand(name);
        return meant ? nearMiss(req.name.trim(), meant, req) : searchInstead(req, (r) => core.handle(r));
      }
      if (managesFor(command, req) && !req.canManage) return refusal(req);
      await deps.ctx.freshness.ensureFresh();
      const env: CommandEnv = { ctx: deps.ctx, planner, schedules: deps.schedules, channels, now: deps.ctx.clock.now(), commands, wider };
      try {
        return await command.run(req, env);
      } catch (error) {
        if (error instanceof UsageError) return { kind: 'error', message: error.message, ...(error.usage ? { usage: error.usage } : {}) };
        return internalFailure(deps, command, req, error);
      }
    },
  };
  return core;
}
