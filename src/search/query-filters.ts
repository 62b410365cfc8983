import type { CountFilter } from '../core/compiled-query.ts';
import type { Paper } from '../core/types.ts';
import type { ParsedQuery } from './query.ts';

function passesCount(value: number, filter: CountFilter | undefined): boolean {
  if (!filter) return true;
  switch (filter.op) {
    case '>=':
      return value >= filter.value;
    case '>':
      return value > filter.value;
    case '<=':
      return value <= filter.value;
    case '<':
      return value < filter.value;
    case '=':
      return value === filter.value;
  }
}

/**
 * Whether a paper passes a query's filters beyond its words, as search applies them in SQL: `since:` by
 * publication day (an unknown day passes), `upvotes:`, `stars:` (unknown stars pass no comparison, as SQL's
 * NULL) and `has:code`. For matching in memory (digest topics over a day's papers).
 */
export function passesQueryFilters(paper: Paper, parsed: ParsedQuery): boolean {
  if (parsed.since && paper.publishedAt !== null && paper.publishedAt < parsed.since) return false;
  if (parsed.hasCode && !paper.githubRepo) return false;
  if (parsed.stars && paper.githubStars === null) return false;
  return passesCount(paper.upvotes, parsed.upvotes) && passesCount(paper.githubStars ?? 0, parsed.stars);
}
