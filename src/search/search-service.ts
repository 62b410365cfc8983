import type { Paper } from '../core/types.ts';
import type { Day } from '../core/time.ts';
import { singleWord, type CompiledQuery } from '../core/compiled-query.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { RankedPage, SearchRepo } from '../db/search-repo.ts';
import { AcronymLexicon, expandQuery } from './expand.ts';
import { formatQuery, parseQuery, type Clause, type ParsedQuery } from './query.ts';
import { makeSnippet, queryStems } from './snippet.ts';
import { correctWord } from './spelling.ts';

export interface SearchHit {
  paper: Paper;
  snippet: string;
  rank: number;
}

export interface SearchResult {
  /** The query as run, in our syntax (after any spelling correction). */
  query: string;
  hits: SearchHit[];
  /** How many papers match (a lower bound when `approximate`). */
  total: number;
  approximate: boolean;
  /** Set when misspelt words were corrected: the query that was run instead, in our syntax. */
  correctedQuery?: string;
  hasMore: boolean;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Extra filter on top of the query's own `since:` (the later of the two applies). */
  since?: Day;
  /** Only papers listed on a Daily Papers feed day on or after this day. */
  listedSince?: Day;
}

/**
 * Search as a researcher expects it: our small syntax, stemming, British/American spellings, acronyms
 * both ways, bm25 with the title above the abstract (ties by upvotes), and spelling correction from the
 * index's own vocabulary when a query finds nothing.
 */
export class SearchService {
  private lexicon: AcronymLexicon | undefined;

  constructor(
    private readonly repo: SearchRepo,
    private readonly papers: Pick<PapersRepo, 'get'>,
  ) {}

  /** Forgets learned acronyms so the next search reloads them (call after ingest). */
  refresh(): void {
    this.lexicon = undefined;
  }

  private acronyms(): AcronymLexicon {
    this.lexicon ??= new AcronymLexicon(this.repo.learnedAcronyms());
    return this.lexicon;
  }

  /** Compiles user text into the query storage runs (throws `UsageError` on bad input). */
  compile(text: string): { parsed: ParsedQuery; match: CompiledQuery } {
    const parsed = parseQuery(text);
    return { parsed, match: expandQuery(parsed, this.acronyms()) };
  }

  /**
   * Compiles a channel topic as the digest matches it: like {@link compile}, with every word that appears
   * nowhere in the corpus replaced by its closest vocabulary word (as search does), so the subscribe
   * preview, `today` and the digest agree. `corrected` is the topic as matched, when it differs.
   */
  compileTopic(text: string): { parsed: ParsedQuery; match: CompiledQuery; corrected?: string } {
    const original = parseQuery(text);
    const corrected = this.correct(original);
    const parsed = corrected ?? original;
    return { parsed, match: expandQuery(parsed, this.acronyms()), ...(corrected ? { corrected: formatQuery(corrected) } : {}) };
  }

  search(text: string, options: SearchOptions = {}): SearchResult {
    const limit = options.limit ?? 10;
    const offset = options.offset ?? 0;
    const direct = this.byIdentifier(text);
    if (direct) return direct;
    const parsed = parseQuery(text);
    let { page, stems } = this.run(parsed, limit, offset, options);
    let correctedQuery: string | undefined;
    if (page.rows.length === 0 && offset === 0) {
      const corrected = this.correct(parsed);
      if (corrected) {
        const retry = this.run(corrected, limit, offset, options);
        if (retry.page.rows.length > 0) {
          ({ page, stems } = retry);
          correctedQuery = formatQuery(corrected);
        }
      }
    }
    const rows = page.rows.slice(0, limit);
    const hits = rows.map((r) => ({ paper: r.paper, snippet: makeSnippet(r.paper.abstract, stems), rank: r.rank }));
    return {
      query: correctedQuery ?? formatQuery(parsed),
      hits,
      total: page.total,
      approximate: page.approximate,
      correctedQuery,
      hasMore: page.rows.length > limit,
    };
  }

  /** A query that is an arXiv id or a paper's arXiv / Hugging Face URL finds that paper itself. */
  private byIdentifier(text: string): SearchResult | undefined {
    const m = /^(?:https?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/)?(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)(?:\.pdf)?\/?$/i.exec(text.trim());
    const id = m ? canonicalArxivId(m[1]!) : undefined;
    const paper = id ? this.papers.get(id) : undefined;
    if (!paper) return undefined;
    return { query: paper.id, hits: [{ paper, snippet: makeSnippet(paper.abstract, new Set()), rank: 0 }], total: 1, approximate: false, hasMore: false };
  }

  private run(parsed: ParsedQuery, limit: number, offset: number, options: SearchOptions): { page: RankedPage; stems: Set<string> } {
    const expanded = expandQuery(parsed, this.acronyms());
    const since = [parsed.since, options.since].filter((d): d is Day => !!d).sort().pop();
    const query: CompiledQuery = { ...expanded, since, listedSince: options.listedSince };
    const stems = queryStems(expanded.groups.flatMap((g) => g.flatMap((alt) => alt.words)));
    return { page: this.repo.rank(query, { limit: limit + 1, offset }), stems };
  }

  /** The query with each word that appears nowhere in the index replaced by its closest vocabulary word. */
  private correct(parsed: ParsedQuery): ParsedQuery | undefined {
    let changed = false;
    const fix = (clause: Clause): Clause => {
      const words = clause.words.map((w) => {
        if (this.repo.wordDocs(w) > 0 || this.repo.matchesAny(singleWord(w))) return w;
        const better = correctWord(w, this.repo);
        if (better) changed = true;
        return better ?? w;
      });
      return { ...clause, words, text: words.join(' ') };
    };
    const groups = parsed.groups.map((g) => g.map(fix));
    return changed ? { ...parsed, groups } : undefined;
  }
}

