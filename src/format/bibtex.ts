import type { Paper } from '../core/types.ts';

/** The fields a BibTeX entry is built from: what we store of a paper. */
export type BibtexPaper = Pick<Paper, 'id' | 'title' | 'authors' | 'publishedAt' | 'categories'>;

const LATEX_SPECIALS: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  $: '\\$',
  '&': '\\&',
  '%': '\\%',
  '#': '\\#',
  _: '\\_',
  '^': '\\textasciicircum{}',
  '~': '\\textasciitilde{}',
};

/** Words skipped when picking a title's first word for the key. */
const STOP_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'with', 'from', 'towards', 'toward', 'is', 'are', 'do', 'does', 'can', 'how', 'what', 'why', 'when', 'we', 'your', 'our', 'at', 'by', 'via']);

/** Escapes LaTeX's special characters (`\ { } $ & % # _ ^ ~`) and collapses white space. */
export function escapeLatex(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\{}$&%#_^~]/g, (ch) => LATEX_SPECIALS[ch]!);
}

/** Lower-case ASCII letters and digits only: accents folded (`Müller` → `muller`), the rest dropped. */
function keyPart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The family name of an author as we store them (`Given Family`, or `Family, Given`). */
function familyName(author: string): string {
  const name = author.trim();
  if (name.includes(',')) return name.split(',')[0]!.trim();
  const parts = name.split(/\s+/);
  return parts.at(-1) ?? '';
}

/** The year: from the publication date, else from a new-style arXiv id (`2503.01234` → 2025). */
export function yearOf(paper: Pick<BibtexPaper, 'id' | 'publishedAt'>): string | undefined {
  const fromDate = /^(\d{4})-/.exec(paper.publishedAt ?? '')?.[1];
  if (fromDate) return fromDate;
  const fromId = /^(\d{2})\d{2}\.\d{4,5}$/.exec(paper.id)?.[1];
  return fromId ? `20${fromId}` : undefined;
}

/** `lastname2025firstword`: first author's family name, the year, the title's first word that is not a stop word. */
export function citationKey(paper: BibtexPaper): string {
  const author = keyPart(familyName(paper.authors[0] ?? '')) || 'anon';
  const words = paper.title.split(/[\s\-:/]+/).map(keyPart).filter(Boolean);
  const word = words.find((w) => !STOP_WORDS.has(w)) ?? words[0] ?? 'paper';
  return `${author}${yearOf(paper) ?? 'nd'}${word}`;
}

/** One `@misc` entry (arXiv's own style: eprint, archivePrefix, primaryClass) under `key`. */
export function bibtexEntry(paper: BibtexPaper, key: string = citationKey(paper)): string {
  const fields: [string, string][] = [
    // Double braces keep the title's capitals as written.
    ['title', `{${escapeLatex(paper.title) || 'Untitled'}}`],
    ['author', paper.authors.map((a) => escapeLatex(a)).filter(Boolean).join(' and ') || 'Unknown'],
  ];
  const year = yearOf(paper);
  if (year) fields.push(['year', year]);
  fields.push(['eprint', paper.id], ['archivePrefix', 'arXiv']);
  const primary = paper.categories[0];
  if (primary) fields.push(['primaryClass', escapeLatex(primary)]);
  fields.push(['url', `https://arxiv.org/abs/${paper.id}`]);
  return [`@misc{${key},`, ...fields.map(([name, value]) => `  ${name} = {${value}},`), '}'].join('\n');
}

/**
 * Entries for a list of papers, in order, with citation keys unique within the list (a second
 * `smith2025diffusion` becomes `smith2025diffusionb`, then `c`, ...).
 */
export function bibtexEntries(papers: readonly BibtexPaper[]): string[] {
  const used = new Map<string, number>();
  return papers.map((paper) => {
    const base = citationKey(paper);
    const n = used.get(base) ?? 0;
    used.set(base, n + 1);
    return bibtexEntry(paper, n === 0 ? base : `${base}${suffix(n)}`);
  });
}

/** 1 → b, 2 → c, ... 25 → z, 26 → ba: never an empty or repeated suffix. */
function suffix(n: number): string {
  let out = '';
  let rest = n;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out;
}
