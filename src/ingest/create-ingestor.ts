import type { AppContext } from '../context.ts';
import { ArxivClient } from '../sources/arxiv-client.ts';
import { HfClient } from '../sources/hf-client.ts';
import { Ingestor } from './ingestor.ts';

/** Wires an Ingestor from configuration: the Hugging Face client, arXiv enrichment when enabled, cache refresh. */
export function createIngestor(ctx: AppContext): Ingestor {
  const { config, logger } = ctx;
  return new Ingestor({
    source: new HfClient({ apiUrl: config.hf.apiUrl, token: config.hf.token, timeoutMs: config.hf.timeoutMs, maxRetries: config.hf.maxRetries, logger }),
    arxiv: config.arxiv.enrich
      ? new ArxivClient({ apiUrl: config.arxiv.apiUrl, minIntervalMs: config.arxiv.minIntervalMs, timeoutMs: config.hf.timeoutMs, logger })
      : undefined,
    papers: ctx.papers,
    searchRepo: ctx.searchRepo,
    logger,
    onChange: () => {
      ctx.search.refresh();
      ctx.planner.invalidate();
    },
  });
}
