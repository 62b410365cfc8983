import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIButtonComponentWithURL, type APIEmbed } from 'discord-api-types/v10';
import type { CommandReply } from '../../src/core/commands.ts';
import type { DigestView, PaperView } from '../../src/core/views.ts';
import { authorLine, truncateAtWord } from '../../src/format/paper-view.ts';
import { missedLine } from '../../src/format/digest-lines.ts';
import type { VoteOrigin } from '../../src/app/votes.ts';
import { voteRows } from './discord-vote-buttons.ts';

/** Discord's message limits (characters are counted as UTF-16 code units here, which never undercounts). */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  embedCharsPerMessage: 6000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  buttonUrl: 512,
} as const;

/** Our own tighter budgets per embed, so that one embed always fits a message (<= 6000) with room to spare. */
const BUDGET = { description: 2048, footer: 256 } as const;

const HF_YELLOW = 0xffd21e;

/** A Discord embed as the API takes it (we send title, url, description, colour, fields, thumbnail, footer). */
export type DiscordEmbed = APIEmbed;

/** The buttons we send: link buttons and our own custom-id buttons, always labelled. */
export type DiscordButton = (APIButtonComponentWithURL | APIButtonComponentWithCustomId) & { label: string };

export type DiscordActionRow = APIActionRowComponent<DiscordButton>;

/** One message's JSON body (Create Message, Edit Original Response, follow-ups). */
export interface DiscordMessage {
  content?: string;
  embeds?: DiscordEmbed[];
  components?: DiscordActionRow[];
}

/** Rendered reply: the messages in order, and whether only the caller should see them. */
export interface RenderedReply {
  ephemeral: boolean;
  messages: DiscordMessage[];
}

/** Custom id prefixes of our buttons; adapters route component interactions by them (votes: discord-vote-buttons.ts). */
export const CUSTOM_ID = { share: 'papers:share:', more: 'papers:more:', subscribe: 'papers:subscribe:' } as const;

/**
 * The most papers one message shows: each paper has a link (or Share) button and 👍 👎 🔖, one row per
 * kind of button (5 per row), which leaves the fifth row for More or the overflow link (5 rows at most).
 */
export const PAPERS_PER_MESSAGE = 5;

/** Cuts text to `max` code units at a word boundary without leaving half a surrogate pair. */
export function fit(text: string, max: number): string {
  return truncateAtWord(text, max).replace(/[\uD800-\uDBFF](?=…$)/, '');
}

function nonBlank(text: string | null | undefined, fallback: string): string {
  const trimmed = text?.trim() ?? '';
  return trimmed.length > 0 ? trimmed : fallback;
}

function isHttpUrl(url: string | null | undefined, max = 2048): url is string {
  return !!url && url.length <= max && /^https?:\/\/\S+$/.test(url);
}

function markdownUrl(url: string): string {
  return url.replace(/\(/g, '%28').replace(/\)/g, '%29');
}

/** `[Hugging Face](…) · [arXiv](…) · …`, dropping links that would not fit one field value. */
function linksValue(paper: PaperView): string {
  const candidates: [string, string | null][] = [
    ['Hugging Face', paper.url],
    ['arXiv', paper.arxivUrl],
    ['PDF', paper.pdfUrl],
    ['Code', paper.codeUrl],
    ['Project', paper.projectUrl],
  ];
  const parts: string[] = [];
  let length = 0;
  for (const [label, url] of candidates) {
    if (!isHttpUrl(url)) continue;
    const part = `[${label}](${markdownUrl(url)})`;
    if (length + part.length + 3 > DISCORD_LIMITS.fieldValue) continue;
    parts.push(part);
    length += part.length + 3;
  }
  return parts.length > 0 ? parts.join(' · ') : '—';
}

function upvotesValue(paper: PaperView): string {
  const stars = paper.githubStars !== null && paper.githubStars !== undefined ? ` · ★ ${paper.githubStars} stars` : '';
  return `▲ ${paper.upvotes}${stars}`;
}

/** One paper as an embed: title linked, summary, upvotes, authors and links as fields, thumbnail, topic in the footer. */
export function paperEmbed(paper: PaperView, rank?: number): DiscordEmbed {
  const title = nonBlank(paper.title, 'Untitled paper');
  const embed: DiscordEmbed = {
    title: fit(rank !== undefined ? `${rank}. ${title}` : title, DISCORD_LIMITS.title),
    color: HF_YELLOW,
    fields: [
      { name: 'Upvotes', value: fit(upvotesValue(paper), DISCORD_LIMITS.fieldValue), inline: true },
      { name: 'Authors', value: fit(nonBlank(authorLine(paper.authors), 'Unknown authors'), DISCORD_LIMITS.fieldValue), inline: true },
      { name: 'Links', value: linksValue(paper) },
    ],
  };
  if (isHttpUrl(paper.url)) embed.url = paper.url;
  const summary = paper.summary?.trim();
  if (summary) embed.description = fit(summary, BUDGET.description);
  const snippet = paper.snippet?.trim();
  if (snippet) embed.fields!.push({ name: 'Match', value: fit(snippet, DISCORD_LIMITS.fieldValue) });
  if (isHttpUrl(paper.thumbnail)) embed.thumbnail = { url: paper.thumbnail };
  const topic = paper.matchedTopic?.trim();
  const badge = paper.badge?.trim();
  // The why line names the matched topic itself, so it stands in for the topic.
  const footer = [paper.why?.trim() || (topic ? `Topic: ${topic}` : ''), badge ?? ''].filter(Boolean).join(' · ');
  if (footer) embed.footer = { text: fit(footer, BUDGET.footer) };
  return embed;
}

/** Characters of an embed as Discord counts them towards the 6000 per-message limit. */
export function embedChars(embed: DiscordEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

/** Packs embeds into groups that each respect the per-message embed count and character limits. */
export function packEmbeds<T>(items: T[], embedOf: (item: T) => DiscordEmbed, maxPerMessage: number = DISCORD_LIMITS.embedsPerMessage): { items: T[]; embeds: DiscordEmbed[] }[] {
  const groups: { items: T[]; embeds: DiscordEmbed[] }[] = [];
  let current: { items: T[]; embeds: DiscordEmbed[] } | undefined;
  let chars = 0;
  for (const item of items) {
    const embed = embedOf(item);
    const size = embedChars(embed);
    if (!current || current.embeds.length >= Math.min(maxPerMessage, DISCORD_LIMITS.embedsPerMessage) || chars + size > DISCORD_LIMITS.embedCharsPerMessage) {
      current = { items: [], embeds: [] };
      groups.push(current);
      chars = 0;
    }
    current.items.push(item);
    current.embeds.push(embed);
    chars += size;
  }
  return groups;
}

/** Splits text into chunks of at most `max` characters, at line breaks where possible. */
export function splitText(text: string, max: number = DISCORD_LIMITS.content): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    const pieces = line.length <= max ? [line] : hardSplit(line, max);
    for (const piece of pieces) {
      const candidate = current.length === 0 ? piece : `${current}\n${piece}`;
      if (candidate.length <= max) {
        current = candidate;
      } else {
        if (current.length > 0) chunks.push(current);
        current = piece;
      }
    }
  }
  if (current.trim().length > 0) chunks.push(current);
  return chunks.length > 0 ? chunks : ['\u200b'];
}

function hardSplit(line: string, max: number): string[] {
  const out: string[] = [];
  let rest = line;
  while (rest.length > max) {
    let at = rest.lastIndexOf(' ', max);
    if (at < max * 0.5) at = max;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(at - 1))) at -= 1;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^ /, '');
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

function rowsOf(buttons: DiscordButton[]): DiscordActionRow[] {
  const rows: DiscordActionRow[] = [];
  for (let i = 0; i < buttons.length && rows.length < DISCORD_LIMITS.actionRows; i += DISCORD_LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow) });
  }
  return rows;
}

function linkButton(label: string, url: string): DiscordButton | undefined {
  if (!isHttpUrl(url, DISCORD_LIMITS.buttonUrl)) return undefined;
  return { type: ComponentType.Button, style: ButtonStyle.Link, label: fit(nonBlank(label, 'Open'), DISCORD_LIMITS.buttonLabel), url };
}

function present<T>(value: T | undefined): value is T {
  return value !== undefined;
}

/** Prepends `heading` (split when long) as content-only messages or as the first message's content. */
function withHeading(heading: string, messages: DiscordMessage[]): DiscordMessage[] {
  const text = heading.trim();
  if (text.length === 0) return messages;
  const chunks = splitText(text);
  const last = chunks.pop()!;
  const lead: DiscordMessage[] = chunks.map((content) => ({ content }));
  const [first, ...rest] = messages;
  if (!first) return [...lead, { content: last }];
  return [...lead, { ...first, content: last }, ...rest];
}

type Ranked = { paper: PaperView; rank: number };

const digestHead = (digest: DigestView, heading: string) =>
  [heading, digest.note, digest.missed ? `${missedLine(digest.missed)}.` : undefined].filter((s): s is string => !!s && s.trim().length > 0).join('\n');

/** One digest message of ranked papers: their embeds, a row of link buttons, 👍 👎 🔖 rows, and the overflow row when `last`. */
function digestMessage(digest: DigestView, items: Ranked[], embeds: DiscordEmbed[], last: boolean, votes: VoteOrigin): DiscordMessage {
  const links = items.map(({ paper, rank }) => linkButton(`${rank}. ${nonBlank(paper.title, 'Paper')}`, paper.url)).filter(present);
  const extras: DiscordButton[] = [];
  if (last && digest.overflow && digest.overflow.count > 0) {
    const span = digest.overflow.from ? ` (${digest.overflow.from} to ${digest.feedDay})` : '';
    const more = linkButton(`See ${digest.overflow.count} more on Hugging Face${span}`, digest.overflow.url);
    if (more) extras.push(more);
  }
  if (last && digest.missed) {
    const missed = linkButton(`Not covered: ${digest.missed.from} to ${digest.missed.to}`, digest.missed.url);
    if (missed) extras.push(missed);
  }
  const rows = voteRows(items.map(({ paper, rank }) => ({ paperId: paper.id, rank })), votes);
  const components = [...rowsOf(links).slice(0, 1), ...rows, ...rowsOf(extras).slice(0, 1)];
  return { embeds, ...(components.length > 0 ? { components } : {}) };
}

/**
 * A digest as one or more channel messages of at most {@link PAPERS_PER_MESSAGE} papers: one embed per paper,
 * a row of link buttons, rows of 👍 👎 🔖 (`posted` ones unless `options.votes` says otherwise, e.g. for a
 * preview), an overflow row on the last message, and `heading` (plus the digest's note) as the first content.
 */
export function renderDigest(digest: DigestView, heading = `**${digest.title ?? `Trending papers for ${digest.feedDay}`}**`, options: { votes?: VoteOrigin } = {}): DiscordMessage[] {
  const head = digestHead(digest, heading);
  if (digest.papers.length === 0) {
    return withHeading([head, digest.notice ?? 'No papers today.'].join('\n'), []);
  }
  const ranked = digest.papers.map((paper, i) => ({ paper, rank: i + 1 }));
  const groups = packEmbeds(ranked, ({ paper, rank }) => paperEmbed(paper, rank), PAPERS_PER_MESSAGE);
  return withHeading(head, groups.map((group, index) => digestMessage(digest, group.items, group.embeds, index === groups.length - 1, options.votes ?? 'posted')));
}

/** Cuts the longest descriptions until the embeds fit one message's 6,000 characters. */
function fitEmbeds(embeds: DiscordEmbed[]): DiscordEmbed[] {
  let over = embeds.reduce((n, e) => n + embedChars(e), 0) - DISCORD_LIMITS.embedCharsPerMessage;
  const out = embeds.map((e) => ({ ...e }));
  while (over > 0) {
    const longest = out.reduce((a, b) => ((b.description?.length ?? 0) > (a.description?.length ?? 0) ? b : a));
    const length = longest.description?.length ?? 0;
    if (length === 0) break;
    const cut = fit(longest.description!, Math.max(1, length - over - 1));
    if (cut.length >= length) break;
    over -= length - cut.length;
    longest.description = cut;
  }
  return out;
}

/**
 * One posted digest message as `digest` reads now: exactly the papers in `paperIds` (their ranks in the whole
 * digest), the heading's last 2,000 characters when it shows the first paper, the overflow row when it
 * shows the last. One message, never packed again: a Code link added by an edit stays in the message it
 * belongs to; when the embeds would then pass Discord's 6,000 characters, the longest summaries are cut.
 */
export function renderDigestPart(digest: DigestView, paperIds: readonly string[]): DiscordMessage {
  const ids = new Set(paperIds);
  const items = digest.papers.map((paper, i) => ({ paper, rank: i + 1 })).filter(({ paper }) => ids.has(paper.id));
  const embeds = fitEmbeds(items.map(({ paper, rank }) => paperEmbed(paper, rank)));
  const message = digestMessage(digest, items, embeds, ids.has(digest.papers.at(-1)?.id ?? ''), 'posted');
  if (!ids.has(digest.papers[0]?.id ?? '')) return message;
  const heading = splitText(digestHead(digest, `**${digest.title ?? `Trending papers for ${digest.feedDay}`}**`)).at(-1)!;
  return { ...message, content: heading };
}

/** The custom id of a "More" button, or undefined when it would not fit Discord's 100 characters. */
export function moreCustomId(more: { command: string; text: string; cursor: string }): string | undefined {
  if (more.command.includes(':') || more.cursor.includes(':')) return undefined;
  const id = `${CUSTOM_ID.more}${more.command}:${more.cursor}:${more.text}`;
  return id.length <= DISCORD_LIMITS.customId ? id : undefined;
}

/** Parses a "More" button's custom id back into the command to re-run. */
export function parseMoreCustomId(customId: string): { command: string; cursor: string; text: string } | undefined {
  if (!customId.startsWith(CUSTOM_ID.more)) return undefined;
  const rest = customId.slice(CUSTOM_ID.more.length);
  const [command, cursor, ...text] = rest.split(':');
  if (!command || cursor === undefined) return undefined;
  return { command, cursor, text: text.join(':') };
}

/**
 * The custom id of a "Subscribe to this search" button: the topic itself rides in it, so a topic longer than
 * the 83 characters left of Discord's 100 gets no button (no token is stored anywhere); undefined then.
 */
export function subscribeCustomId(topic: string): string | undefined {
  const id = `${CUSTOM_ID.subscribe}${topic}`;
  return id.length <= DISCORD_LIMITS.customId ? id : undefined;
}

/** The topic a "Subscribe to this search" button subscribes to; undefined for any other custom id. */
export function parseSubscribeCustomId(customId: string): string | undefined {
  return customId.startsWith(CUSTOM_ID.subscribe) ? customId.slice(CUSTOM_ID.subscribe.length) : undefined;
}

function papersMessages(reply: Extract<CommandReply, { kind: 'papers' }>): DiscordMessage[] {
  const heading = [`**${reply.title}**`, reply.note].filter((s): s is string => !!s && s.trim().length > 0).join('\n');
  if (reply.papers.length === 0) return withHeading(heading, [{ content: 'No papers found.' }]);
  const ranked = reply.papers.map((paper, i) => ({ paper, rank: i + 1 }));
  const groups = packEmbeds(ranked, ({ paper, rank }) => paperEmbed(paper, rank), PAPERS_PER_MESSAGE);
  const messages = groups.map((group, index): DiscordMessage => {
    const buttons: DiscordButton[] = [];
    if (reply.shareable) {
      const seen = new Set<string>();
      for (const { paper, rank } of group.items) {
        const customId = `${CUSTOM_ID.share}${paper.id}`;
        if (customId.length <= DISCORD_LIMITS.customId && !seen.has(customId)) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: `Share ${rank}`, custom_id: customId });
        seen.add(customId);
      }
    }
    const votes = voteRows(group.items.map(({ paper, rank }) => ({ paperId: paper.id, rank })), 'listed');
    const rows = [...rowsOf(buttons).slice(0, 1), ...votes].slice(0, DISCORD_LIMITS.actionRows - 1);
    const last = index === groups.length - 1;
    const moreId = last && reply.more ? moreCustomId(reply.more) : undefined;
    const beyondId = last && reply.beyond ? moreCustomId(reply.beyond) : undefined;
    const paging: DiscordButton[] = [];
    if (moreId) paging.push({ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'More results', custom_id: moreId });
    if (beyondId && beyondId !== moreId) paging.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Search all of Hugging Face', custom_id: beyondId });
    const subscribeId = last && reply.subscribe ? subscribeCustomId(reply.subscribe.text) : undefined;
    if (subscribeId) paging.push({ type: ComponentType.Button, style: ButtonStyle.Success, label: 'Subscribe to this search', custom_id: subscribeId });
    if (paging.length > 0) rows.push({ type: ComponentType.ActionRow, components: paging });
    return { embeds: group.embeds, ...(rows.length > 0 ? { components: rows } : {}) };
  });
  return withHeading(heading, messages);
}

function errorText(message: string, usage?: string): string {
  const lines = [`⚠️ ${nonBlank(message, 'Something went wrong.')}`];
  if (usage && usage.trim()) lines.push('**Usage**', '```', usage.replace(/```/g, "'''"), '```');
  return lines.join('\n');
}

/** Lines shown as they are: code blocks split at line breaks, each message within 2,000 characters. */
function preformattedMessages(title: string | undefined, lines: string[]): DiscordMessage[] {
  const fence = '```';
  const heading = title ? `**${fit(title, 200)}**\n` : '';
  const body = lines.map((l) => l.replace(/```/g, "'''")).join('\n');
  const chunks = splitText(body, DISCORD_LIMITS.content - heading.length - 2 * fence.length - 2);
  return chunks.map((chunk, i) => ({ content: `${i === 0 ? heading : ''}${fence}\n${chunk}\n${fence}` }));
}

/** A neutral command reply as Discord messages (the first edits the deferred response, the rest follow up). */
export function renderReply(reply: CommandReply): RenderedReply {
  switch (reply.kind) {
    case 'papers':
      return { ephemeral: reply.visibility === 'ephemeral', messages: papersMessages(reply) };
    case 'digest':
      return { ephemeral: reply.visibility === 'ephemeral', messages: renderDigest(reply.digest, `**${reply.title}**`, { votes: 'listed' }) };
    case 'text': {
      if (reply.preformatted) return { ephemeral: reply.visibility === 'ephemeral', messages: preformattedMessages(reply.title, reply.lines) };
      const text = [reply.title ? `**${reply.title}**` : undefined, ...reply.lines].filter((s): s is string => s !== undefined).join('\n');
      return { ephemeral: reply.visibility === 'ephemeral', messages: splitText(text).map((content) => ({ content })) };
    }
    case 'error':
      return { ephemeral: true, messages: splitText(errorText(reply.message, reply.usage)).map((content) => ({ content })) };
  }
}

/** A shared paper as a public message. */
export function renderSharedPaper(paper: PaperView, sharedBy: string): DiscordMessage {
  return { content: fit(`<@${sharedBy}> shared a paper:`, DISCORD_LIMITS.content), embeds: [paperEmbed(paper)] };
}
