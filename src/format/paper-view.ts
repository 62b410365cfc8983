import { paperLinks, type Paper } from '../core/types.ts';
import type { PaperView } from '../core/views.ts';
import { collapseSpaces, sentencesOf } from './sentences.ts';

/** Cuts `text` to at most `max` characters at a word boundary, adding `…` when it cut. */
export function truncateAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const slice = text.slice(0, Math.max(0, max - 1));
  const lastSpace = slice.search(/\s\S*$/);
  const cut = lastSpace > max * 0.5 ? slice.slice(0, lastSpace) : slice;
  return `${cut.replace(/[\s,;:.-]+$/, '')}…`;
}

/**
 * The abstract's first whole sentences, as many as fit in `max` characters, whitespace collapsed; when even
 * the first does not fit, the abstract cut at a word boundary. Abbreviations and initials do not end a sentence.
 */
export function leadSentences(abstract: string, max: number): string {
  let out = '';
  for (const sentence of sentencesOf(abstract)) {
    const next = out === '' ? sentence : `${out} ${sentence}`;
    if (next.length > max) break;
    out = next;
  }
  return out.length > 0 ? out : truncateAtWord(collapseSpaces(abstract), max);
}

/** A paper's one-line summary: Hugging Face's ai_summary, else the abstract's lead, within `max` characters. */
export function summaryOf(paper: Pick<Paper, 'aiSummary' | 'abstract'>, max = 300): string {
  const ai = paper.aiSummary?.trim();
  if (ai) return truncateAtWord(collapseSpaces(ai), max);
  return leadSentences(paper.abstract, max);
}

/** Builds the neutral view of a paper that every renderer shares. */
export function toPaperView(paper: Paper, extra: { snippet?: string; matchedTopic?: string } = {}): PaperView {
  return {
    id: paper.id,
    title: paper.title,
    url: paperLinks.hf(paper.id),
    arxivUrl: paperLinks.arxiv(paper.id),
    pdfUrl: paperLinks.pdf(paper.id),
    codeUrl: paper.githubRepo ? paperLinks.github(paper.githubRepo) : null,
    projectUrl: paper.projectPage,
    thumbnail: paper.thumbnail,
    authors: paper.authors,
    upvotes: paper.upvotes,
    githubStars: paper.githubStars,
    summary: summaryOf(paper),
    ...(extra.snippet !== undefined ? { snippet: extra.snippet } : {}),
    ...(extra.matchedTopic !== undefined ? { matchedTopic: extra.matchedTopic } : {}),
  };
}

/** "A, B, C et al." for the first `max` authors. */
export function authorLine(authors: string[], max = 3): string {
  if (authors.length === 0) return 'Unknown authors';
  return authors.length > max ? `${authors.slice(0, max).join(', ')} et al.` : authors.join(', ');
}
