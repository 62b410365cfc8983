import type { Day } from './time.ts';

/**
 * One way to match: every one of `words` anywhere in a paper, or, when `phrase`, next to each other in
 * order. Words are lower case, as {@link wordsOf} (src/core/words.ts) splits them; they are user text and
 * must be quoted by whatever storage turns them into its own syntax.
 */
export interface QueryTerm {
  words: string[];
  phrase: boolean;
  /**
   * Matched in the paper's text only (title, abstract, keywords), never its author names: set on what the
   * expansion adds (an acronym's expansion or letters, a spelling, a word form), so that "SAM" meant as an
   * acronym does not find a paper by Sam McCandlish. The words a person typed match everywhere.
   */
  textOnly?: boolean;
}

/** A group matches when any of its terms does. */
export type TermGroup = QueryTerm[];

/** The text part of a search: what storage matches against titles, abstracts, authors and keywords. */
export interface MatchExpression {
  /** Every group must match (AND of ORs); may be empty when only authors are asked for. */
  groups: TermGroup[];
  /** A paper matching any of these is left out. */
  exclude: QueryTerm[];
  /** Each entry is one author's name as words; every entry must match the authors field. */
  authors: string[][];
}

/** A comparison on a count a paper has (its upvotes, its repository's GitHub stars). */
export interface CountFilter {
  op: '>=' | '>' | '<=' | '<' | '=';
  value: number;
}

/** A comparison on a paper's upvote count. */
export type UpvotesFilter = CountFilter;

/**
 * How matches are ordered: `relevance` (default) blends bm25 with upvotes and a little recency; `new` puts
 * the latest feed day first; `top` the most upvoted first.
 */
export type SortOrder = 'relevance' | 'new' | 'top';

/** Filters on a paper's stored fields, beside the text match. */
export interface QueryFilters {
  /** Published (arXiv) on or after this day; a paper whose day is unknown passes. */
  since?: Day;
  /** Listed on a Daily Papers feed day on or after this day. */
  listedSince?: Day;
  upvotes?: UpvotesFilter;
  /** On the paper's GitHub stars; a paper without a repository never passes. */
  stars?: CountFilter;
  /** Only papers with a GitHub repository. */
  hasCode?: boolean;
}

/**
 * A search as storage runs it: the query language parsed and widened (spellings, acronyms) by src/search,
 * with no syntax left. Each storage dialect (SQLite FTS5 in src/db) compiles it to its own.
 */
export interface CompiledQuery extends MatchExpression, QueryFilters {
  /** Defaults to `relevance`. */
  sort?: SortOrder;
}

/** The expression that matches papers containing `word` (one word, as written). */
export function singleWord(word: string): MatchExpression {
  return { groups: [[{ words: [word], phrase: false }]], exclude: [], authors: [] };
}
