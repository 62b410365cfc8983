import type { ActionsBlock, Button, ContextBlock, DividerBlock, HeaderBlock, MrkdwnElement, PlainTextElement, SectionBlock } from '@slack/types';
import type { CommandReply } from '../../src/core/commands.ts';
import type { DigestView, PaperView } from '../../src/core/views.ts';
import { authorLine, truncateAtWord } from '../../src/format/paper-view.ts';
import { missedLine } from '../../src/format/digest-lines.ts';
import type { VoteOrigin } from '../../src/app/votes.ts';
import { VOTE_ACTIONS, voteButtons } from './slack-vote-buttons.ts';

/** Slack's message limits (Block Kit reference), plus our own budget under the undocumented ~13k total. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  /** Our budget for all text in one message's blocks (Slack answers `msg_blocks_too_long` at about 13k). */
  messageChars: 12_000,
  /** Our budget for the notification `text` (Slack truncates past 40,000). */
  fallbackText: 3000,
} as const;

/** Per-part budgets (counted after escaping) that keep one paper's section well under 3,000 characters. */
const BUDGET = { title: 600, authors: 400, summary: 1400, topic: 400, note: 2800 } as const;

/** Action ids our Bolt handlers listen for. */
export const SLACK_ACTIONS = {
  share: 'papers_share',
  more: 'papers_more',
  /** "Search all of Hugging Face": re-runs a command with a cursor, like More. */
  beyond: 'papers_beyond',
  /** "Subscribe to this search": runs `/papers subscribe <query>` for whoever clicks it. */
  subscribe: 'papers_subscribe',
  /** Link buttons still send an interaction payload; ids start with this prefix so they can be acked. */
  linkPrefix: 'papers_link_',
  /** 👍 on a paper; the value is `<origin>:<paper id>` (slack-vote-buttons.ts). */
  voteUp: VOTE_ACTIONS.up,
  /** 👎 on a paper; same value. */
  voteDown: VOTE_ACTIONS.down,
  /** 🔖 on a paper; same value. */
  save: VOTE_ACTIONS.save,
} as const;

/** A button we send: always with an action id, so our Bolt handlers can ack it. */
export type SlackButton = Button & { action_id: string };

/** The Block Kit blocks we send: the SDK's own block types, narrowed to the elements we use. */
export type SlackBlock =
  | HeaderBlock
  | (SectionBlock & { text: MrkdwnElement })
  | (ContextBlock & { elements: MrkdwnElement[] })
  | (ActionsBlock & { elements: SlackButton[] })
  | DividerBlock;

/** One `chat.postMessage` / `response_url` body: blocks plus the plain notification text. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** The value a "More" button carries: the command to re-run and where to continue. */
export interface MoreValue {
  command: string;
  text: string;
  cursor: string;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes `raw` and, when the result is longer than `max`, cuts `raw` at a word boundary so it fits. */
export function fitEscaped(raw: string, max: number): string {
  const escaped = escapeMrkdwn(raw);
  if (escaped.length <= max) return escaped;
  let length = 0;
  let n = 0;
  for (const ch of raw) {
    const cost = escapeMrkdwn(ch).length;
    if (length + cost > max - 1) break;
    length += cost;
    n += ch.length;
  }
  return escapeMrkdwn(truncateAtWord(raw, n));
}

function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncateAtWord(text.replace(/\s+/g, ' ').trim() || ' ', max), emoji: true };
}

function mrkdwn(text: string): MrkdwnElement {
  return { type: 'mrkdwn', text };
}

function linkButton(label: string, url: string, key: string): SlackButton {
  return { type: 'button', text: plain(label, SLACK_LIMITS.buttonText), url, action_id: `${SLACK_ACTIONS.linkPrefix}${key}` };
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function paperSection(p: PaperView): string {
  const title = `*<${p.url}|${fitEscaped(p.title.replace(/\s+/g, ' ').trim(), BUDGET.title)}>*`;
  const stats = [`▲ ${formatCount(p.upvotes)} upvote${p.upvotes === 1 ? '' : 's'}`];
  if (p.githubStars !== null && p.githubStars > 0) stats.push(`★ ${formatCount(p.githubStars)} on GitHub`);
  const byline = `${fitEscaped(authorLine(p.authors), BUDGET.authors)} · ${stats.join(' · ')}`;
  const summary = p.summary.trim() === '' ? '' : `\n${fitEscaped(p.summary.trim(), BUDGET.summary)}`;
  return `${title}\n${byline}${summary}`;
}

/**
 * The blocks of one paper: linked title, authors, upvotes, summary, matched topic and buttons (links, 👍 👎 🔖,
 * Share). `votes` says where the vote buttons are shown: `posted` (default) on a message the bot posted in the
 * channel, `listed` on a reply to one person, `save` for 🔖 alone (a shared paper: a vote there counts
 * nowhere, since only a posted digest or a reply to one person places one), `false` for none.
 */
export function paperBlocks(p: PaperView, options: { shareable?: boolean; votes?: VoteOrigin | 'save' | false } = {}): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: 'section', text: mrkdwn(paperSection(p)) }];
  // The why line names the matched topic itself, so it stands in for the topic line.
  if (p.why) blocks.push({ type: 'context', elements: [mrkdwn(fitEscaped(p.why, BUDGET.topic))] });
  else if (p.matchedTopic) blocks.push({ type: 'context', elements: [mrkdwn(`Matched topic: ${fitEscaped(p.matchedTopic, BUDGET.topic)}`)] });
  if (p.badge) blocks.push({ type: 'context', elements: [mrkdwn(fitEscaped(p.badge, BUDGET.topic))] });
  const buttons = [linkButton('arXiv', p.arxivUrl, 'arxiv'), linkButton('PDF', p.pdfUrl, 'pdf')];
  if (p.codeUrl) buttons.push(linkButton('Code', p.codeUrl, 'code'));
  const votes = options.votes ?? 'posted';
  if (votes) buttons.push(...(votes === 'save' ? voteButtons(p.id, 'listed', 'save') : voteButtons(p.id, votes)));
  if (options.shareable) buttons.push({ type: 'button', text: plain('Share in channel', SLACK_LIMITS.buttonText), action_id: SLACK_ACTIONS.share, value: p.id });
  blocks.push({ type: 'actions', elements: buttons.filter((b) => (b.url?.length ?? 0) <= SLACK_LIMITS.buttonUrl) });
  return blocks;
}

/** Sections for free text, each within the section limit, split at line (then word) boundaries. */
function textSections(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let current = '';
  for (const line of lines.map((l) => fitEscaped(l, BUDGET.note))) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (next.length > BUDGET.note && current !== '') {
      out.push({ type: 'section', text: mrkdwn(current) });
      current = line;
    } else current = next;
  }
  if (current.trim() !== '') out.push({ type: 'section', text: mrkdwn(current) });
  return out;
}

/** Lines shown as they are, in code blocks of at most the section budget each, split at line boundaries. */
function preformattedSections(lines: string[]): SlackBlock[] {
  const fence = '```';
  const budget = BUDGET.note - 2 * fence.length;
  const chunks: string[] = [];
  let current: string | undefined;
  for (const line of lines.map((l) => fitEscaped(l.replace(/```/g, "'''"), budget))) {
    const next = current === undefined ? line : `${current}\n${line}`;
    if (next.length > budget && current !== undefined) {
      chunks.push(current);
      current = line;
    } else current = next;
  }
  if (current !== undefined && current.trim() !== '') chunks.push(current);
  return chunks.map((c) => ({ type: 'section', text: mrkdwn(`${fence}${c}${fence}`) }));
}

/** Counts every string a block carries (text, urls, values): what Slack's total-size check sees, or more. */
export function blockChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + blockChars(v), 0);
  if (value && typeof value === 'object') {
    return Object.entries(value).reduce((sum, [k, v]) => (k === 'type' || k === 'action_id' ? sum : sum + blockChars(v)), 0);
  }
  return 0;
}

/** A group of blocks that must stay in one message, with the words it adds to the notification text. */
interface Unit {
  blocks: SlackBlock[];
  fallback?: string;
}

/** One message of `units`, numbered `index` of `count` in its notification text. */
function messageOf(units: Unit[], fallbackTitle: string, index: number, count: number): SlackMessage {
  const head = index === 0 ? fallbackTitle : `${fallbackTitle} (continued, ${index + 1} of ${count})`;
  const parts = units.flatMap((u) => (u.fallback ? [u.fallback] : []));
  const text = parts.length > 0 ? `${head}: ${parts.join('; ')}` : head;
  // The notification text is mrkdwn too: escaped, so a title's `<!channel>` is never a mention.
  return { text: fitEscaped(text.replace(/\s+/g, ' ').trim(), SLACK_LIMITS.fallbackText), blocks: units.flatMap((u) => u.blocks) };
}

/** Packs units into as few messages as the limits allow, never splitting a unit. */
function pack(units: Unit[], fallbackTitle: string): SlackMessage[] {
  const groups: Unit[][] = [];
  let current: Unit[] = [];
  let blocks = 0;
  let chars = 0;
  for (const unit of units) {
    const size = blockChars(unit.blocks);
    if (current.length > 0 && (blocks + unit.blocks.length > SLACK_LIMITS.blocksPerMessage || chars + size > SLACK_LIMITS.messageChars)) {
      groups.push(current);
      current = [];
      blocks = 0;
      chars = 0;
    }
    current.push(unit);
    blocks += unit.blocks.length;
    chars += size;
  }
  if (current.length > 0) groups.push(current);
  return groups.map((group, i) => messageOf(group, fallbackTitle, i, groups.length));
}

function headerUnit(title: string): Unit {
  return { blocks: [{ type: 'header', text: plain(title, SLACK_LIMITS.headerText) }] };
}

function noteUnits(note: string | undefined): Unit[] {
  return note ? textSections(note.split('\n')).map((b) => ({ blocks: [b] })) : [];
}

function paperUnits(papers: PaperView[], shareable: boolean, votes: VoteOrigin): (Unit & { paperId: string })[] {
  return papers.map((p, i) => ({
    blocks: [...(i > 0 ? [{ type: 'divider' } as const] : []), ...paperBlocks(p, { shareable, votes })],
    fallback: truncateAtWord(p.title.replace(/\s+/g, ' ').trim(), 200),
    paperId: p.id,
  }));
}

/** A digest's units: the heading (and note, or the notice), one per paper, then the overflow and missed lines. */
function digestUnits(view: DigestView, title: string, votes: VoteOrigin): { head: Unit[]; papers: (Unit & { paperId: string })[]; tail: Unit[] } {
  const head: Unit[] = [headerUnit(title), ...noteUnits(view.note)];
  if (view.papers.length === 0) head.push(...noteUnits(view.notice ?? 'No papers qualified for this digest.'));
  const tail: Unit[] = [];
  if (view.overflow && view.overflow.count > 0) {
    const span = view.overflow.from ? ` from ${view.overflow.from} to ${view.feedDay}` : '';
    const more = `+${formatCount(view.overflow.count)} more paper${view.overflow.count === 1 ? '' : 's'} qualified${span}: <${view.overflow.url}|see them all on Hugging Face>`;
    tail.push({ blocks: [{ type: 'context', elements: [mrkdwn(more)] }] });
  }
  if (view.missed) tail.push({ blocks: [{ type: 'context', elements: [mrkdwn(`${missedLine(view.missed)}: <${view.missed.url}|see them on Hugging Face>`)] }] });
  return { head, papers: paperUnits(view.papers, false, votes), tail };
}

const digestFallback = (view: DigestView, title: string) => (view.papers.length > 0 ? title : `${title}: ${view.notice ?? 'no papers'}`);

/**
 * A digest as Slack messages: header with the feed day, one unit per paper, overflow and notice lines. Vote
 * buttons are `posted` ones (the digest as the channel gets it) unless `votes` says otherwise (a preview).
 */
export function renderDigest(view: DigestView, options: { title?: string; votes?: VoteOrigin } = {}): SlackMessage[] {
  const title = options.title ?? view.title ?? `Trending papers · ${view.feedDay}`;
  const { head, papers, tail } = digestUnits(view, title, options.votes ?? 'posted');
  return pack([...head, ...papers, ...tail], digestFallback(view, title));
}

/**
 * One posted message of a digest (part `part.number` of `part.of`) as `view` reads now: exactly the papers in
 * `part.paperIds`, in the view's order, with the heading when it shows the view's first paper and the
 * overflow and missed lines when it shows its last. One message, never split again: an edit that adds a
 * Code button grows it by a few dozen characters, well within what Slack takes over our 12,000 budget.
 */
export function renderDigestPart(view: DigestView, part: { number: number; of: number; paperIds: readonly string[] }): SlackMessage {
  const title = view.title ?? `Trending papers · ${view.feedDay}`;
  const { head, papers, tail } = digestUnits(view, title, 'posted');
  const ids = new Set(part.paperIds);
  const mine = papers.filter((u) => ids.has(u.paperId));
  const units = [...(ids.has(papers[0]?.paperId ?? '') ? head : []), ...mine, ...(ids.has(papers.at(-1)?.paperId ?? '') ? tail : [])];
  return messageOf(units, digestFallback(view, title), part.number - 1, part.of);
}

/** Encodes a "More" button's value, or undefined when it would not fit in a button. */
export function encodeMore(more: MoreValue): string | undefined {
  const value = JSON.stringify({ c: more.command, t: more.text, k: more.cursor });
  return value.length <= SLACK_LIMITS.buttonValue ? value : undefined;
}

/** Decodes a "More" button's value; undefined when it is not one of ours. */
export function decodeMore(value: string | undefined): MoreValue | undefined {
  try {
    const v = JSON.parse(value ?? '') as { c?: unknown; t?: unknown; k?: unknown };
    return typeof v.c === 'string' && typeof v.t === 'string' && typeof v.k === 'string' ? { command: v.c, text: v.t, cursor: v.k } : undefined;
  } catch {
    return undefined;
  }
}

function papersReply(reply: Extract<CommandReply, { kind: 'papers' }>): SlackMessage[] {
  const units: Unit[] = [headerUnit(reply.title), ...noteUnits(reply.note), ...paperUnits(reply.papers, reply.shareable ?? false, 'listed')];
  const moreValue = reply.more ? encodeMore(reply.more) : undefined;
  const beyondValue = reply.beyond ? encodeMore(reply.beyond) : undefined;
  const buttons: SlackButton[] = [];
  if (moreValue) buttons.push({ type: 'button', text: plain('More', SLACK_LIMITS.buttonText), action_id: SLACK_ACTIONS.more, value: moreValue });
  if (beyondValue) buttons.push({ type: 'button', text: plain('Search all of Hugging Face', SLACK_LIMITS.buttonText), action_id: SLACK_ACTIONS.beyond, value: beyondValue });
  // A topic is at most 200 characters, so its value always fits Slack's 2,000.
  const subscribeValue = reply.subscribe ? encodeMore({ ...reply.subscribe, cursor: '' }) : undefined;
  if (subscribeValue) buttons.push({ type: 'button', text: plain('Subscribe to this search', SLACK_LIMITS.buttonText), action_id: SLACK_ACTIONS.subscribe, value: subscribeValue });
  if (buttons.length > 0) units.push({ blocks: [{ type: 'actions', elements: buttons }] });
  return pack(units, reply.title);
}

/** A neutral command reply as Slack messages (usually one; long replies are split, never cut). */
export function renderReply(reply: CommandReply): SlackMessage[] {
  switch (reply.kind) {
    case 'papers':
      return papersReply(reply);
    case 'digest':
      return renderDigest(reply.digest, { title: reply.title, votes: 'listed' });
    case 'text': {
      const body = reply.preformatted ? preformattedSections(reply.lines) : textSections(reply.lines);
      const units = [...(reply.title ? [headerUnit(reply.title)] : []), ...body.map((b) => ({ blocks: [b] }))];
      return pack(units, [reply.title, ...reply.lines].filter(Boolean).join(' · '));
    }
    case 'error': {
      const units: Unit[] = textSections([`:warning: ${reply.message}`]).map((b) => ({ blocks: [b] }));
      if (reply.usage) {
        const usage = fitEscaped(reply.usage, BUDGET.note - 8);
        units.push({ blocks: [{ type: 'section', text: mrkdwn(`\`\`\`${usage}\`\`\``) }] });
      }
      return pack(units, reply.message);
    }
  }
}

/** How a reply should be shown: errors are always only for the caller. */
export function replyVisibility(reply: CommandReply): 'ephemeral' | 'in_channel' {
  return reply.kind === 'error' ? 'ephemeral' : reply.visibility;
}

/** A paper someone shared from their search results, for everyone in the channel. */
export function renderSharedPaper(p: PaperView, userId: string): SlackMessage {
  const by = /^[A-Z0-9]+$/i.test(userId) ? `<@${userId}> shared a paper` : 'A paper was shared';
  return {
    text: `${by}: ${fitEscaped(p.title.replace(/\s+/g, ' ').trim(), SLACK_LIMITS.fallbackText - by.length - 2)}`,
    blocks: [{ type: 'context', elements: [mrkdwn(by)] }, ...paperBlocks(p, { votes: 'save' })],
  };
}
