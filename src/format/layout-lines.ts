import type { DigestLayout } from '../core/types.ts';
import type { DigestView } from '../core/views.ts';
import { truncateAtWord } from './paper-view.ts';
import { missedLine } from './digest-lines.ts';

/** How many titles a thread header names. */
const HEADER_TITLES = 3;

/** The words of a `thread` layout's header message, built from the stored view (platforms render them). */
export interface ThreadHeader {
  title: string;
  /** Plain lines: the count, the top titles, then the view's note, overflow and missed days. */
  lines: string[];
}

/** The header of a `thread` digest: the day, how many papers, the top titles, and where to discuss them. */
export function threadHeader(view: DigestView): ThreadHeader {
  const n = view.papers.length;
  const lines = [`${n} paper${n === 1 ? '' : 's'}, one reply each in this thread: discuss each under its own reply.`];
  const top = view.papers.slice(0, HEADER_TITLES).map((p, i) => `${i + 1}. ${truncateAtWord(p.title.replace(/\s+/g, ' ').trim(), 120)}`);
  if (top.length > 0) lines.push(`Top: ${top.join(' · ')}${n > HEADER_TITLES ? ' …' : ''}`);
  if (view.note) lines.push(view.note);
  if (view.overflow && view.overflow.count > 0) lines.push(`+${view.overflow.count} more qualified: ${view.overflow.url}`);
  if (view.missed) lines.push(`${missedLine(view.missed)}: ${view.missed.url}`);
  return { title: `Trending papers · ${view.feedDay}`, lines };
}

/**
 * The layout `view` is posted in, on every platform: its channel's (absent: `digest`), except that a view
 * with no papers is always one `digest` message (its notice). Platforms layer their own rules on it (a
 * Discord forum takes one post per paper).
 */
export function effectiveLayout(view: DigestView): DigestLayout {
  return view.papers.length === 0 ? 'digest' : (view.layout ?? 'digest');
}

/**
 * How many messages posting `view` makes at least: a `thread` header and one reply per paper, one message
 * per paper for `papers`, one for a `digest` (more when a long one is split). What a channel's pacing plans for.
 */
export function plannedMessages(view: DigestView | null | undefined): number {
  if (!view) return 1;
  const layout = effectiveLayout(view);
  if (layout === 'thread') return view.papers.length + 1;
  if (layout === 'papers') return view.papers.length;
  return 1;
}

/** The line above one paper of a `papers` layout digest: its day and place. */
export function paperPostLine(view: DigestView, index: number): string {
  return `Trending papers · ${view.feedDay} · ${index + 1} of ${view.papers.length}`;
}

/** Which paper a follow-up is about, when its thread holds several (a `thread` layout's header thread): its place in the digest and title. */
export interface FollowUpPaper {
  number: number;
  title: string;
}

const named = (paper: FollowUpPaper) => `${paper.number}. "${truncateAtWord(paper.title.replace(/\s+/g, ' ').trim(), 150)}"`;

/** What a follow-up says when a posted paper's code is released; `paper` names it where the thread holds several. */
export function codeReleasedText(repo: string, url: string, paper?: FollowUpPaper): string {
  return paper ? `Code released for ${named(paper)}: ${repo} (${url})` : `Code released: ${repo} (${url})`;
}

/** What a follow-up says when a posted paper's upvotes surge; `number` gives its place where the thread holds several. */
export function surgeText(title: string, before: number, now: number, number?: number): string {
  const which = number === undefined ? `"${truncateAtWord(title.replace(/\s+/g, ' ').trim(), 150)}"` : named({ number, title });
  return `Upvotes surging: ${which} went from ▲ ${before} when posted to ▲ ${now}.`;
}
