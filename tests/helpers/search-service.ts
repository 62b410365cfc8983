import type { PapersRepo } from '../../src/db/papers-repo.ts';
import type { SearchRepo } from '../../src/db/search-repo.ts';
import { searchStoreOf } from '../../src/db/search-store.ts';
import { promised } from '../../src/db/stores.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { SimilarPapers, type SimilarOptions } from '../../src/search/similar.ts';

/** SearchService on SQLite repositories, as createContext builds it (the repositories through their async views). */
export function searchServiceOf(repo: SearchRepo, papers: PapersRepo, options: { now?: () => Date } = {}): SearchService {
  return new SearchService(searchStoreOf(repo), promised(papers), options);
}

/** SimilarPapers on SQLite repositories, as the similar command builds it. */
export function similarPapersOf(repo: SearchRepo, papers: PapersRepo, options: SimilarOptions = {}): SimilarPapers {
  return new SimilarPapers(searchStoreOf(repo), promised(papers), options);
}
