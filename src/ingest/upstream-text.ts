import type { Paper } from '../core/types.ts';

const NUL = '\u0000';

/** `text` without NUL characters (U+0000): PostgreSQL `text` and `jsonb` cannot hold one, SQLite FTS would cut at it. */
export function withoutNul(text: string): string {
  return text.includes(NUL) ? text.replaceAll(NUL, '') : text;
}

const orNull = (text: string | null): string | null => (text === null ? null : withoutNul(text));
const each = (list: string[]): string[] => (list.some((s) => s.includes(NUL)) ? list.map(withoutNul) : list);

/**
 * A paper as upstream sent it, ready for either database dialect: every text field without NUL characters
 * (the one place ingest removes them). The paper itself when it has none (the usual case: nothing copied).
 */
export function storablePaper(p: Paper): Paper {
  const texts = [p.title, p.abstract, p.aiSummary, p.githubRepo, p.projectPage, p.thumbnail];
  if (!texts.some((t) => t?.includes(NUL)) && ![p.authors, p.aiKeywords, p.categories].some((l) => l.some((s) => s.includes(NUL)))) return p;
  return {
    ...p,
    title: withoutNul(p.title),
    abstract: withoutNul(p.abstract),
    authors: each(p.authors),
    aiSummary: orNull(p.aiSummary),
    aiKeywords: each(p.aiKeywords),
    githubRepo: orNull(p.githubRepo),
    projectPage: orNull(p.projectPage),
    thumbnail: orNull(p.thumbnail),
    categories: each(p.categories),
  };
}
