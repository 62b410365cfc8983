import type { Metrics } from '../core/metrics.ts';
import type { SearchService } from '../search/search-service.ts';

/**
 * Times every search of the stored papers on this service: the one instance the context hands chat
 * commands, topics previews, the CLI and the dashboard, so `/metrics` sees them all. The service's method
 * is wrapped in place (its caches and lexicons stay the instance's own); a malformed query that throws is
 * timed too. Call once, at composition.
 */
export function timeSearches(search: Pick<SearchService, 'search'>, metrics: Metrics): void {
  const run = search.search.bind(search);
  search.search = async (text, options) => {
    const started = performance.now();
    try {
      return await run(text, options);
    } finally {
      metrics.searchFinished((performance.now() - started) / 1000);
    }
  };
}
