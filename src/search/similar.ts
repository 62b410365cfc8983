import type { MatchExpression } from '../core/compiled-query.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { Day } from '../core/time.ts';
import type { Paper } from '../core/types.ts';
import type { PapersRepo } from '../db/papers-repo.ts';
import type { SearchStore } from '../db/search-store.ts';
import type { Async } from '../db/stores.ts';
import { PaperTerms, tfWeight, type Term } from './paper-terms.ts';
import { makeSnippet } from './snippet.ts';

/** One paper like the asked one, with its TF-IDF cosine to it (0 to 1, higher is closer). */
export interface SimilarPaper {
  paper: Paper;
  score: number;
  /** The words the two papers share that add most to the score, most first (at most five). */
  shared: string[];
  /** The abstract's passage with the most shared words, those wrapped in `**` (as search snippets are). */
  snippet: string;
  /** The latest Daily Papers feed day that listed the paper, or null when none did. */
  feedDay: Day | null;
}

/** The asked paper and its nearest neighbours, closest first (never the paper itself). */
export interface SimilarResult {
  paper: Paper;
  similar: SimilarPaper[];
}

/** Tuning, with the defaults measured in `npm run bench -- similar`. */
export interface SimilarOptions {
  /** How many of the paper's best terms gather candidates (an OR query over the search index). Default 12. */
  candidateTerms?: number;
  /** How many candidates (the index's best bm25 matches) are re-ranked by cosine. Default 100. */
  candidates?: number;
  /**
   * Document frequencies are counted up to `max(1000, papers * commonShare)`; a term in more papers is
   * "common": it weighs as if it were in exactly that many, and never gathers candidates. Default 0.01.
   */
  commonShare?: number;
  /** At most about this many papers may match the gathering terms (bm25 is computed for each). Default 2000. */
  matchBudget?: number;
}

/**
 * "More like this": the stored papers closest to one paper by TF-IDF cosine over title, abstract and
 * keywords. Weights are `(1 + ln tf) * ln(1 + N / df)`, stems as search makes them (Porter).
 *
 * Cost is bounded whatever the catalogue's size, and nothing is cached between calls (so nothing goes stale
 * after an ingest): document frequencies are counted in the search index for the paper's own terms only
 * (capped, see {@link SimilarOptions.commonShare}); candidates are the index's best bm25 matches for the
 * paper's most distinctive terms (chosen so that at most a few thousand papers match); only those are
 * scored by cosine. In a candidate's norm, a term the asked paper lacks weighs with the mean idf of the
 * asked paper's terms (counting every candidate term would cost a lookup each, and such terms change only
 * the norm, never the dot product). Known acronyms count as the words they stand for too.
 */
export class SimilarPapers {
  private readonly vectoriser = new PaperTerms();
  private readonly candidateTerms: number;
  private readonly candidates: number;
  private readonly commonShare: number;
  private readonly matchBudget: number;

  constructor(
    private readonly repo: Pick<SearchStore, 'countMatches' | 'rank' | 'exactLimit'>,
    private readonly papers: Pick<Async<PapersRepo>, 'get' | 'count'>,
    options: SimilarOptions = {},
  ) {
    this.candidateTerms = options.candidateTerms ?? 12;
    this.candidates = options.candidates ?? 100;
    this.commonShare = options.commonShare ?? 0.01;
    this.matchBudget = options.matchBudget ?? 2000;
  }

  /**
   * The `limit` stored papers closest to paper `id` (an arXiv id, canonical), closest first; undefined when
   * that paper is not stored. Papers sharing no distinctive term with it are never listed.
   */
  async find(id: string, limit: number): Promise<SimilarResult | undefined> {
    const paper = await this.papers.get(id);
    if (!paper) return undefined;
    const total = Math.max(1, await this.papers.count());
    const cap = Math.max(1000, Math.ceil(total * this.commonShare));
    const terms = this.termsOf(paper);
    const df = new Map<string, number>();
    const idf = new Map<string, number>();
    const counts = await Promise.all(
      [...terms.values()].map((term) => this.repo.countMatches({ groups: [[{ words: [term.surface], phrase: false }]], exclude: [], authors: [] }, cap)),
    );
    [...terms.keys()].forEach((stem, i) => {
      df.set(stem, counts[i]!);
      idf.set(stem, Math.log(1 + total / Math.max(1, counts[i]!)));
    });
    const query = weigh(terms, idf);
    const meanIdf = idf.size === 0 ? 1 : [...idf.values()].reduce((a, b) => a + b, 0) / idf.size;

    const gather = this.gatheringTerms(terms, df, query, cap);
    if (gather.length === 0) return { paper, similar: [] };
    const expression: MatchExpression = { groups: [gather.map((surface) => ({ words: [surface], phrase: false }))], exclude: [], authors: [] };
    const page = await this.repo.rank(expression, { limit: this.candidates + 1, offset: 0 });
    const scored: Omit<SimilarPaper, 'snippet'>[] = [];
    for (const row of page.rows) {
      if (row.paper.id === paper.id) continue;
      const { score, shared } = cosine(query, this.termsOf(row.paper), idf, meanIdf);
      if (score > 0) scored.push({ paper: row.paper, score, shared, feedDay: row.feedDay });
    }
    scored.sort((a, b) => b.score - a.score || a.paper.id.localeCompare(b.paper.id));
    const similar = scored.slice(0, limit).map((s) => ({ ...s, shared: s.shared.map((stem) => terms.get(stem)!.surface), snippet: makeSnippet(s.paper.abstract, new Set(s.shared)) }));
    return { paper, similar };
  }

  /**
   * The paper's most distinctive terms that other papers have, best first, while the papers matching any
   * of them stay few enough for the index to rank exactly by bm25.
   */
  private gatheringTerms(terms: Map<string, Term>, df: Map<string, number>, query: Vector, cap: number): string[] {
    const budget = Math.min(this.repo.exactLimit, this.matchBudget);
    const byWeight = [...query.weights].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const chosen: string[] = [];
    let matches = 0;
    for (const [stem] of byWeight) {
      const n = df.get(stem) ?? 0;
      // 1 is the paper itself; a common term would flood the candidates.
      if (n <= 1 || n >= cap || matches + n > budget) continue;
      chosen.push(terms.get(stem)!.surface);
      matches += n;
      if (chosen.length === this.candidateTerms) break;
    }
    return chosen;
  }

  /** The paper's stems with their weighted counts (the shared vectoriser, src/search/paper-terms.ts). */
  private termsOf(paper: Pick<Paper, 'title' | 'abstract' | 'aiKeywords'>): Map<string, Term> {
    return this.vectoriser.termsOf(paper);
  }
}

interface Vector {
  weights: Map<string, number>;
  norm: number;
}

function weigh(terms: Map<string, Term>, idf: Map<string, number>): Vector {
  const weights = new Map<string, number>();
  let sum = 0;
  for (const [stem, term] of terms) {
    const w = tfWeight(term.tf) * idf.get(stem)!;
    weights.set(stem, w);
    sum += w * w;
  }
  return { weights, norm: Math.sqrt(sum) };
}

/**
 * Cosine of the asked paper's vector and a candidate's terms (see {@link SimilarPapers} for the norm), with
 * the shared stems that add most to it.
 */
function cosine(query: Vector, terms: Map<string, Term>, idf: Map<string, number>, meanIdf: number): { score: number; shared: string[] } {
  let dot = 0;
  let sum = 0;
  const parts: [string, number][] = [];
  for (const [stem, term] of terms) {
    const own = idf.get(stem);
    const w = tfWeight(term.tf) * (own ?? meanIdf);
    sum += w * w;
    if (own !== undefined) {
      const part = w * query.weights.get(stem)!;
      dot += part;
      parts.push([stem, part]);
    }
  }
  if (dot === 0 || query.norm === 0) return { score: 0, shared: [] };
  const shared = parts.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 5).map(([stem]) => stem);
  return { score: Math.min(1, dot / (query.norm * Math.sqrt(sum))), shared };
}

const WRAPPED_LINK = /^<([^|>]+)(?:\|[^>]*)?>$/;
const PAPER_LINK = /^(?:https?:\/\/)?(?:www\.)?(?:arxiv\.org\/(?:abs|pdf|html)|(?:huggingface|hf)\.co\/papers)\/(.+?)(?:\.pdf)?\/?(?:[?#].*)?$/i;

/**
 * The canonical arXiv id in what a user typed: an id (`2503.10407`, `arXiv:2503.10407v2`) or a paper's
 * arxiv.org (abs, pdf, html) or huggingface.co/papers link, bare or as a chat app wraps it (`<url|label>`);
 * undefined when it is none of these.
 */
export function paperIdFrom(text: string): string | undefined {
  const trimmed = text.trim();
  const unwrapped = WRAPPED_LINK.exec(trimmed)?.[1]?.trim() ?? trimmed;
  const link = PAPER_LINK.exec(unwrapped);
  return canonicalArxivId(link ? link[1]! : unwrapped);
}
