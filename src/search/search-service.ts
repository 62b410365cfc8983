import type { Paper } from '../core/types.ts';
import type { Day } from '../core/time.ts';
import type { CompiledQuery } from '../core/compiled-query.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { RankedPage, SearchRepo } from '../db/search-repo.ts';
import { AcronymLexicon, expandQuery } from './expand.ts';
import { formatQuery, parseQuery, type ParsedQuery } from './query.ts';
import { makeSnippet, queryStems } from './snippet.ts';
import { SpellingIndex, stemSuggestions } from './spelling.ts';
import { correctQuery, type Correction } from './typo-correction.ts';

export type { Correction };

/** How many words' presence in the corpus is remembered between refreshes. */
const MAX_PRESENT_WORDS = 50_000;

export interface SearchHit {
  paper: Paper;
  snippet: string;
  /** The score the hits are ordered by (lower is better; see SearchRepo's RANKING). */
  rank: number;
  /** The latest Daily Papers feed day that listed the paper, or null when none did. */
  feedDay: Day | null;
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
  /** With `correctedQuery`: each word replaced, and by what. */
  corrections?: Correction[];
  /**
   * With `correctedQuery`: the text that searches the words exactly as the user wrote them (the original
   * query with `spell:off`), for a "search for ... instead" link. Passing `correct: false` does the same.
   */
  original?: string;
  hasMore: boolean;
}

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** Extra filter on top of the query's own `since:` (the later of the two applies). */
  since?: Day;
  /** Only papers listed on a Daily Papers feed day on or after this day. */
  listedSince?: Day;
  /** False: search the words as written, never corrected (as `spell:off` in the query). Default true. */
  correct?: boolean;
  /** The moment ranking measures ages from (default: the service's clock). */
  now?: Date;
}

/**
 * Search as a researcher expects it: our small syntax, stemming, British/American spellings, acronyms
 * both ways, bm25 (title above abstract) blended with upvotes and recency, and correction of every word
 * that appears nowhere in the index, from the index's own vocabulary.
 */
export class SearchService {
  private lexicon: AcronymLexicon | undefined;
  private spelling: SpellingIndex | undefined;
  /** Whether any stored paper has a word, or matches a word as expanded (cleared on refresh). */
  private readonly present = new Map<string, boolean>();
  private readonly now: () => Date;

  constructor(
    private readonly repo: SearchRepo,
    private readonly papers: Pick<PapersRepo, 'get'>,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Forgets learned acronyms and the spelling vocabulary so the next search reloads them (call after ingest). */
  refresh(): void {
    this.lexicon = undefined;
    this.spelling = undefined;
    this.present.clear();
  }

  private acronyms(): AcronymLexicon {
    this.lexicon ??= new AcronymLexicon(this.repo.learnedAcronyms());
    return this.lexicon;
  }

  private spellingIndex(): SpellingIndex {
    this.spelling ??= new SpellingIndex(this.repo.titleWords());
    return this.spelling;
  }

  /**
   * The query as storage runs it: expanded, with the filters and order expansion leaves to us. An
   * alternative the expansion added ("optimize" for "optimise", a word form, an acronym's sense) is left out
   * when one of its words is in no stored paper: it could match nothing, and each alternative costs the
   * index a lookup and bm25 a phrase.
   */
  private compiled(parsed: ParsedQuery): CompiledQuery {
    const expanded = expandQuery(parsed, this.acronyms());
    const groups = expanded.groups.map((alts) => {
      const kept = alts.filter((alt) => !alt.textOnly || alt.words.every((w) => this.inCorpus(w)));
      return kept.length > 0 ? kept : alts;
    });
    return { ...expanded, groups, stars: parsed.stars, hasCode: parsed.hasCode, sort: parsed.sort };
  }

  private inCorpus(word: string): boolean {
    return this.remembered(word, () => this.repo.matchesAny({ groups: [[{ words: [word], phrase: false }]], exclude: [], authors: [] }));
  }

  /** A yes/no about the stored papers, asked once until the next refresh. */
  private remembered(key: string, ask: () => boolean): boolean {
    let answer = this.present.get(key);
    if (answer === undefined) {
      answer = ask();
      if (this.present.size >= MAX_PRESENT_WORDS) this.present.clear();
      this.present.set(key, answer);
    }
    return answer;
  }

  /** Compiles user text into the query storage runs (throws `UsageError` on bad input). */
  compile(text: string): { parsed: ParsedQuery; match: CompiledQuery } {
    const parsed = parseQuery(text);
    return { parsed, match: this.compiled(parsed) };
  }

  /**
   * Compiles a channel topic as the digest matches it: like {@link compile}, with every word that appears
   * nowhere in the corpus corrected (as search does), so the subscribe preview, `today` and the digest
   * agree. `corrected` is the topic as matched, when it differs.
   */
  compileTopic(text: string): { parsed: ParsedQuery; match: CompiledQuery; corrected?: string } {
    const original = parseQuery(text);
    const corrected = original.asWritten ? undefined : this.correct(original)?.query;
    const parsed = corrected ?? original;
    return { parsed, match: this.compiled(parsed), ...(corrected ? { corrected: formatQuery(corrected) } : {}) };
  }

  search(text: string, options: SearchOptions = {}): SearchResult {
    const limit = options.limit ?? 10;
    const offset = options.offset ?? 0;
    const direct = this.byIdentifier(text);
    if (direct) return direct;
    const parsed = parseQuery(text);
    const fix = parsed.asWritten || options.correct === false ? undefined : this.correct(parsed);
    let ran = fix ? this.run(fix.query, limit, offset, options) : undefined;
    if (fix && ran!.page.rows.length === 0 && offset === 0) ran = undefined;
    const corrected = ran !== undefined;
    const { page, stems } = ran ?? this.run(parsed, limit, offset, options);
    const rows = page.rows.slice(0, limit);
    const hits = rows.map((r) => ({ paper: r.paper, snippet: makeSnippet(r.paper.abstract, stems), rank: r.rank, feedDay: r.feedDay }));
    return {
      query: formatQuery(corrected ? fix!.query : parsed),
      hits,
      total: page.total,
      approximate: page.approximate,
      ...(corrected
        ? { correctedQuery: formatQuery(fix!.query), corrections: fix!.corrections, original: formatQuery({ ...parsed, asWritten: true }) }
        : {}),
      hasMore: page.rows.length > limit,
    };
  }

  /** A query that is an arXiv id or a paper's arXiv / Hugging Face URL finds that paper itself. */
  private byIdentifier(text: string): SearchResult | undefined {
    const m = /^(?:https?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/)?(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)(?:\.pdf)?\/?$/i.exec(text.trim());
    const id = m ? canonicalArxivId(m[1]!) : undefined;
    const paper = id ? this.papers.get(id) : undefined;
    if (!paper) return undefined;
    const hit = { paper, snippet: makeSnippet(paper.abstract, new Set()), rank: 0, feedDay: this.repo.feedDayOf(paper.id) };
    return { query: paper.id, hits: [hit], total: 1, approximate: false, hasMore: false };
  }

  private run(parsed: ParsedQuery, limit: number, offset: number, options: SearchOptions): { page: RankedPage; stems: Set<string> } {
    const compiled = this.compiled(parsed);
    const since = [parsed.since, options.since].filter((d): d is Day => !!d).sort().pop();
    const query: CompiledQuery = { ...compiled, since, listedSince: options.listedSince };
    const stems = queryStems(compiled.groups.flatMap((g) => g.flatMap((alt) => alt.words)));
    return { page: this.repo.rank(query, { limit: limit + 1, offset }, { now: options.now ?? this.now() }), stems };
  }

  /** Corrects the words that appear nowhere in the index (see {@link correctQuery}). */
  private correct(parsed: ParsedQuery): { query: ParsedQuery; corrections: Correction[] } | undefined {
    const index = this.spellingIndex();
    return correctQuery(parsed, {
      known: (word) => index.wordDocs(word) > 0 || this.remembered(`known\u0000${word}`, () => this.repo.matchesAny(this.compiled(oneWord(word)))),
      suggest: (word) => {
        const fromTitles = index.suggest(word);
        return fromTitles.length > 0 ? fromTitles : stemSuggestions(word, this.repo);
      },
      count: (query, cap) => this.repo.countMatches(this.compiled(query), cap),
    });
  }
}

function oneWord(word: string): ParsedQuery {
  return { groups: [[{ kind: 'word', text: word, words: [word] }]], exclude: [], authors: [] };
}
