import type { DigestView, PaperView } from '../../src/core/views.ts';
import { effectiveLayout, paperPostLine, threadHeader } from '../../src/format/layout-lines.ts';
import { missedLine } from '../../src/format/digest-lines.ts';
import { truncateAtWord } from '../../src/format/paper-view.ts';
import { fitEscaped, paperBlocks, renderDigest, SLACK_LIMITS, type SlackBlock, type SlackMessage } from './slack-blocks.ts';

/** One message of a layout: its blocks, the papers it shows, and whether it is a reply in part 1's thread. */
export interface LayoutPart {
  message: SlackMessage;
  paperIds: string[];
  /** True for a `thread` layout's replies: posted with `thread_ts` = part 1's ts. */
  inThread: boolean;
}

const context = (text: string): SlackBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

function shows(message: SlackMessage, paper: PaperView): boolean {
  // Every paper section links its title to the paper's own page: the part that carries the link shows it.
  return message.blocks.some((b) => b.type === 'section' && b.text.text.includes(`<${paper.url}|`));
}

function paperMessage(paper: PaperView, above: string[], below: string[] = []): SlackMessage {
  return {
    text: fitEscaped(paper.title.replace(/\s+/g, ' ').trim(), SLACK_LIMITS.fallbackText),
    blocks: [...above.map((l) => context(fitEscaped(l, 2900))), ...paperBlocks(paper), ...below.map((l) => context(l))],
  };
}

function threadParts(view: DigestView): LayoutPart[] {
  const header = threadHeader(view);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncateAtWord(header.title, SLACK_LIMITS.headerText), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: fitEscaped(header.lines.join('\n'), 2900) } },
  ];
  const head: LayoutPart = { message: { text: fitEscaped(`${header.title}: ${header.lines.join(' ')}`, SLACK_LIMITS.fallbackText), blocks }, paperIds: [], inThread: false };
  return [head, ...view.papers.map((p, i) => ({ message: paperMessage(p, [`${i + 1} of ${view.papers.length}`]), paperIds: [p.id], inThread: true }))];
}

function paperParts(view: DigestView): LayoutPart[] {
  const last = view.papers.length - 1;
  return view.papers.map((p, i) => {
    const above = [paperPostLine(view, i), ...(i === 0 && view.note ? [view.note] : [])];
    const below: string[] = [];
    if (i === last && view.overflow && view.overflow.count > 0) below.push(`+${view.overflow.count} more qualified: <${view.overflow.url}|see them all on Hugging Face>`);
    if (i === last && view.missed) below.push(`${fitEscaped(missedLine(view.missed), 2000)}: <${view.missed.url}|see them on Hugging Face>`);
    return { message: paperMessage(p, above, below), paperIds: [p.id], inThread: false };
  });
}

/**
 * A digest view as the messages of its layout, in part order: `digest` as {@link renderDigest} splits it;
 * `thread` a header then one reply per paper; `papers` one message per paper. A digest with no papers is
 * always one `digest` message (its notice), whatever the layout.
 */
export function renderLayout(view: DigestView): LayoutPart[] {
  const layout = effectiveLayout(view);
  if (layout === 'thread') return threadParts(view);
  if (layout === 'papers') return paperParts(view);
  return renderDigest(view).map((message) => ({ message, paperIds: view.papers.filter((p) => shows(message, p)).map((p) => p.id), inThread: false }));
}
