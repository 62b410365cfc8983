import { sql, type SQL } from 'drizzle-orm';
import {
  boolean,
  customType,
  index,
  integer,
  pgMaterializedView,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL twin of src/db/schema.ts: the same tables, column names, keys and indexes, so that one domain
 * mapping reads rows from either dialect. Differences, each on purpose:
 * - Timestamps stay ISO-8601 text with milliseconds (`2025-01-31T09:00:00.000Z`), as SQLite writes them, taken
 *   at the statement's start (SQLite's `'now'` is per statement too).
 * - Flags (`paused`, `is_enterprise_install`) are `boolean`, which drizzle maps to the same TypeScript boolean
 *   as SQLite's `integer({ mode: 'boolean' })`; raw SQL must write `true`/`false`, not `1`/`0`.
 * - JSON arrays (`authors`, `ai_keywords`, `categories`, `paper_ids`, ...) stay JSON text, parsed by the same code.
 * - `papers.id` is a UNIQUE constraint rather than a unique index: PostgreSQL's foreign keys from
 *   `daily_listings` need it, and drizzle-kit creates constraints with the table (indexes come after the keys).
 * - Search: `papers.search` is a weighted tsvector kept by PostgreSQL itself (a stored generated column), in
 *   place of SQLite's FTS5 index file; `paper_words` is the spelling vocabulary (see drizzle/pg custom migrations).
 */

/** The text search configuration both the index and the queries use (created in drizzle/pg/0000_search_setup.sql). */
export const SEARCH_CONFIG = 'papers_english';

/** The configuration of the spelling vocabulary: unstemmed words, diacritics folded (as SQLite's papers_words). */
export const WORDS_CONFIG = 'papers_words';

const now = sql`(to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

const tsvector = customType<{ data: string; driverData: string }>({ dataType: () => 'tsvector' });

/**
 * The characters PostgreSQL's parser reads as part of special tokens (hyphenated words, signed numbers,
 * versions, hosts, paths, e-mails, tags): replaced by spaces first, so the index splits text into the same
 * words as {@link wordsOf} (src/core/words.ts) does for the query (`GPT-4` is `gpt` and `4`, not `gpt`, `-4`).
 */
export const SEPARATORS = `-./:@_<>&~+%=#\\`;

function searchText(column: string): SQL {
  const spaces = ' '.repeat(SEPARATORS.length);
  return sql.raw(`to_tsvector('${SEARCH_CONFIG}'::regconfig, translate(${column}, '${SEPARATORS.replace(/'/g, "''")}', '${spaces}'))`);
}

/**
 * Field weights of `papers.search`: title A, AI keywords B, abstract C, authors D. Authors take D (not B or C)
 * so that every field has a weight of its own: a query restricts a term to the text (`:ABC`, what the
 * expansion adds) or to the authors (`:D`, `author:`), as SQLite's FTS5 column filters do.
 */
export const SEARCH_WEIGHTS = { title: 'A', aiKeywords: 'B', abstract: 'C', authors: 'D' } as const;

const searchVector = sql.join(
  [
    sql`setweight(${searchText('title')}, 'A')`,
    sql`setweight(${searchText('ai_keywords')}, 'B')`,
    sql`setweight(${searchText('abstract')}, 'C')`,
    sql`setweight(${searchText('authors')}, 'D')`,
  ],
  sql` || `,
);

/**
 * Papers. `seq` is a stable integer key (an identity, given explicitly only by a copy from SQLite); `id` is the
 * canonical arXiv id. `authors`, `aiKeywords` and `categories` are JSON arrays as text.
 */
export const papers = pgTable(
  'papers',
  {
    seq: integer('seq').primaryKey().generatedByDefaultAsIdentity(),
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
    /** The latest feed day that listed the paper (kept by triggers on daily_listings). */
    feedDay: text('feed_day'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
    /** The weighted search vector ({@link SEARCH_WEIGHTS}), recomputed by PostgreSQL whenever the text changes; kept in the row (STORAGE MAIN, drizzle/pg/0005_search_inline.sql). */
    search: tsvector('search').notNull().generatedAlwaysAs(searchVector),
  },
  (t) => [unique('papers_id_unique').on(t.id), index('papers_search_idx').using('gin', t.search)],
);

/** Which papers Hugging Face listed on which feed day, at which rank and with how many upvotes then. */
export const dailyListings = pgTable(
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
export const channels = pgTable(
  'channels',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
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
    layout: text('layout', { enum: ['digest', 'thread', 'papers'] }).notNull().default('digest'),
    kind: text('kind', { enum: ['channel', 'person'] }).notNull().default('channel'),
    paused: boolean('paused').notNull().default(false),
    health: text('health', { enum: ['ok', 'failing'] }).notNull().default('ok'),
    healthReason: text('health_reason'),
    lastDigestDay: text('last_digest_day'),
    enrolledBy: text('enrolled_by'),
    changedBy: text('changed_by'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('channels_platform_channel_unique').on(t.platform, t.workspaceId, t.channelId)],
);

/** A channel's topics: each a search query in our syntax. */
export const subscriptions = pgTable(
  'subscriptions',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    channelId: integer('channel_id')
      .notNull()
      .references(() => channels.id, { onDelete: 'cascade' }),
    query: text('query').notNull(),
    createdAt: text('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('subscriptions_channel_query_unique').on(t.channelId, t.query)],
);

/** The outbox: one open row per channel and feed day (a failed row stays as the ledger). */
export const deliveries = pgTable(
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
    view: text('view'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    decisions: text('decisions'),
    createdAt: text('created_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [
    uniqueIndex('deliveries_channel_day_open_unique').on(t.channelId, t.feedDay).where(sql`status <> 'failed'`),
    index('deliveries_channel_day_idx').on(t.channelId, t.feedDay),
    index('deliveries_status_idx').on(t.status),
    index('deliveries_day_status_idx').on(t.feedDay, t.status),
  ],
);

/** Every paper ever selected for a channel: the guarantee that a paper reaches a channel once. */
export const deliveredPapers = pgTable(
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
    messageId: text('message_id'),
    threadId: text('thread_id'),
  },
  (t) => [
    primaryKey({ columns: [t.channelId, t.paperId] }),
    index('delivered_papers_paper_idx').on(t.paperId),
    index('delivered_papers_message_idx').on(t.messageId),
    // A sent mark writes its papers' messages, a failed round releases its papers: both by delivery.
    index('delivered_papers_delivery_idx').on(t.deliveryId),
  ],
);

/** Votes on papers: one per person per paper per chat channel, changeable (`value` +1 or -1). */
export const votes = pgTable(
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
export const savedPapers = pgTable(
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
export const processedEvents = pgTable('processed_events', {
  eventId: text('event_id').primaryKey(),
  seenAt: text('seen_at').notNull().default(now),
});

/** Follow-ups on posted papers (code released, upvotes surged): one row per channel, paper and event. */
export const followUps = pgTable(
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

/** Acronym definitions learned from abstracts, with how often each was seen. */
export const acronyms = pgTable(
  'acronyms',
  {
    acronym: text('acronym').notNull(),
    expansion: text('expansion').notNull(),
    count: integer('count').notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.acronym, t.expansion] }), index('acronyms_expansion_idx').on(t.expansion)],
);

/** Versions of what is derived from the stored papers. */
export const derivedState = pgTable('derived_state', {
  name: text('name').primaryKey(),
  version: integer('version').notNull(),
});

/** Feed days ingested to the end: backfills skip them when re-run. */
export const ingestedDays = pgTable('ingested_days', {
  feedDay: text('feed_day').primaryKey(),
  pages: integer('pages').notNull(),
  items: integer('items').notNull(),
  skipped: integer('skipped').notNull().default(0),
  completedAt: text('completed_at').notNull().default(now),
});

/** Chat apps installed through OAuth; `sealed` is the installation record encrypted with AES-256-GCM. */
export const installations = pgTable(
  'installations',
  {
    platform: text('platform').notNull(),
    installId: text('install_id').notNull(),
    teamId: text('team_id'),
    enterpriseId: text('enterprise_id'),
    isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
    botUserId: text('bot_user_id'),
    sealed: text('sealed').notNull(),
    installedAt: text('installed_at').notNull().default(now),
    updatedAt: text('updated_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.installId] }), index('installations_enterprise_idx').on(t.platform, t.enterpriseId)],
);

/** Workspaces seen under an org-wide install, so its digests find the token. */
export const installationWorkspaces = pgTable(
  'installation_workspaces',
  {
    platform: text('platform').notNull(),
    workspaceId: text('workspace_id').notNull(),
    installId: text('install_id').notNull(),
    seenAt: text('seen_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.platform, t.workspaceId] }), index('installation_workspaces_install_idx').on(t.platform, t.installId)],
);

/**
 * The spelling vocabulary: every title word (unstemmed, lower case, diacritics folded) with how many titles
 * have it, and a trigram index for `similarity()` / `%`. A materialized view, created by a custom migration
 * (drizzle-kit leaves it alone): refreshed after an ingest by refreshVocabulary (src/db/pg/vocabulary.ts).
 */
export const paperWords = pgMaterializedView('paper_words', {
  word: text('word').notNull(),
  doc: integer('doc').notNull(),
}).existing();
