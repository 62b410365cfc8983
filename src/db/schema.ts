import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/**
 * Papers. `seq` is the stable integer rowid the FTS5 index points at; `id` is the canonical arXiv id.
 * `authors`, `aiKeywords` and `categories` are JSON arrays (the FTS5 tokenizer reads the JSON text as words).
 */
export const papers = sqliteTable(
  'papers',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    title: text('title').notNull(),
    abstract: text('abstract').notNull().default(''),
    authors: text('authors').notNull().default('[]'),
    publishedAt: text('published_at'),
    upvotes: integer('upvotes').notNull().default(0),
    comments: integer('comments').notNull().default(0),
    aiSummary: text('ai_summary'),
    aiKeywords: text('ai_keywords').notNull().default('[]'),
    githubRepo: text('github_repo'),
    githubStars: integer('github_stars'),
    projectPage: text('project_page'),
    thumbnail: text('thumbnail'),
    categories: text('categories').notNull().default('[]'),
    /** The latest feed day that listed the paper (kept by triggers on daily_listings): search ranks and shows it. */
    feedDay: text('feed_day'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  // Only the id index: no query reads papers by upvotes or date through an index (search sorts its page of
  // matches, listings sort a day), and each extra index slowed bulk ingest by a random-order B-tree insert.
  (t) => [uniqueIndex('papers_id_unique').on(t.id)],
);

/** Which papers Hugging Face listed on which feed day, at which rank and with how many upvotes then. */
export const dailyListings = sqliteTable(
  'daily_listings',
  {
    feedDay: text('feed_day').notNull(),
    paperId: text('paper_id')
      .notNull()
      .references(() => papers.id, { onDelete: 'cascade' }),
    rank: integer('rank').notNull(),
    upvotes: integer('upvotes').notNull().default(0),
    seenAt: text('seen_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.feedDay, t.paperId] }), index('daily_listings_paper_idx').on(t.paperId)],
);

/** Chat channels enrolled for digests, with their settings and health. */
export const channels = sqliteTable(
  'channels',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    scheduleTime: text('schedule_time').notNull().default('09:00'),
    cadence: text('cadence', { enum: ['daily', 'weekdays', 'weekly'] }).notNull().default('daily'),
    weekday: integer('weekday'),
    timeZone: text('time_zone').notNull().default('UTC'),
    topN: integer('top_n').notNull().default(5),
    minUpvotes: integer('min_upvotes').notNull().default(0),
    emptyBehaviour: text('empty_behaviour', { enum: ['skip', 'notice'] }).notNull().default('skip'),
    /** How a digest is posted: one message (`digest`), a header with one thread reply per paper (`thread`), or one message per paper (`papers`). */
    layout: text('layout', { enum: ['digest', 'thread', 'papers'] }).notNull().default('digest'),
    /** `channel`: a chat channel; `person`: one person's direct messages (personal alerts), `channel_id` holding their user id. */
    kind: text('kind', { enum: ['channel', 'person'] }).notNull().default('channel'),
    paused: integer('paused', { mode: 'boolean' }).notNull().default(false),
    health: text('health', { enum: ['ok', 'failing'] }).notNull().default('ok'),
    healthReason: text('health_reason'),
    lastDigestDay: text('last_digest_day'),
    /** Platform user id of whoever first enrolled the channel by a command (null: enrolled otherwise). */
    enrolledBy: text('enrolled_by'),
    /** Platform user id of whoever last changed the channel's settings by a command. */
    changedBy: text('changed_by'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('channels_platform_channel_unique').on(t.platform, t.workspaceId, t.channelId)],
);

/** A channel's topics: each a search query in our syntax. */
export const subscriptions = sqliteTable(
  'subscriptions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    query: text('query').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('subscriptions_channel_query_unique').on(t.channelId, t.query)],
);

/**
 * The outbox: one open row per channel and feed day, written in the same transaction as the selection. A
 * failed row stays as the ledger of what happened; a later round for the same day gets its own row.
 */
export const deliveries = sqliteTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    feedDay: text('feed_day').notNull(),
    paperIds: text('paper_ids').notNull().default('[]'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] }).notNull().default('pending'),
    platformMessageIds: text('platform_message_ids').notNull().default('[]'),
    /** The DigestView to post, as JSON: the outbox row carries exactly what the deliver job sends. */
    view: text('view'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** The planner's recorded decisions for this digest, as JSON (what `/papers why` reads): never guessed later. */
    decisions: text('decisions'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('deliveries_channel_day_open_unique').on(t.channelId, t.feedDay).where(sql`status <> 'failed'`),
    index('deliveries_channel_day_idx').on(t.channelId, t.feedDay),
    index('deliveries_status_idx').on(t.status),
    // The dashboard's deliveries-per-day chart counts by day and status.
    index('deliveries_day_status_idx').on(t.feedDay, t.status),
  ],
);

/** Every paper ever selected for a channel: the guarantee that a paper reaches a channel once. */
export const deliveredPapers = sqliteTable(
  'delivered_papers',
  {
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    paperId: text('paper_id').notNull(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => deliveries.id, { onDelete: 'cascade' }),
    topic: text('topic'),
    /** The platform message that shows this paper (its own post or thread reply; for the `digest` layout, the digest part), once posted. */
    messageId: text('message_id'),
    /** The thread replies about this paper go to (Slack `thread_ts`, Discord thread channel id), when it has one. */
    threadId: text('thread_id'),
  },
  // A paper's page lists the channels it went to; a reaction finds its paper by message.
  (t) => [
    primaryKey({ columns: [t.channelId, t.paperId] }),
    index('delivered_papers_paper_idx').on(t.paperId),
    index('delivered_papers_message_idx').on(t.messageId),
    // A sent mark writes its papers' messages, a failed round releases its papers: both by delivery.
    index('delivered_papers_delivery_idx').on(t.deliveryId),
  ],
);

/**
 * Votes on papers: one per person per paper per chat channel (a platform channel, enrolled or not),
 * changeable. `value` is +1 (more like this) or -1 (less like this); `source` is how it was cast.
 */
export const votes = sqliteTable(
  'votes',
  {
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull(),
    channelId: text('channel_id').notNull(),
    paperId: text('paper_id').notNull(),
    userId: text('user_id').notNull(),
    value: integer('value').notNull(),
    source: text('source', { enum: ['button', 'reaction'] }).notNull().default('button'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspaceId, t.channelId, t.paperId, t.userId] })],
);

/** A person's reading list (🔖): per platform workspace and user. */
export const savedPapers = sqliteTable(
  'saved_papers',
  {
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull(),
    userId: text('user_id').notNull(),
    paperId: text('paper_id').notNull(),
    savedAt: text('saved_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspaceId, t.userId, t.paperId] })],
);

/** Platform events already handled (Slack `event_id`), so a redelivered event counts once. */
export const processedEvents = sqliteTable('processed_events', {
  eventId: text('event_id').primaryKey(),
  seenAt: text('seen_at').notNull().default(now),
});

/**
 * Follow-ups on posted papers (code released, upvotes surged): one row per channel, paper and event, written
 * before anything is posted, so each is said once.
 */
export const followUps = sqliteTable(
  'follow_ups',
  {
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    paperId: text('paper_id').notNull(),
    event: text('event', { enum: ['code', 'surge'] }).notNull(),
    detail: text('detail'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull().default('pending'),
    messageId: text('message_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.paperId, t.event] }), index('follow_ups_status_idx').on(t.status)],
);

/** Acronym definitions learned from abstracts ("Low-Rank Adaptation (LoRA)"), with how often each was seen. */
export const acronyms = sqliteTable(
  'acronyms',
  {
    acronym: text('acronym').notNull(),
    expansion: text('expansion').notNull(),
    count: integer('count').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.acronym, t.expansion] }), index('acronyms_expansion_idx').on(t.expansion)],
);

/** Versions of what is derived from the stored papers (`acronyms`: the extractor that learned the definitions). */
export const derivedState = sqliteTable('derived_state', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

/** Feed days ingested to the end: backfills skip them when re-run, so a broken backfill resumes. */
export const ingestedDays = sqliteTable('ingested_days', {
  feedDay: text('feed_day').primaryKey(),
  pages: integer('pages').notNull(),
  items: integer('items').notNull(),
  skipped: integer('skipped').notNull().default(0),
  completedAt: text('completed_at').notNull().default(now),
});

/**
 * Chat apps installed through OAuth (Slack: one row per workspace, or per Enterprise Grid organisation for an
 * org-wide install): `install_id` is the team id, or the enterprise id when `is_enterprise_install`. `sealed`
 * is the installation record (bot token included) encrypted with AES-256-GCM; nothing else holds a secret.
 */
export const installations = sqliteTable(
  'installations',
  {
    platform: text('platform').notNull(),
    installId: text('install_id').notNull(),
    teamId: text('team_id'),
    enterpriseId: text('enterprise_id'),
    isEnterpriseInstall: integer('is_enterprise_install', { mode: 'boolean' }).notNull().default(false),
    botUserId: text('bot_user_id'),
    sealed: text('sealed').notNull(),
    installedAt: text('installed_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.installId] }), index('installations_enterprise_idx').on(t.platform, t.enterpriseId)],
);

/** Workspaces seen under an org-wide install (a command's team inside the organisation), so its digests find the token. */
export const installationWorkspaces = sqliteTable(
  'installation_workspaces',
  {
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull(),
    installId: text('install_id').notNull(),
    seenAt: text('seen_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspaceId] }), index('installation_workspaces_install_idx').on(t.platform, t.installId)],
);
