import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Channel, Listing, Paper, Platform } from './types.ts';
import type { Day } from './time.ts';
import type { DigestView } from './views.ts';

/** Where a message goes on a chat platform. */
export interface ChannelTarget {
  platform: Platform;
  workspaceId: string;
  channelId: string;
}

/** The result of posting a digest: one platform message id per message sent (long digests split). */
export interface PostResult {
  messageIds: string[];
}

/**
 * A chat platform the jobs post to. Implementations live in `adapters/`.
 * Errors: `RateLimitError` (with retry-after), `PermanentPlatformError` (channel gone, no permission),
 * `TransientPlatformError` (anything a retry may fix).
 */
export interface ChatPlatform {
  readonly platform: Platform;
  /** Posts a digest. `deliveryId` rides along as an idempotency key (Slack metadata, Discord nonce). */
  postDigest(target: ChannelTarget, digest: DigestView, deliveryId: string): Promise<PostResult>;
  /**
   * Looks for messages already posted for `deliveryId` (after an ambiguous failure).
   * Returns their ids, or an empty array when none were posted. Platforms that dedupe on their own return [].
   */
  findDelivery(target: ChannelTarget, deliveryId: string): Promise<string[]>;
  /** Posts a short plain notice (health warnings). */
  postNotice(target: ChannelTarget, text: string): Promise<void>;
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

/** The time, injectable for tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type { Channel };

/** An HTTP route an adapter serves; handlers get the raw Node request so signatures can be checked on the raw body. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/**
 * A chat platform adapter as the composition root sees it: the routes it serves, the port the jobs post
 * through, and its lifecycle (gateway or socket connections open in `start`, close in `stop`).
 */
export interface PlatformAdapter {
  readonly name: Platform;
  readonly chat: ChatPlatform;
  readonly routes: HttpRoute[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Told when a channel's digest settings change (schedule, pause, resume, enrol), so the scheduler can
 * upsert or remove its job. Implemented in `jobs/`; commands receive it injected.
 */
export interface ScheduleSync {
  channelChanged(channel: Channel): Promise<void>;
}

/** A no-op ScheduleSync for processes that run no scheduler (the CLI). */
export const noScheduleSync: ScheduleSync = { channelChanged: async () => {} };
