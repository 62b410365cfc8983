import type { AppContext } from '../context.ts';
import { ArxivClient } from '../sources/arxiv-client.ts';
import { HfClient } from '../sources/hf-client.ts';
import { Ingestor } from '../ingest/ingestor.ts';
import type { Indexer } from '../db/background-indexer.ts';

/**
 * Wires an Ingestor from configuration: the Hugging Face client, arXiv enrichment when enabled, cache refresh,
 * and indexing on a second thread when given one (backfills).
 */
export function createIngestor(ctx: AppContext, options: { indexer?: Indexer } = {}): Ingestor {
  const { config, logger } = ctx;
  return new Ingestor({
    source: new HfClient({ apiUrl: config.hf.apiUrl, token: config.hf.token, timeoutMs: config.hf.timeoutMs, maxRetries: config.hf.maxRetries, logger }),
    arxiv: config.arxiv.enrich
      ? new ArxivClient({ apiUrl: config.arxiv.apiUrl, minIntervalMs: config.arxiv.minIntervalMs, timeoutMs: config.hf.timeoutMs, logger })
      : undefined,
    papers: ctx.papers,
    indexer: options.indexer,
    searchRepo: ctx.searchRepo,
    logger,
    onChange: () => void ctx.freshness.changed(),
  });
}
