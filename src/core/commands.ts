import type { Platform } from './types.ts';
import type { PaperView, DigestView } from './views.ts';

/** A slash command, as every adapter hands it to the command core. */
export interface CommandRequest {
  platform: Platform;
  /** Slack team id or Discord guild id. */
  workspaceId: string;
  channelId: string;
  userId: string;
  /** Subcommand name: `search`, `today`, `subscribe`, ... (lower case); empty for bare `/papers`. */
  name: string;
  /** The rest of the text after the subcommand, as the user typed it (Slack), or rebuilt from options (Discord). */
  text: string;
  /** Typed options when the platform has them (Discord); Slack leaves this empty. */
  options?: Record<string, string | number | boolean>;
  /** The caller's IANA time zone when the platform knows it (Slack `users.info`). */
  userTimeZone?: string;
  /** Whether the caller may change this channel's settings, as decided by the adapter from platform permissions. */
  canManage: boolean;
  /** Paging cursor from a "More" button. */
  cursor?: string;
  /**
   * The workspace that scopes the caller's user id, when it is not `workspaceId` (a platform whose user ids
   * are global sets one fixed value, so a person has one row of personal alerts whichever workspace they
   * typed in). Default: `workspaceId`.
   */
  userScope?: string;
  /** The adapter's wording of platform-specific texts (its command syntax, who may manage); unset ones read the typed-text form. */
  wording?: Partial<CommandWording>;
}

/**
 * Texts whose words depend on the platform: how its users type a command (typed text, or named options) and
 * who it lets change a channel's settings. Commands name them; each adapter supplies its own.
 */
export interface CommandWording {
  searchUsage: string;
  similarUsage: string;
  subscribeUsage: string;
  unsubscribeUsage: string;
  scheduleUsage: string;
  settingsUsage: string;
  /** `/papers follow`: a topic or author for oneself, or when one's alerts come. */
  followUsage: string;
  unfollowUsage: string;
  whyUsage: string;
  tasteUsage: string;
  /** How to start digests in a channel that gets none yet. */
  startHint: string;
  /** Who may change a channel's digest settings. */
  whoMayManage: string;
}

export type WordingKey = keyof CommandWording;

export type Visibility = 'ephemeral' | 'in_channel';

/** A neutral reply: each adapter renders it in its own format. */
export type CommandReply =
  | {
      kind: 'papers';
      visibility: Visibility;
      /** Heading, e.g. `Results for "diffusion"`. */
      title: string;
      /** Said above the papers, e.g. `Showing results for "transformer"`. */
      note?: string;
      papers: PaperView[];
      /** When present, a "More" button re-runs the command with this cursor. */
      more?: { command: string; text: string; cursor: string };
      /** When present, a "Search all of Hugging Face" button re-runs the command with this cursor. */
      beyond?: { command: string; text: string; cursor: string };
      /**
       * When present, a "Subscribe to this search" button runs `/papers subscribe <text>` for whoever clicks
       * it, with their permissions (set only when the query is a valid topic).
       */
      subscribe?: { command: 'subscribe'; text: string };
      /** Whether each paper gets a "Share in channel" button. */
      shareable?: boolean;
    }
  | { kind: 'digest'; visibility: Visibility; digest: DigestView; title: string }
  | {
      kind: 'text';
      visibility: Visibility;
      title?: string;
      /** Plain text; `*bold*`-free. Lines are separate paragraphs. */
      lines: string[];
      /** Show the lines as they are, in a monospaced block (e.g. BibTeX): no markup, nothing reflowed. */
      preformatted?: boolean;
    }
  | {
      kind: 'error';
      /** What went wrong, in words a person understands. */
      message: string;
      /** The right form, e.g. `/papers schedule <HH:MM> [daily | weekdays | weekly <day>] [time zone]`. */
      usage?: string;
    };
