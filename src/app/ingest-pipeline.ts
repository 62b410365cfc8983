import type { AppContext } from '../context.ts';
import { ArxivClient } from '../sources/arxiv-client.ts';
import { HfClient } from '../sources/hf-client.ts';
import { Ingestor } from '../ingest/ingestor.ts';
import type { Indexer } from '../db/background-indexer.ts';
import { WiderSearch } from '../search/wider-search.ts';

/** How many papers one Hugging Face search adds at most (one chat page). */
const HF_SEARCH_RESULTS = 10;

function hfClient(ctx: AppContext): HfClient {
  const { config, logger } = ctx;
  const { hf } = config;
  return new HfClient({ apiUrl: hf.apiUrl, token: hf.token, timeoutMs: hf.timeoutMs, maxRetries: hf.maxRetries, searchTimeoutMs: hf.searchTimeoutMs, logger, metrics: ctx.metrics });
}

/** Search beyond the stored papers through Hugging Face's own search, storing what it finds through the ingest pipeline. */
export function createWiderSearch(ctx: AppContext): WiderSearch {
  const ingestor = createIngestor(ctx);
  return new WiderSearch(
    { local: (query, options) => ctx.search.search(query, options), hasIngested: async () => (await ctx.stores.papers.latestFeedDay()) !== undefined, source: hfClient(ctx), store: (found) => ingestor.storeFound(found), logger: ctx.logger },
    { fewerThan: ctx.config.hf.searchWhenFewerThan, limit: HF_SEARCH_RESULTS },
  );
}

/**
 * Wires an Ingestor from configuration: the Hugging Face client, arXiv enrichment when enabled, cache refresh,
 * and indexing on a second thread when given one (backfills on a SQLite file). Papers go through the async
 * stores; acronyms through the search storage.
 */
export function createIngestor(ctx: AppContext, options: { indexer?: Indexer } = {}): Ingestor {
  const { config, logger } = ctx;
  return new Ingestor({
    source: hfClient(ctx),
    arxiv: config.arxiv.enrich
      ? new ArxivClient({ apiUrl: config.arxiv.apiUrl, minIntervalMs: config.arxiv.minIntervalMs, timeoutMs: config.hf.timeoutMs, logger })
      : undefined,
    papers: ctx.stores.papers,
    indexer: options.indexer,
    acronyms: { recordAcronyms: async (definitions) => ctx.searchStore.recordAcronyms(definitions) },
    logger,
    onChange: () => void ctx.freshness.changed(),
    metrics: ctx.metrics,
  });
}
