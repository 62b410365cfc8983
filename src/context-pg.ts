import type { Config, DatabaseConfig } from './config.ts';
import { contextServices, type AppContext, type ContextOptions } from './context.ts';
import { createTokenCipher, encryptionKey } from './core/token-cipher.ts';
import { openPg, pingPg } from './db/pg/client.ts';
import { PgDashboardQueries } from './db/pg/dashboard-queries.ts';
import { createPgStores } from './db/pg/pg-stores.ts';
import { PgSearchStore } from './db/pg/search-store.ts';
import { describeError } from './errors.ts';
import type { Logger } from './logger.ts';

/**
 * The context on PostgreSQL: one pool of `DATABASE_POOL_SIZE` connections, migrated at open (one process
 * migrates, the others wait on the migration lock), and the same services as on SQLite over its stores.
 * Rejects with one line naming DATABASE_URL (password hidden) when the database cannot be reached.
 */
export async function openPgContext(config: Config, logger: Logger, database: Extract<DatabaseConfig, { dialect: 'postgres' }>, options: ContextOptions = {}): Promise<AppContext> {
  const pg = await openPg(database.url, {
    migrate: true,
    poolSize: database.poolSize,
    onError: (error) => logger.warn({ err: describeError(error) }, 'an idle PostgreSQL connection failed; the pool opens another'),
  });
  const stores = createPgStores(pg, config.tokenEncryptionKey ? { cipher: createTokenCipher(encryptionKey(config.tokenEncryptionKey)) } : {});
  const searchStore = new PgSearchStore(pg);
  const services = contextServices(config, logger, stores, searchStore, options);
  return {
    config,
    logger,
    stores,
    dashboard: new PgDashboardQueries(pg),
    searchStore,
    ...services,
    database: { dialect: 'postgres', ping: () => pingPg(pg.pool) },
    close: async () => {
      services.planner.invalidate();
      await pg.close();
    },
  };
}
