import type { SearchRepo } from './search-repo.ts';
import { promised, type Async } from './stores.ts';

/**
 * The search storage port SearchService and SimilarPapers run on: SearchRepo's contract (src/db/search-repo.ts,
 * the reference with its TSDoc) through promises, plus its exact-ranking limit. SQLite serves it through
 * {@link searchStoreOf}; PostgreSQL through PgSearchStore (src/db/pg/search-store.ts), with the same answers
 * save where that class documents otherwise (stemming, the stem vocabulary).
 */
export type SearchStore = Async<SearchRepo> & {
  /** Queries matching more papers than this are ranked within their newest matches only (`approximate`). */
  readonly exactLimit: number;
};

/** The SQLite search repository as a {@link SearchStore} (each answer a settled promise). */
export function searchStoreOf(repo: SearchRepo): SearchStore {
  return Object.assign(promised(repo), { exactLimit: repo.exactLimit });
}
