import type { Logger } from '../logger.ts';

/**
 * The most of each upstream field the bot stores. Real values sit far below (arXiv caps abstracts at 1,920
 * characters and titles at a few hundred); these only stop a broken or hostile feed from storing megabytes
 * that every later search, digest and render would carry. Text is in characters, lists in entries.
 */
export const FIELD_CAPS = {
  title: 500,
  abstract: 10_000,
  aiSummary: 2_000,
  /** Collaboration papers list a few thousand authors; the bot shows three. */
  authors: 500,
  authorName: 200,
  aiKeywords: 50,
  keyword: 100,
  url: 2_048,
  categories: 20,
  category: 40,
} as const;

/** Upvotes, comments and stars above this are not real (the most-starred repositories have a few hundred thousand). */
export const MAX_PLAUSIBLE_COUNT = 10_000_000;

/** Something the mapping changed in an upstream value: cut to a cap, or an impossible number replaced. */
export type FieldNote =
  | { field: string; problem: 'too long'; originalSize: number; cap: number }
  | { field: string; problem: 'impossible number'; value: string };

/**
 * Collapses whitespace runs to one space and trims. Only runs that are not already a single space are
 * rewritten: text is mostly single spaces, and replacing each one (`/\s+/g`) took 3x as long, a tenth of a
 * bulk ingest (measured at 20,000 abstracts).
 */
function collapse(text: string): string {
  return text.replace(/\s{2,}|[^\S ]/g, ' ').replace(/ {2,}/g, ' ').trim();
}

/** Cuts at `max` characters, at a word boundary when one is near, never inside a surrogate pair; adds `…`. */
function cut(text: string, max: number): string {
  let end = Math.max(0, max - 1);
  if (/[\uD800-\uDBFF]/.test(text.charAt(end - 1))) end -= 1;
  const slice = text.slice(0, end);
  const space = slice.lastIndexOf(' ');
  return `${space > max * 0.8 ? slice.slice(0, space) : slice}…`;
}

/**
 * Applies {@link FIELD_CAPS} to one item's fields and records what it changed, so the caller can log each
 * change with the item's id. Work is bounded by the cap, not by the size of what arrived.
 */
export class FieldCapper {
  readonly notes: FieldNote[] = [];

  /** One note per field is enough to log (500 long author names are one problem). */
  private note(note: FieldNote): void {
    if (!this.notes.some((n) => n.field === note.field)) this.notes.push(note);
  }

  /** `raw` with whitespace collapsed, at most `max` characters (cut with `…`, noted). */
  text(field: string, raw: string, max: number): string {
    // Only a window a little larger than the cap is collapsed: a 50 MB value costs no more than a short one.
    const window = raw.length > max * 2 + 64 ? raw.slice(0, max * 2 + 64) : raw;
    const text = collapse(window);
    if (text.length <= max && window.length === raw.length) return text;
    this.note({ field, problem: 'too long', originalSize: raw.length, cap: max });
    return text.length <= max ? text : cut(text, max);
  }

  /** The first `max` entries of `list` (noted when there were more). */
  list<T>(field: string, list: readonly T[], max: number): T[] {
    if (list.length <= max) return [...list];
    this.note({ field, problem: 'too long', originalSize: list.length, cap: max });
    return list.slice(0, max);
  }

  /** `raw` when it is at most {@link FIELD_CAPS.url} characters, else undefined (noted). */
  url(field: string, raw: string | null | undefined): string | undefined {
    if (!raw) return undefined;
    if (raw.length <= FIELD_CAPS.url) return raw;
    this.note({ field, problem: 'too long', originalSize: raw.length, cap: FIELD_CAPS.url });
    return undefined;
  }

  /**
   * A count (upvotes, comments, stars): an integer from 0 to {@link MAX_PLAUSIBLE_COUNT}. Absent gives
   * `fallback` silently; anything else (negative, fractional, infinite, a string) gives `fallback`, noted.
   */
  count<F extends number | null>(field: string, raw: unknown, fallback: F): number | F {
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= MAX_PLAUSIBLE_COUNT) return raw;
    this.note({ field, problem: 'impossible number', value: typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : String(raw).slice(0, 60) });
    return fallback;
  }
}

/** Logs each change made to one upstream item, at `warn`, with the item's id. */
export function logFieldNotes(logger: Logger, source: string, id: string, notes: readonly FieldNote[]): void {
  for (const note of notes) {
    if (note.problem === 'too long') {
      logger.warn({ source, paperId: id, field: note.field, originalSize: note.originalSize, cap: note.cap }, `${source} sent a ${note.field} over the cap; stored it cut`);
    } else {
      logger.warn({ source, paperId: id, field: note.field, value: note.value }, `${source} sent an impossible ${note.field} (${note.value}); ignored it`);
    }
  }
}
