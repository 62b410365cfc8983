import type { FoundPaper, PaperSearchSource } from '../core/ports.ts';
import type { Day } from '../core/time.ts';
import type { Paper } from '../core/types.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { parseQuery, type ParsedQuery } from './query.ts';
import type { SearchOptions, SearchResult } from './search-service.ts';

/** A paper Hugging Face's search found; `newToUs` when it was not stored before this search. */
export interface BeyondHit {
  paper: Paper;
  feedDay: Day | null;
  newToUs: boolean;
}

/** What asking beyond our own papers gave: papers (those already in the local results left out), or why not. */
export type BeyondResult =
  | { kind: 'found'; hits: BeyondHit[]; asked: string }
  | { kind: 'unavailable'; reason: string };

/** When to ask Hugging Face: `auto` when the first page of local results is short, `always`, or `never`. */
export type BeyondMode = 'auto' | 'always' | 'never';

export interface WiderSearchOptions {
  /** `auto` asks when the local results number fewer than this (0: never automatically). */
  fewerThan: number;
  /** At most this many papers from Hugging Face. */
  limit: number;
}

/** A search's local results and, when Hugging Face was asked, what it added. */
export interface WideResult {
  local: SearchResult;
  beyond?: BeyondResult;
  /** Nothing matched because nothing is stored yet: say so, and how to fix it ({@link NOTHING_INGESTED}). */
  nothingIngested: boolean;
}

/** What a search on an empty database answers, on every entry point. */
export const NOTHING_INGESTED = 'Nothing ingested yet: run `npx papers ingest --today` (npm start also does it on its first start), then search again.';

export interface WiderSearchDeps {
  /** Our own search (the stored papers). */
  local: (query: string, options: SearchOptions) => Promise<SearchResult>;
  /** Whether any feed day was ingested yet. */
  hasIngested: () => Promise<boolean>;
  /** Hugging Face's search; absent: the local results are all there is. */
  source?: PaperSearchSource;
  /** Stores the papers found that we did not have (the ingest pipeline's); returns the ids added. */
  store: (found: FoundPaper[]) => string[] | Promise<string[]>;
  logger: Logger;
}

/**
 * Plain words for an outside search: every group's words and phrases (our operators mean nothing there);
 * authors only when there are no words.
 */
export function outsideSearchText(query: ParsedQuery): string {
  const words = query.groups.flatMap((group) => group.flatMap((c) => (c.kind === 'phrase' ? c.words : [c.text])));
  return (words.length > 0 ? words : query.authors).join(' ');
}

/** The stored papers only, with the same empty-database rule (no outside search configured). */
export function localOnlySearch(deps: Pick<WiderSearchDeps, 'local' | 'hasIngested' | 'logger'>): WiderSearch {
  return new WiderSearch({ ...deps, store: () => [] }, { fewerThan: 0, limit: 0 });
}

/**
 * Search beyond what we stored: Hugging Face's own search, asked when local results are few or on request,
 * fast (one attempt, a short timeout) so a chat reply still arrives in time; the papers it finds are stored
 * on the way so topics can match them later. When it is down, slow or answers nonsense, the local results
 * stand and the reason is returned for a note.
 */
export class WiderSearch {
  constructor(
    private readonly deps: WiderSearchDeps,
    private readonly options: WiderSearchOptions,
  ) {}

  /** Whether this search can ask beyond the stored papers (a "Search all of Hugging Face" button makes sense). */
  get reachesBeyond(): boolean {
    return this.deps.source !== undefined;
  }

  /** Searches the stored papers, and Hugging Face as `mode` says (a `UsageError` names a malformed query). */
  async search(query: string, options: SearchOptions & { offset: number }, mode: BeyondMode): Promise<WideResult> {
    const local = await this.deps.local(query, options);
    const nothingIngested = local.total === 0 && !(await this.deps.hasIngested());
    if (!this.wants(mode, local, options.offset)) return { local, nothingIngested };
    return { local, beyond: await this.beyond(local.query, local), nothingIngested };
  }

  /** Whether `mode` asks Hugging Face for this local result (only the first page asks automatically). */
  private wants(mode: BeyondMode, local: SearchResult, offset: number): boolean {
    if (!this.deps.source || mode === 'never') return false;
    return mode === 'always' || (offset === 0 && local.total < this.options.fewerThan);
  }

  private async beyond(query: string, local: SearchResult): Promise<BeyondResult> {
    if (!this.deps.source) return { kind: 'unavailable', reason: 'searching Hugging Face is not configured' };
    const asked = outsideSearchText(parseQuery(query));
    if (asked === '') return { kind: 'found', hits: [], asked };
    let found: FoundPaper[];
    try {
      found = (await this.deps.source.search(asked, this.options.limit)).found;
    } catch (error) {
      const reason = describeError(error);
      this.deps.logger.warn({ err: reason }, 'Hugging Face search failed; local results only');
      return { kind: 'unavailable', reason };
    }
    const shown = new Set(local.hits.map((h) => h.paper.id));
    const fresh = found.filter((f) => !shown.has(f.paper.id));
    let added = new Set<string>();
    try {
      added = new Set(await this.deps.store(fresh));
    } catch (error) {
      this.deps.logger.warn({ err: describeError(error) }, 'could not store papers found by Hugging Face search; shown anyway');
    }
    return { kind: 'found', asked, hits: fresh.map((f) => ({ paper: f.paper, feedDay: f.feedDay, newToUs: added.has(f.paper.id) })) };
  }
}
