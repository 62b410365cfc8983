import type { PaperView } from '../core/views.ts';
import { authorLine } from '../format/paper-view.ts';

/** A paper as a few plain-text lines for the terminal. */
export function paperLines(view: PaperView, index: number, extra?: string): string[] {
  const lines = [`${index}. ${view.title}  [${view.id}]  ▲ ${view.upvotes}`, `   ${authorLine(view.authors)}`];
  if (extra) lines.push(`   ${extra}`);
  lines.push(`   ${view.url}`);
  return lines;
}
