import type { Day } from './time.ts';

/** A research paper as we store it. `id` is the canonical arXiv id, without a version suffix. */
export interface Paper {
  id: string;
  title: string;
  abstract: string;
  /** Visible author names in order (hidden authors are dropped at ingest). */
  authors: string[];
  /** arXiv publication date, `YYYY-MM-DD`, when known. */
  publishedAt: Day | null;
  upvotes: number;
  comments: number;
  aiSummary: string | null;
  aiKeywords: string[];
  /** Normalised `owner/repo`. */
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  thumbnail: string | null;
  /** arXiv categories, primary first (filled by arXiv enrichment). */
  categories: string[];
}

/** One paper as listed on one Daily Papers feed day. */
export interface Listing {
  paperId: string;
  feedDay: Day;
  rank: number;
  upvotes: number;
}

/** A chat platform's name, as its adapter registers it (`slack`, `discord`, or any other adapter's). */
export type Platform = string;
export type ScheduleCadence = 'daily' | 'weekdays' | 'weekly';
export type EmptyDigestBehaviour = 'skip' | 'notice';
export type ChannelHealth = 'ok' | 'failing';
/** How a channel's digest is posted: one message, a header with one thread reply per paper, or one message (thread) per paper. */
export type DigestLayout = 'digest' | 'thread' | 'papers';
export const DIGEST_LAYOUTS: readonly DigestLayout[] = ['digest', 'thread', 'papers'];
/** `channel`: a chat channel; `person`: one person's direct messages (personal alerts; `channelId` is their user id). */
export type ChannelKind = 'channel' | 'person';

/** When a channel's digest is posted: local `time` (HH:MM) in IANA `timeZone`. */
export interface Schedule {
  time: string;
  cadence: ScheduleCadence;
  /** ISO weekday, 1 = Monday .. 7 = Sunday; only for `weekly`. */
  weekday: number | null;
  timeZone: string;
}

/** A chat channel enrolled for digests, with its settings. */
export interface Channel {
  id: number;
  platform: Platform;
  /** Slack team id or Discord guild id. */
  workspaceId: string;
  /** Slack channel id or Discord channel id. */
  channelId: string;
  schedule: Schedule;
  topN: number;
  minUpvotes: number;
  emptyBehaviour: EmptyDigestBehaviour;
  layout: DigestLayout;
  kind: ChannelKind;
  paused: boolean;
  health: ChannelHealth;
  healthReason: string | null;
  /** The feed day of the last digest created for this channel. */
  lastDigestDay: Day | null;
  /** Platform user id of whoever enrolled the channel with a command (null when enrolled otherwise). */
  enrolledBy: string | null;
  /** Platform user id of whoever last changed the channel with a command (enrolling counts); null when none did. */
  changedBy: string | null;
  createdAt: string;
}

export interface Subscription {
  id: number;
  channelId: number;
  query: string;
  createdAt: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

/** The outbox row for one channel's digest of one feed day. */
export interface Delivery {
  id: string;
  channelId: number;
  feedDay: Day;
  paperIds: string[];
  status: DeliveryStatus;
  platformMessageIds: string[];
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Link helpers: the web pages of a paper. */
export const paperLinks = {
  hf: (id: string) => `https://huggingface.co/papers/${id}`,
  arxiv: (id: string) => `https://arxiv.org/abs/${id}`,
  pdf: (id: string) => `https://arxiv.org/pdf/${id}`,
  github: (repo: string) => `https://github.com/${repo}`,
  feedDay: (day: Day) => `https://huggingface.co/papers/date/${day}`,
};

/** Who changes made outside chat (the web dashboard) are recorded as: no platform user, so never messaged. */
export const DASHBOARD_ACTOR = 'dashboard';
