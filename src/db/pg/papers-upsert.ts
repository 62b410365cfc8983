import type { Day } from '../../core/time.ts';
import type { Listing, Paper } from '../../core/types.ts';
import { ISO_NOW } from './runner.ts';

/** A page's paper as `jsonb_to_recordset` reads it. */
export type PaperRecord = ReturnType<typeof paperRecord>;

const RECORD = `id text, title text, abstract text, authors text, published_at text, upvotes int, comments int, ai_summary text,
  ai_keywords text, github_repo text, github_stars int, project_page text, thumbnail text, categories text, feed_day text`;

const FIELDS = 'id, title, abstract, authors, published_at, upvotes, comments, ai_summary, ai_keywords, github_repo, github_stars, project_page, thumbnail, categories, feed_day';

const unlessEmpty = (column: string, empty: string) => (n: string) => `CASE WHEN ${n}.${column} <> '${empty}' THEN ${n}.${column} ELSE p.${column} END`;
const unlessNull = (column: string) => (n: string) => `COALESCE(${n}.${column}, p.${column})`;

/** PapersRepo's merge of a new copy (`n`) over a stored paper (`p`), column by column. */
const MERGE: Record<string, (n: string) => string> = {
  title: (n) => `${n}.title`,
  abstract: unlessEmpty('abstract', ''),
  authors: unlessEmpty('authors', '[]'),
  published_at: unlessNull('published_at'),
  upvotes: (n) => `${n}.upvotes`,
  comments: (n) => `GREATEST(${n}.comments, p.comments)`,
  ai_summary: unlessNull('ai_summary'),
  ai_keywords: unlessEmpty('ai_keywords', '[]'),
  github_repo: unlessNull('github_repo'),
  github_stars: unlessNull('github_stars'),
  project_page: unlessNull('project_page'),
  thumbnail: unlessNull('thumbnail'),
  categories: unlessEmpty('categories', '[]'),
};

/** The columns `papers.search` is generated from: PostgreSQL recomputes it whenever an UPDATE assigns one of them. */
const SEARCHED = ['title', 'abstract', 'authors', 'ai_keywords'];

const set = (n: string, columns: string[]) => [...columns.map((c) => `${c} = ${MERGE[c]!(n)}`), `updated_at = ${ISO_NOW}`].join(',\n  ');

/** PapersRepo's "changed" test: a stored column differs from the new copy's (`IS NOT` is `IS DISTINCT FROM`). */
const differs = (n: string) => Object.keys(MERGE).map((c) => `p.${c} IS DISTINCT FROM ${n}.${c}`).join(' OR ');

/** PapersRepo's upsert, the whole page in one statement in id order; `inserted` tells a new row (`xmax = 0`). */
export const UPSERT_PAPERS = `
INSERT INTO papers AS p (${FIELDS})
SELECT ${FIELDS} FROM jsonb_to_recordset($1::jsonb) AS t(${RECORD}) ORDER BY id
ON CONFLICT (id) DO UPDATE SET
  ${set('excluded', Object.keys(MERGE))}
WHERE ${differs('excluded')}
RETURNING id, (xmax = 0) AS inserted`;

/**
 * The same upsert for stored papers (locked by this transaction) whose searched text it would leave as it
 * is: assigning no searched column spares recomputing the search vector, the bulk of a re-ingest's cost.
 */
export const UPDATE_KEEPING_TEXT = `
UPDATE papers AS p SET
  ${set('t', Object.keys(MERGE).filter((c) => !SEARCHED.includes(c)))}
FROM jsonb_to_recordset($1::jsonb) AS t(${RECORD})
WHERE p.id = t.id AND (${differs('t')})
RETURNING p.id, false AS inserted`;

export const UPSERT_LISTINGS = `
INSERT INTO daily_listings (feed_day, paper_id, rank, upvotes)
SELECT feed_day, paper_id, rank, upvotes FROM jsonb_to_recordset($1::jsonb) AS t(feed_day text, paper_id text, rank int, upvotes int)
ORDER BY paper_id, feed_day
ON CONFLICT (feed_day, paper_id) DO UPDATE SET rank = excluded.rank, upvotes = excluded.upvotes, seen_at = ${ISO_NOW}`;

/** A stored paper's searched text, as the lock reads it. */
export interface StoredText {
  title: string;
  abstract: string;
  authors: string;
  ai_keywords: string;
}

/** Locks the paper rows a write touches, in one order for every writer; answers their searched text. */
export const LOCK_PAPERS = 'SELECT id, title, abstract, authors, ai_keywords FROM papers WHERE id = ANY($1::text[]) ORDER BY id FOR NO KEY UPDATE';

export function paperRecord(p: Paper, feedDay: Day | null) {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    published_at: p.publishedAt,
    upvotes: p.upvotes,
    comments: p.comments,
    ai_summary: p.aiSummary,
    ai_keywords: JSON.stringify(p.aiKeywords),
    github_repo: p.githubRepo,
    github_stars: p.githubStars,
    project_page: p.projectPage,
    thumbnail: p.thumbnail,
    categories: JSON.stringify(p.categories),
    feed_day: feedDay,
  };
}

/** The searched text a paper has once `r` is upserted over `stored` (the MERGE rules of its four columns). */
export function textAfter(stored: StoredText | undefined, r: PaperRecord): StoredText {
  const keep = (value: string, empty: string, old: string | undefined) => (value !== empty || old === undefined ? value : old);
  return {
    title: r.title,
    abstract: keep(r.abstract, '', stored?.abstract),
    authors: keep(r.authors, '[]', stored?.authors),
    ai_keywords: keep(r.ai_keywords, '[]', stored?.ai_keywords),
  };
}

export const sameText = (a: StoredText, b: StoredText) => a.title === b.title && a.abstract === b.abstract && a.authors === b.authors && a.ai_keywords === b.ai_keywords;

/** Splits `papers` into rounds in which each id appears once (in page order), as SQLite upserts one by one. */
export function rounds(papers: Paper[]): Paper[][] {
  const seen = new Map<string, number>();
  const out: Paper[][] = [];
  for (const p of papers) {
    const round = seen.get(p.id) ?? 0;
    seen.set(p.id, round + 1);
    (out[round] ??= []).push(p);
  }
  return out;
}

/** One listing per feed day and paper, the last given winning (as a later upsert overwrites an earlier one). */
export function uniqueListings(listings: Listing[]) {
  const byKey = new Map<string, Listing>();
  for (const l of listings) byKey.set(`${l.feedDay}\u0000${l.paperId}`, l);
  return [...byKey.values()].map((l) => ({ feed_day: l.feedDay, paper_id: l.paperId, rank: l.rank, upvotes: l.upvotes }));
}
