import { z } from 'zod';
import type { Listing, Paper } from '../core/types.ts';
import { isDay, type Day } from '../core/time.ts';

const looseString = z.string().nullish();
const count = z.number().int().nonnegative().nullish().catch(undefined);

const hfAuthor = z.object({ name: z.string().nullish(), hidden: z.boolean().nullish() }).passthrough();

const hfPaper = z
  .object({
    id: z.string(),
    title: looseString,
    summary: looseString,
    authors: z.array(hfAuthor).nullish().catch(undefined),
    publishedAt: looseString,
    upvotes: count,
    ai_summary: looseString,
    ai_keywords: z.array(z.string()).nullish().catch(undefined),
    githubRepo: looseString,
    githubStars: count,
    projectPage: looseString,
    thumbnail: looseString,
  })
  .passthrough();

/** One item of `GET /api/daily_papers`: `paper` is canonical, the wrapper's copies are fallbacks. */
export const hfDailyItem = z
  .object({
    paper: hfPaper,
    title: looseString,
    summary: looseString,
    thumbnail: looseString,
    numComments: count,
  })
  .passthrough();

export type HfDailyItem = z.infer<typeof hfDailyItem>;

const NEW_ARXIV_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ARXIV_ID = /^[a-z][a-z-]*(\.[A-Z]{2})?\/\d{7}$/;

/** The canonical arXiv id: trimmed, `arXiv:` prefix and `vN` version suffix removed; undefined if not an arXiv id. */
export function canonicalArxivId(raw: string): string | undefined {
  const id = raw.trim().replace(/^arxiv:/i, '').replace(/v\d+$/i, '');
  return NEW_ARXIV_ID.test(id) || OLD_ARXIV_ID.test(id) ? id : undefined;
}

/** Collapses runs of whitespace (arXiv abstracts have hard line breaks) and trims. */
export function collapseWhitespace(text: string): string {
  // Only runs that are not already a single space are rewritten: abstracts are mostly single spaces.
  return text.replace(/\s{2,}|[^\S ]/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** `https://github.com/owner/repo(.git)(/tree/...)` or `owner/repo` -> `owner/repo`; anything else -> null. */
export function normaliseGithubRepo(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim().replace(/\.git$/, '').replace(/\/+$/, '');
  const url = /^(?:https?:\/\/)?(?:www\.)?github\.com\/([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)(?:[/?#].*)?$/i.exec(text);
  if (url) return `${url[1]}/${url[2]!.replace(/\.git$/, '')}`;
  const short = /^([A-Za-z0-9-]+)\/([A-Za-z0-9._-]+)$/.exec(text);
  return short ? `${short[1]}/${short[2]}` : null;
}

function httpUrl(raw: string | null | undefined, base: string): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw.trim(), base);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export type MappedItem = { ok: true; paper: Paper; listing: Listing } | { ok: false; reason: string };

/**
 * Validates one raw daily item and maps it to a Paper and its Listing for `feedDay`. Never throws: a
 * malformed item comes back as `{ ok: false, reason }` so the caller can skip and log it.
 */
export function mapDailyItem(raw: unknown, feedDay: Day, rank: number, baseUrl: string): MappedItem {
  const parsed = hfDailyItem.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `invalid item: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? ''}`.trim() };
  }
  const item = parsed.data;
  const p = item.paper;
  const id = canonicalArxivId(p.id);
  if (!id) return { ok: false, reason: `paper.id ${JSON.stringify(p.id)} is not an arXiv id` };
  const title = collapseWhitespace(p.title ?? item.title ?? '');
  if (!title) return { ok: false, reason: `paper ${id} has no title` };
  const published = p.publishedAt?.slice(0, 10);
  const upvotes = p.upvotes ?? 0;
  const paper: Paper = {
    id,
    title,
    abstract: collapseWhitespace(p.summary ?? item.summary ?? ''),
    authors: (p.authors ?? []).filter((a) => a.hidden !== true && a.name?.trim()).map((a) => collapseWhitespace(a.name!)),
    publishedAt: published && isDay(published) ? published : null,
    upvotes,
    comments: item.numComments ?? 0,
    aiSummary: p.ai_summary ? collapseWhitespace(p.ai_summary) || null : null,
    aiKeywords: (p.ai_keywords ?? []).map(collapseWhitespace).filter(Boolean),
    githubRepo: normaliseGithubRepo(p.githubRepo),
    githubStars: p.githubStars ?? null,
    projectPage: httpUrl(p.projectPage, baseUrl),
    thumbnail: httpUrl(item.thumbnail ?? p.thumbnail, baseUrl),
    categories: [],
  };
  return { ok: true, paper, listing: { paperId: id, feedDay, rank, upvotes } };
}
