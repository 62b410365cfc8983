import type { DigestView } from '../core/views.ts';

/** Names the feed days a digest did not cover (beyond its catch-up limit). */
export function missedLine(missed: NonNullable<DigestView['missed']>): string {
  const span = missed.from === missed.to ? missed.from : `${missed.from} to ${missed.to}`;
  return `Not covered: ${missed.days} earlier feed day${missed.days === 1 ? '' : 's'} (${span}), beyond the ${missed.limit}-day catch-up limit`;
}
