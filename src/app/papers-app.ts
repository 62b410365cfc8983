import type { AppContext } from '../context.ts';
import type { CommandReply, CommandRequest } from '../core/commands.ts';
import type { Clock, ScheduleSync } from '../core/ports.ts';
import type { Platform } from '../core/types.ts';
import type { WorkspaceRemovalReason } from '../core/installations.ts';
import type { PaperView } from '../core/views.ts';
import { createCommandCore, type DigestPlanning } from '../commands/index.ts';
import { toPaperView } from '../format/paper-view.ts';
import type { WiderSearch } from '../search/wider-search.ts';
import type { Reader } from '../db/saved-papers-repo.ts';
import { ChannelService } from './channel-service.ts';
import { createInstallations, removeWorkspace, type Installations, type WorkspaceRemoval } from './installations.ts';
import { VotesService, type ReactionOutcome, type ReactionRequest, type VoteReply, type VoteRequest } from './votes.ts';

/** A channel on a platform, as entry points name it. */
export interface ChannelRef {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

/** What "Share in channel" posts: the paper and who shared it, or why it cannot. */
export type ShareReply = { kind: 'shared'; paper: PaperView; sharedBy: string } | Extract<CommandReply, { kind: 'error' }>;

/**
 * The application: the only thing entry points (Slack, Discord, the CLI, jobs) are handed. They translate
 * their input into these calls and render what comes back; every rule lives behind them.
 */
export interface PapersApp {
  readonly clock: Clock;
  /** A `/papers` subcommand, a "More" button (with its cursor): always resolves to a neutral reply. */
  command(req: CommandRequest): Promise<CommandReply>;
  /** "Share in channel" for a paper of a search or digest. */
  share(paperId: string, sharedBy: string): Promise<ShareReply>;
  /** A channel's own topics matching what was typed (autocomplete), best first, at most `limit`. */
  topicChoices(channel: ChannelRef, typed: string, limit?: number): Promise<string[]>;
  /** 👍 / 👎 on a paper (src/app/votes.ts has the rule): the reply says the channel's counts after it. */
  vote(req: VoteRequest): Promise<VoteReply>;
  /** 🔖 on a paper: saves it to the person's reading list, or takes it off when already there. */
  save(reader: Reader, paperId: string): Promise<VoteReply>;
  /** A reaction added or removed on a posted message: counted once per event id, on single-paper messages only. */
  react(req: ReactionRequest): Promise<ReactionOutcome>;
  /** OAuth installs, one per workspace (or organisation); throws a ConfigError without `TOKEN_ENCRYPTION_KEY`. */
  readonly installations: Installations;
  /**
   * The app was uninstalled, or its tokens revoked, in a workspace (`installId`: its id, or an organisation's for
   * an org-wide install): deletes the install and pauses that workspace's channels, marked failing with `reason`
   * (installing again resumes them: see `installations.save`).
   */
  workspaceRemoved(platform: Platform, installId: string, reason: WorkspaceRemovalReason): Promise<WorkspaceRemoval>;
}

export interface PapersAppDeps {
  ctx: AppContext;
  schedules: ScheduleSync;
  /** Defaults to the context's planner. */
  planner?: DigestPlanning;
  /** Search beyond the stored papers (Hugging Face's own search); without it, chat search stays local. */
  wider?: WiderSearch;
}

/** Prefix matches (also after a `/`), then the rest that contain `needle`; the order of `values` otherwise. */
export function rankMatches(values: string[], typed: string): string[] {
  const needle = typed.trim().toLowerCase();
  if (needle.length === 0) return values;
  const starts: string[] = [];
  const contains: string[] = [];
  for (const v of values) {
    const hay = v.toLowerCase();
    if (hay.startsWith(needle) || hay.includes(`/${needle}`)) starts.push(v);
    else if (hay.includes(needle)) contains.push(v);
  }
  return [...starts, ...contains];
}

/** Builds the application on a context (the composition root's, never an entry point's). */
export function createPapersApp(deps: PapersAppDeps): PapersApp {
  const { ctx } = deps;
  const core = createCommandCore({ ctx, schedules: deps.schedules, ...(deps.planner ? { planner: deps.planner } : {}), ...(deps.wider ? { wider: deps.wider } : {}) });
  const votes = new VotesService(ctx);
  const channelService = new ChannelService(ctx.stores.channels, deps.schedules);
  return {
    installations: createInstallations(ctx, channelService),
    workspaceRemoved: (platform, installId, reason) => removeWorkspace(ctx, channelService, platform, installId, reason),
    clock: ctx.clock,
    vote: (req) => votes.vote(req),
    save: (reader, paperId) => votes.toggleSave(reader, paperId),
    react: (req) => votes.react(req),
    command: (req) => core.handle(req),
    async share(paperId, sharedBy) {
      const paper = await ctx.stores.papers.get(paperId);
      if (!paper) return { kind: 'error', message: 'That paper is no longer available to share.' };
      return { kind: 'shared', paper: toPaperView(paper), sharedBy };
    },
    async topicChoices(channel, typed, limit = 25) {
      const found = await ctx.stores.channels.find(channel);
      if (!found) return [];
      return rankMatches(await ctx.stores.channels.topicQueries(found.id), typed).slice(0, limit);
    },
  };
}
