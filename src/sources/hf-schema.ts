import { z } from 'zod';
import type { Listing, Paper } from '../core/types.ts';
import { isDay, type Day } from '../core/time.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import { FIELD_CAPS, FieldCapper, type FieldNote } from './field-caps.ts';

const looseString = z.string().nullish();
/** Counts are checked in the mapping, so an impossible one is logged rather than silently dropped. */
const count = z.unknown().optional();

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

/** The arXiv id rule lives in src/core (neutral); re-exported for this schema's existing importers. */
export { canonicalArxivId };

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

export type MappedItem = { ok: true; paper: Paper; listing: Listing; notes: FieldNote[] } | { ok: false; reason: string };

/**
 * Validates one raw daily item and maps it to a Paper and its Listing for `feedDay`. Never throws: a
 * malformed item comes back as `{ ok: false, reason }` so the caller can skip and log it. Every field is
 * held to {@link FIELD_CAPS}; `notes` lists what was cut and which counts were impossible (and ignored).
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
  const caps = new FieldCapper();
  const title = caps.text('title', p.title ?? item.title ?? '', FIELD_CAPS.title);
  if (!title) return { ok: false, reason: `paper ${id} has no title` };
  const published = p.publishedAt?.slice(0, 10);
  const upvotes = caps.count('upvotes', p.upvotes, 0);
  const authors = caps.list('authors', (p.authors ?? []).filter((a) => a.hidden !== true && a.name?.trim()), FIELD_CAPS.authors);
  const keywords = caps.list('aiKeywords', p.ai_keywords ?? [], FIELD_CAPS.aiKeywords);
  const paper: Paper = {
    id,
    title,
    abstract: caps.text('abstract', p.summary ?? item.summary ?? '', FIELD_CAPS.abstract),
    authors: authors.map((a) => caps.text('authorName', a.name!, FIELD_CAPS.authorName)),
    publishedAt: published && isDay(published) ? published : null,
    upvotes,
    comments: caps.count('numComments', item.numComments, 0),
    aiSummary: p.ai_summary ? caps.text('aiSummary', p.ai_summary, FIELD_CAPS.aiSummary) || null : null,
    aiKeywords: keywords.map((k) => caps.text('keyword', k, FIELD_CAPS.keyword)).filter(Boolean),
    githubRepo: normaliseGithubRepo(caps.url('githubRepo', p.githubRepo)),
    githubStars: caps.count('githubStars', p.githubStars, null),
    projectPage: httpUrl(caps.url('projectPage', p.projectPage), baseUrl),
    thumbnail: httpUrl(caps.url('thumbnail', item.thumbnail ?? p.thumbnail), baseUrl),
    categories: [],
  };
  return { ok: true, paper, listing: { paperId: id, feedDay, rank, upvotes }, notes: caps.notes };
}
