import type { Config } from './config.ts';
import { systemClock, type Clock } from './core/ports.ts';
import { openDb, type Db } from './db/client.ts';
import { describeError, PapersError } from './errors.ts';
import { redactDatabaseUrl } from './db/database-url.ts';
import { ChannelsRepo } from './db/channels-repo.ts';
import { DeliveriesRepo } from './db/deliveries-repo.ts';
import { VotesRepo } from './db/votes-repo.ts';
import { SavedPapersRepo } from './db/saved-papers-repo.ts';
import { ProcessedEventsRepo } from './db/processed-events-repo.ts';
import { ReactionsRepo } from './db/reactions-repo.ts';
import { PostedPapersRepo } from './db/posted-papers-repo.ts';
import { FollowUpsRepo } from './db/follow-ups-repo.ts';
import { DecisionsRepo } from './db/decisions-repo.ts';
import { InstallationsRepo } from './db/installations-repo.ts';
import { createTokenCipher, encryptionKey } from './core/token-cipher.ts';
import { PapersRepo } from './db/papers-repo.ts';
import { DashboardQueries, type DashboardStore } from './db/dashboard-queries.ts';
import { SearchRepo } from './db/search-repo.ts';
import { searchStoreOf, type SearchStore } from './db/search-store.ts';
import type { Logger } from './logger.ts';
import { SearchService } from './search/search-service.ts';
import { noMetrics, type Metrics } from './core/metrics.ts';
import { timeSearches } from './app/timed-search.ts';
import { relearnStaleAcronyms } from './ingest/relearn-acronyms.ts';
import { DigestPlanner } from './select/digest-planner.ts';
import { promised, type Stores } from './db/stores.ts';
import { CatalogueFreshness, type FreshnessOptions } from './app/catalogue-freshness.ts';

/** The database a context runs on, as operations see it. */
export interface DatabaseHandle {
  dialect: 'sqlite' | 'postgres';
  /** The SQLite file (`:memory:` in tests); absent on PostgreSQL. */
  sqlitePath?: string;
  /** Resolves when the database answers a trivial query (`/readyz`); rejects with why not. */
  ping(): Promise<void>;
}

/**
 * What the core offers every entry point (server, worker, CLI), on either database dialect: the stores every
 * use case reads and writes through, and the services built on them.
 */
export interface AppContext {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** What every use case reads and writes through: the repositories behind their async contracts. */
  stores: Stores;
  /** The web dashboard's bounded read-only queries (pages, per-day counts), on the same database. */
  dashboard: DashboardStore;
  /** The search storage port (SearchService's, SimilarPapers' and the ingest's acronyms). */
  searchStore: SearchStore;
  search: SearchService;
  planner: DigestPlanner;
  /** What the bot reports about its own work (Prometheus in `npm start`, nothing elsewhere). */
  metrics: Metrics;
  /** The one rule for how fresh the planner's and search's caches are, across processes. */
  freshness: CatalogueFreshness;
  database: DatabaseHandle;
  /** Closes the database (its pool on PostgreSQL); idempotent. */
  close(): Promise<void>;
}

/** The SQLite context: the common one plus the synchronous repositories (tests arrange data through them). */
export interface SqliteContext extends AppContext {
  db: Db;
  papers: PapersRepo;
  channels: ChannelsRepo;
  deliveries: DeliveriesRepo;
  votes: VotesRepo;
  /** Each person's reading list (🔖). */
  saved: SavedPapersRepo;
  /** Platform events already handled (redelivery dedupe). */
  processedEvents: ProcessedEventsRepo;
  /** Which papers a posted digest message shows (votes and reactions find their paper by it). */
  postedPapers: PostedPapersRepo;
  /** Follow-ups said on posted papers (code released, upvotes surged). */
  followUps: FollowUpsRepo;
  /** The planner's recorded decisions and the ledger, as `/papers why` reads them. */
  decisions: DecisionsRepo;
  /** OAuth installations with their tokens sealed; set when `TOKEN_ENCRYPTION_KEY` is. */
  installations?: InstallationsRepo;
  searchRepo: SearchRepo;
}

/** Options of {@link createContext} and {@link openContext}. */
export interface ContextOptions {
  clock?: Clock;
  freshness?: FreshnessOptions;
  metrics?: Metrics;
}

/** The services every dialect builds the same way on its stores and search store, with the options' clock and metrics. */
export function contextServices(config: Config, logger: Logger, stores: Stores, searchStore: SearchStore, options: ContextOptions): Pick<AppContext, 'clock' | 'metrics' | 'search' | 'planner' | 'freshness'> {
  const search = new SearchService(searchStore, stores.papers);
  // Every entry point searches through this one instance, so timing it here times them all.
  if (options.metrics) timeSearches(search, options.metrics);
  const planner = new DigestPlanner({ papers: stores.papers, channels: stores.channels, deliveries: stores.deliveries, search, votes: stores.votes }, { maxCatchUpDays: config.digestMaxCatchUpDays });
  const freshness = new CatalogueFreshness([planner, { invalidate: () => search.refresh() }], logger, options.freshness);
  return { clock: options.clock ?? systemClock, metrics: options.metrics ?? noMetrics, search, planner, freshness };
}

/** Opens and migrates the SQLite database (or takes `db`) and builds the repositories and services on it. */
export function createContext(config: Config, logger: Logger, options: ContextOptions & { db?: Db } = {}): SqliteContext {
  if (!options.db && config.database.dialect === 'postgres') {
    throw new PapersError('DATABASE', `createContext opens SQLite only; DATABASE_URL names PostgreSQL (${redactDatabaseUrl(config.database.url)}): open it with openContext`);
  }
  const db = options.db ?? openDb(config.databasePath, { migrate: true });
  const papers = new PapersRepo(db);
  catchUpIndex(papers, logger);
  relearnAcronymsAtStart(db, logger);
  const processedEvents = new ProcessedEventsRepo(db);
  const saved = new SavedPapersRepo(db);
  const votes = new VotesRepo(db);
  const repos = {
    papers,
    channels: new ChannelsRepo(db),
    deliveries: new DeliveriesRepo(db),
    votes,
    saved,
    processedEvents,
    postedPapers: new PostedPapersRepo(db),
    followUps: new FollowUpsRepo(db),
    decisions: new DecisionsRepo(db),
    ...(config.tokenEncryptionKey ? { installations: new InstallationsRepo(db, createTokenCipher(encryptionKey(config.tokenEncryptionKey))) } : {}),
  };
  const stores = storesOf({ ...repos, reactions: new ReactionsRepo(db, processedEvents, saved, votes) });
  const searchRepo = new SearchRepo(db);
  const searchStore = searchStoreOf(searchRepo);
  const services = contextServices(config, logger, stores, searchStore, options);
  let closed = false;
  return {
    config,
    logger,
    db,
    stores,
    dashboard: promised(new DashboardQueries(db)),
    ...repos,
    searchRepo,
    searchStore,
    ...services,
    database: {
      dialect: 'sqlite',
      sqlitePath: db.path,
      ping: async () => void db.sqlite.prepare('SELECT 1').get(),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      services.planner.invalidate();
      db.close();
    },
  };
}

/** The async view of each repository, over the same database. */
function storesOf(repos: Record<string, object>): Stores {
  return Object.fromEntries(Object.entries(repos).map(([name, repo]) => [name, promised(repo)])) as unknown as Stores;
}

/** Stored acronyms from an older extractor are learned again (once); a failure leaves them as they were. */
function relearnAcronymsAtStart(db: Db, logger: Logger): void {
  try {
    relearnStaleAcronyms(db, logger);
  } catch (error) {
    logger.warn({ err: describeError(error) }, 'could not learn the stored acronyms again; the old definitions stay');
  }
}

/**
 * Indexes papers an interrupted ingest left unindexed. Another process indexing at the same moment (a
 * backfill's indexing thread) may hold the index for longer than the lock timeout: then it does the work,
 * and this start goes on with a warning instead of failing.
 */
function catchUpIndex(papers: PapersRepo, logger: Logger): void {
  try {
    const caughtUp = papers.indexPending();
    if (caughtUp > 0) logger.info({ papers: caughtUp }, 'indexed papers left unindexed by an interrupted ingest');
  } catch (error) {
    logger.warn({ err: describeError(error) }, 'could not catch up the search index at start; the next ingest will');
  }
}

/**
 * Opens the configured database, of either dialect, and builds the context on it: what every process
 * (`npm start`, `papers worker`, the CLI) calls. PostgreSQL's driver loads only in processes that use it.
 */
export async function openContext(config: Config, logger: Logger, options: ContextOptions = {}): Promise<AppContext> {
  if (config.database.dialect === 'sqlite') return createContext(config, logger, options);
  const { openPgContext } = await import('./context-pg.ts');
  return openPgContext(config, logger, config.database, options);
}
