import type { Channel, ChannelKind, Listing, Paper, Platform } from './types.ts';
import type { Day } from './time.ts';
import type { DigestView } from './views.ts';

/** Where a message goes on a chat platform. */
export interface ChannelTarget {
  platform: Platform;
  workspaceId: string;
  /** A channel id; for `kind: 'person'`, the person's user id. */
  channelId: string;
  /**
   * `person`: the person's direct messages (personal alerts). The platform opens (and caches) the DM
   * channel with `channelId` itself; everything else (parts, idempotency, look-up, errors) is as for a
   * channel, and a refused DM is a `PermanentPlatformError` like a refused channel. Default `channel`.
   */
  kind?: ChannelKind;
}

/** What a platform already shows for a delivery: message ids by 1-based part, and how many parts it has (0: none found). */
export interface DeliveredParts {
  posted: Map<number, string>;
  parts: number;
}

/** How a digest is posted: parts already showing, and who hears of each part the platform accepts. */
export interface PostDigestOptions {
  /** 1-based part number -> message id of parts already posted (from {@link ChatPlatform.findDelivery}). */
  skip?: ReadonlyMap<number, string>;
  /**
   * Called as each part is accepted (and for each skipped part); the next part is sent once it settles.
   * `last` says no platform call follows it in this post (the caller may then write it with its final write).
   */
  onPosted?: (part: number, messageId: string, last?: boolean) => void | Promise<void>;
}

/**
 * The message that shows one paper of a delivery, and the thread replies about it go to: `thread` layout, the
 * reply and the header's thread; `papers`, the paper's own message and thread; `digest`, the part message that
 * shows it (Slack: its ts is also the thread a follow-up replies under; Discord: no thread, edits only).
 */
export interface ShownPaper {
  paperId: string;
  messageId: string;
  threadId?: string;
}

/** One posted message of a `digest`-layout delivery: its 1-based part of `of`, and the papers it shows, in the view's order. */
export interface DigestPart {
  number: number;
  of: number;
  paperIds: readonly string[];
}

/** The result of posting a digest: one platform message id per message sent (parts in order), and where each paper shows. */
export interface PostResult {
  messageIds: string[];
  shown?: ShownPaper[];
}

/** How fast a platform may be posted to: each adapter declares its own. */
export interface DeliveryPolicy {
  /**
   * Minimum spacing between two posts to the same channel, from the previous post's answer to the next
   * send, in ms (0 = no pacing). Slack allows about one message per second per channel.
   */
  perChannelIntervalMs: number;
  /** Global cap for this platform's deliver queue across every worker process (BullMQ limiter). */
  limiter: { max: number; duration: number };
  /**
   * Set when the platform's rate limits hold per workspace (Slack with many installs: per app and workspace):
   * posts to one workspace are spread to at most `max` per `duration` ms across every worker, and a 429 holds
   * back only that workspace's deliveries, not the platform's whole queue.
   */
  perWorkspace?: { max: number; duration: number };
}

/**
 * A chat platform the jobs post to. Implementations live in `adapters/`. Every target may be of kind
 * `person` (personal alerts): `postDigest`, `findDelivery` and `postNotice` then go to that person's direct
 * messages, resolved by the platform from their user id.
 * Errors: `RateLimitError` (with retry-after), `PermanentPlatformError` (channel gone, no permission),
 * `TransientPlatformError` (anything a retry may fix).
 */
export interface ChatPlatform {
  readonly platform: Platform;
  /** Its rate limits and pacing, which the deliver queue of this platform obeys. */
  readonly delivery: DeliveryPolicy;
  /**
   * Posts a digest (several messages when it is long). `deliveryId` rides along as an idempotency key
   * (Slack metadata, Discord nonce). Parts in `skip` (1-based part number -> message id, from
   * {@link findDelivery}) were already posted: they are not posted again, and their ids are returned in place.
   */
  postDigest(target: ChannelTarget, digest: DigestView, deliveryId: string, options?: PostDigestOptions): Promise<PostResult>;
  /**
   * Looks for the messages already posted for `deliveryId` (before retrying after a failure that may have
   * posted some or all of it). Platforms that dedupe on their own return nothing found. Makes the look-up
   * possible where it can (Slack: joins a public channel it posts to without being a member). Throws
   * `LookupUnavailableError` when the look-up cannot be made (never a reason to pause the channel), and
   * `PermanentPlatformError` only when the channel itself is refused (gone, token revoked), as a post would be.
   */
  findDelivery(target: ChannelTarget, deliveryId: string, digest?: DigestView): Promise<DeliveredParts>;
  /**
   * Replies in a thread (a follow-up on a posted paper); `key` is an idempotency key where the platform takes
   * one (Discord nonce). Returns the reply's message id.
   */
  postReply?(target: ChannelTarget, threadId: string, text: string, key: string): Promise<string>;
  /**
   * Looks in `threadId` for the reply {@link postReply} posted with `key` and `text` (before trying again after
   * a failure that may have posted it): its message id, or undefined when none shows. Throws
   * `LookupUnavailableError` when the look-up cannot be made.
   */
  findReply?(target: ChannelTarget, threadId: string, key: string, text: string): Promise<string | undefined>;
  /**
   * Edits one posted message (`messageId`) of a `digest`-layout delivery to show the papers it showed
   * (`part.paperIds`) as `digest` reads now (e.g. with a paper's new Code link), keeping the part's delivery
   * metadata. Always one message, never split again: the heading goes with the view's first paper, the
   * overflow and missed lines with its last, and each paper keeps its place (rank) in the whole view.
   */
  updateDigestPart?(target: ChannelTarget, messageId: string, digest: DigestView, deliveryId: string, part: DigestPart): Promise<void>;
  /** Posts a short plain notice (health warnings). */
  postNotice(target: ChannelTarget, text: string): Promise<void>;
  /** Tells one person directly (Slack: a DM through conversations.open; Discord: a DM channel). */
  notifyUser(target: ChannelTarget, userId: string, text: string): Promise<void>;
}

/** One page of papers from an upstream feed, with the items that failed validation. */
export interface SourcePage {
  papers: Paper[];
  listings: Listing[];
  skipped: { index: number; reason: string }[];
}

/** A source of daily papers (Hugging Face). */
export interface PaperSource {
  /** Fetches every page of one feed day, calling `onPage` as each arrives. */
  fetchDay(day: Day, onPage: (page: SourcePage, pageIndex: number) => void | Promise<void>): Promise<{ pages: number; items: number }>;
}

/** A paper an outside search found, with the Daily Papers feed day that listed it, if one did. */
export interface FoundPaper {
  paper: Paper;
  feedDay: Day | null;
}

/** A search over every paper a source knows, beyond what we stored (Hugging Face's own search). */
export interface PaperSearchSource {
  /** At most `limit` papers for `text` (plain words, no syntax of ours), best first; malformed items are skipped. */
  search(text: string, limit: number): Promise<{ found: FoundPaper[]; skipped: number }>;
}

/**
 * A generation shared by every process (Redis in `jobs/`): bumped when the stored papers change, read to
 * learn that another process changed them.
 */
export interface FreshnessSignal {
  bump(): Promise<void>;
  generation(): Promise<string | null>;
}

/** The time, injectable for tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };


/**
 * Told when a channel's digest settings change (schedule, pause, resume, enrol), so the scheduler can
 * upsert or remove its job. Implemented in `jobs/`; commands receive it injected.
 */
export interface ScheduleSync {
  channelChanged(channel: Channel): Promise<void>;
  /** Runs the channel's digest now, outside its schedule (after `/papers resume`, to post what it missed). */
  digestNow?(channel: Channel): Promise<void>;
}

/** Starts channels' digests now, on the path their schedules take (the digest queue). Returns the job ids. */
export interface DigestTrigger {
  enqueueDigests(channelIds: number[]): Promise<string[]>;
}

/** A no-op ScheduleSync for processes that run no scheduler (the CLI). */
export const noScheduleSync: ScheduleSync = { channelChanged: async () => {} };
