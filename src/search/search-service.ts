import { PromiseCache } from '../core/promise-cache.ts';
import type { Paper } from '../core/types.ts';
import type { Day } from '../core/time.ts';
import type { CompiledQuery } from '../core/compiled-query.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { RankedPage } from '../db/search-repo.ts';
import type { SearchStore } from '../db/search-store.ts';
import type { Async } from '../db/stores.ts';
import { AcronymLexicon, expandQuery } from './expand.ts';
import { formatQuery, parseQuery, type ParsedQuery } from './query.ts';
import { makeSnippet, queryStems } from './snippet.ts';
import { isCorrectable, SpellingIndex, stemSuggestions } from './spelling.ts';
import { correctQuery, type Correction } from './typo-correction.ts';

export type { Correction };

/** How many words' presence in the corpus is remembered between refreshes. */
const MAX_PRESENT_WORDS = 50_000;
/** A channel topic as the digest matches it (see {@link SearchService.compileTopic}). */
export interface CompiledTopic {
  parsed: ParsedQuery;
  match: CompiledQuery;
  /** The topic as matched, when a misspelt word was corrected. */
  corrected?: string;
}

/** How many queries' plans are remembered between refreshes (parsing and expanding cost about as much as ranking a rare word). */
const MAX_PLANS = 2_000;

/** A query as run: parsed, expanded for storage, the stems its snippets mark, and its text in our syntax. */
interface Plan {
  parsed: ParsedQuery;
  compiled: CompiledQuery;
  stems: Set<string>;
  query: string;
}

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
  /** The learned acronyms and the title vocabulary, each loaded once until the next refresh (a failed load is retried). */
  private readonly lexicon = new PromiseCache<'lexicon', AcronymLexicon>();
  private readonly spelling = new PromiseCache<'spelling', SpellingIndex>();
  /** Whether any stored paper has a word, or matches a word as expanded (cleared on refresh). */
  private readonly present = new Map<string, boolean>();
  private readonly now: () => Date;
  /** Queries with no word to correct, parsed and expanded, by text (cleared on refresh). */
  private readonly plans = new Map<string, Plan>();
  /** Compiled channel topics until the next refresh: thousands of channels share a few thousand topics. */
  private readonly topics = new PromiseCache<string, CompiledTopic>(MAX_PLANS);

  constructor(
    private readonly repo: SearchStore,
    private readonly papers: Pick<Async<PapersRepo>, 'get'>,
    options: { now?: () => Date } = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** Forgets learned acronyms and the spelling vocabulary so the next search reloads them (call after ingest). */
  refresh(): void {
    this.plans.clear();
    this.topics.clear();
    this.lexicon.clear();
    this.spelling.clear();
    this.present.clear();
  }

  private acronyms(): Promise<AcronymLexicon> {
    return this.lexicon.get('lexicon', async () => new AcronymLexicon(await this.repo.learnedAcronyms()));
  }

  private spellingIndex(): Promise<SpellingIndex> {
    return this.spelling.get('spelling', async () => new SpellingIndex(await this.repo.titleWords()));
  }

  /**
   * The query as storage runs it: expanded, with the filters and order expansion leaves to us. An
   * alternative the expansion added ("optimize" for "optimise", a word form, an acronym's sense) is left out
   * when one of its words is in no stored paper: it could match nothing, and each alternative costs the
   * index a lookup and bm25 a phrase.
   */
  private async compiled(parsed: ParsedQuery): Promise<CompiledQuery> {
    const expanded = expandQuery(parsed, await this.acronyms());
    const groups = await Promise.all(
      expanded.groups.map(async (alts) => {
        const present = await Promise.all(alts.map(async (alt) => !alt.textOnly || (await everyAsync(alt.words, (w) => this.inCorpus(w)))));
        const kept = alts.filter((_, i) => present[i]);
        return kept.length > 0 ? kept : alts;
      }),
    );
    return { ...expanded, groups, stars: parsed.stars, hasCode: parsed.hasCode, sort: parsed.sort };
  }

  private inCorpus(word: string): Promise<boolean> {
    return this.remembered(word, () => this.repo.matchesAny({ groups: [[{ words: [word], phrase: false }]], exclude: [], authors: [] }));
  }

  /** A yes/no about the stored papers, asked once until the next refresh. */
  private async remembered(key: string, ask: () => Promise<boolean>): Promise<boolean> {
    let answer = this.present.get(key);
    if (answer === undefined) {
      answer = await ask();
      if (this.present.size >= MAX_PRESENT_WORDS) this.present.clear();
      this.present.set(key, answer);
    }
    return answer;
  }

  /** Checks user text as a query without asking storage: throws `UsageError` on bad input (as {@link compile} rejects). */
  validate(text: string): void {
    parseQuery(text);
  }

  /** Compiles user text into the query storage runs (rejects with `UsageError` on bad input). */
  async compile(text: string): Promise<{ parsed: ParsedQuery; match: CompiledQuery }> {
    const parsed = parseQuery(text);
    return { parsed, match: await this.compiled(parsed) };
  }

  /**
   * Compiles a channel topic as the digest matches it: like {@link compile}, with every word that appears
   * nowhere in the corpus corrected (as search does), so the subscribe preview, `today` and the digest
   * agree. `corrected` is the topic as matched, when it differs. Kept until the next {@link refresh} (the
   * corrections depend on the stored papers, which change only with an ingest).
   */
  compileTopic(text: string): Promise<CompiledTopic> {
    return this.topics.get(text, () => this.compileTopicNow(text));
  }

  private async compileTopicNow(text: string): Promise<CompiledTopic> {
    const original = parseQuery(text);
    const corrected = original.asWritten ? undefined : (await this.correct(original))?.query;
    const parsed = corrected ?? original;
    return { parsed, match: await this.compiled(parsed), ...(corrected ? { corrected: formatQuery(corrected) } : {}) };
  }

  /** Searches the stored papers (rejects with `UsageError` on a malformed query). */
  async search(text: string, options: SearchOptions = {}): Promise<SearchResult> {
    const limit = options.limit ?? 10;
    const offset = options.offset ?? 0;
    const direct = await this.byIdentifier(text);
    if (direct) return direct;
    const key = `${options.correct === false ? 'as-written' : 'corrected'}\u0000${text}`;
    const plan = this.plans.get(key);
    if (plan) return this.result(plan, await this.run(plan, limit, offset, options), limit);
    const parsed = parseQuery(text);
    const checked = parsed.asWritten || options.correct === false;
    const fix = checked ? undefined : await this.correct(parsed);
    if (fix) {
      const fixed = await this.planOf(fix.query);
      const page = await this.run(fixed, limit, offset, options);
      if (page.rows.length > 0 || offset > 0) {
        return this.result(fixed, page, limit, { correctedQuery: fixed.query, corrections: fix.corrections, original: formatQuery({ ...parsed, asWritten: true }) });
      }
    }
    const own = await this.planOf(parsed);
    // Only a query with no word to correct is kept: what correcting finds depends on the stored papers.
    if (!fix && (checked || (await this.allKnown(parsed)))) this.remember(key, own);
    return this.result(own, await this.run(own, limit, offset, options), limit);
  }

  private result(plan: Plan, page: RankedPage, limit: number, corrected?: Pick<SearchResult, 'correctedQuery' | 'corrections' | 'original'>): SearchResult {
    const hits = page.rows.slice(0, limit).map((r) => ({ paper: r.paper, snippet: makeSnippet(r.paper.abstract, plan.stems), rank: r.rank, feedDay: r.feedDay }));
    return { query: plan.query, hits, total: page.total, approximate: page.approximate, ...corrected, hasMore: page.rows.length > limit };
  }

  private remember(key: string, plan: Plan): void {
    if (this.plans.size >= MAX_PLANS) this.plans.clear();
    this.plans.set(key, plan);
  }

  /** A query that is an arXiv id or a paper's arXiv / Hugging Face URL finds that paper itself. */
  private async byIdentifier(text: string): Promise<SearchResult | undefined> {
    const m = /^(?:https?:\/\/(?:www\.)?(?:arxiv\.org\/(?:abs|pdf)|huggingface\.co\/papers)\/)?(?:arxiv:)?(\d{4}\.\d{4,5}(?:v\d+)?)(?:\.pdf)?\/?$/i.exec(text.trim());
    const id = m ? canonicalArxivId(m[1]!) : undefined;
    const paper = id ? await this.papers.get(id) : undefined;
    if (!paper) return undefined;
    const hit = { paper, snippet: makeSnippet(paper.abstract, new Set()), rank: 0, feedDay: await this.repo.feedDayOf(paper.id) };
    return { query: paper.id, hits: [hit], total: 1, approximate: false, hasMore: false };
  }

  /** The query as storage runs it, with the stems its snippets mark. */
  private async planOf(parsed: ParsedQuery): Promise<Plan> {
    const compiled = await this.compiled(parsed);
    const stems = queryStems(compiled.groups.flatMap((g) => g.flatMap((alt) => alt.words)));
    return { parsed, compiled, stems, query: formatQuery(parsed) };
  }

  private run(plan: Plan, limit: number, offset: number, options: SearchOptions): Promise<RankedPage> {
    const since = [plan.parsed.since, options.since].filter((d): d is Day => !!d).sort().pop();
    const query: CompiledQuery = { ...plan.compiled, since, listedSince: options.listedSince };
    return this.repo.rank(query, { limit: limit + 1, offset }, { now: options.now ?? this.now() });
  }

  /** Whether every word correction would look at finds something (answers remembered until refresh). */
  private allKnown(parsed: ParsedQuery): Promise<boolean> {
    const words = parsed.groups.flatMap((g) => g.flatMap((c) => c.words));
    return everyAsync(words, async (w) => !isCorrectable(w) || (await this.known(w)));
  }

  private async known(word: string): Promise<boolean> {
    if ((await this.spellingIndex()).wordDocs(word) > 0) return true;
    return this.remembered(`known\u0000${word}`, async () => this.repo.matchesAny(await this.compiled(oneWord(word))));
  }

  /** Corrects the words that appear nowhere in the index (see {@link correctQuery}). */
  private async correct(parsed: ParsedQuery): Promise<{ query: ParsedQuery; corrections: Correction[] } | undefined> {
    const index = await this.spellingIndex();
    return correctQuery(parsed, {
      known: (word) => this.known(word),
      suggest: async (word) => {
        const fromTitles = index.suggest(word);
        return fromTitles.length > 0 ? fromTitles : stemSuggestions(word, this.repo);
      },
      count: async (query, cap) => this.repo.countMatches(await this.compiled(query), cap),
    });
  }
}

/** Whether `test` holds for every item, asked in order and stopping at the first that fails. */
async function everyAsync<T>(items: readonly T[], test: (item: T) => Promise<boolean>): Promise<boolean> {
  for (const item of items) if (!(await test(item))) return false;
  return true;
}

function oneWord(word: string): ParsedQuery {
  return { groups: [[{ kind: 'word', text: word, words: [word] }]], exclude: [], authors: [] };
}
