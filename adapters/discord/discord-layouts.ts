import { ChannelType, Routes, type APIChannel, type APIGuildForumTag, type APIThreadChannel, type RESTGetAPIGuildThreadsResult } from 'discord-api-types/v10';
import type { REST } from '@discordjs/rest';
import type { ChannelTarget, DeliveredParts, PostDigestOptions, PostResult, ShownPaper } from '../../src/core/ports.ts';
import type { DigestView, PaperView } from '../../src/core/views.ts';
import { effectiveLayout, paperPostLine, threadHeader } from '../../src/format/layout-lines.ts';
import type { DigestLayout } from '../../src/core/types.ts';
import { missedLine } from '../../src/format/digest-lines.ts';
import { DiscordAPIError } from '@discordjs/rest';
import { PermanentPlatformError } from '../../src/errors.ts';
import { DISCORD_LIMITS, fit, paperEmbed, renderDigest, renderDigestPart, splitText, type DiscordMessage } from './discord-embeds.ts';
import { paperVoteRow } from './discord-vote-buttons.ts';

/** Discord's forum limits: tags per forum, characters of a tag name, tags applied to one post. */
export const FORUM_LIMITS = { tags: 20, tagName: 20, appliedTags: 5, threadName: 100 } as const;
/** "A thread has already been created for this message": the thread's id is the message's. */
const THREAD_EXISTS = 160004;
/** Threads stay open for a day without activity (Discord's 1440-minute choice). */
const AUTO_ARCHIVE_MINUTES = 1440;

/** One message of a layout: what it says, the papers it shows, and the name and tags of the thread it opens. */
export interface DiscordLayoutPart {
  message: DiscordMessage;
  paperIds: string[];
  /** `thread` replies (posted in part 1's thread). */
  inThread: boolean;
  /** The thread this message opens (a `papers` message, a forum post), named after its paper. */
  threadName?: string;
  tags?: string[];
}

/**
 * Discord's layout for a view: the neutral {@link effectiveLayout}, except that a forum (which takes no
 * plain messages) always gets `forum`: one post per paper, or the notice of a view with no papers as one post.
 */
export function discordLayout(view: DigestView, forum: boolean): DigestLayout | 'forum' {
  return forum ? 'forum' : effectiveLayout(view);
}
const threadName = (p: PaperView) => fit(p.title.replace(/\s+/g, ' ').trim() || p.id, FORUM_LIMITS.threadName);
const tagName = (topic: string) => fit(topic.replace(/\s+/g, ' ').trim(), FORUM_LIMITS.tagName);

/** The one message of a single paper (a `thread` reply, a `papers` message, a forum post's starter): per-paper components go here. */
/** One paper's message: its embed and its 👍 👎 🔖 row (votes in a thread or forum post count for the channel). */
function paperMessage(paper: PaperView, rank: number, content?: string): DiscordMessage {
  const votes = paperVoteRow(paper.id, 'posted');
  return { ...(content ? { content } : {}), embeds: [paperEmbed(paper, rank)], ...(votes ? { components: [votes] } : {}) };
}

function paperParts(view: DigestView): DiscordLayoutPart[] {
  const last = view.papers.length - 1;
  return view.papers.map((p, i) => {
    const lines = [`**${paperPostLine(view, i)}**`, ...(i === 0 && view.note ? [view.note] : [])];
    if (i === last && view.overflow && view.overflow.count > 0) lines.push(`+${view.overflow.count} more qualified: <${view.overflow.url}>`);
    if (i === last && view.missed) lines.push(`${missedLine(view.missed)}: <${view.missed.url}>`);
    const content = fit(lines.join('\n'), DISCORD_LIMITS.content);
    return { message: paperMessage(p, i + 1, content), paperIds: [p.id], inThread: false, threadName: threadName(p), tags: p.matchedTopic ? [tagName(p.matchedTopic)] : [] };
  });
}

/** A view with no papers in a forum: its notice as one post, named after the day. */
function noticePost(view: DigestView): DiscordLayoutPart {
  const content = fit(renderDigest(view).map((m) => m.content ?? '').join('\n'), DISCORD_LIMITS.content);
  return { message: { content }, paperIds: [], inThread: false, threadName: fit(view.title ?? `Trending papers · ${view.feedDay}`, FORUM_LIMITS.threadName) };
}

/**
 * A view as the messages of its layout ({@link discordLayout}), in part order. `digest`: {@link renderDigest}'s
 * messages; `thread`: a header, then one reply per paper in the header's thread; `papers`: one message per
 * paper that opens its own thread; `forum`: one post per paper, tagged with its matched topic (a view with
 * no papers: its notice as one post). A view with no papers is otherwise a `digest` (its notice).
 */
export function renderLayout(view: DigestView, options: { forum?: boolean } = {}): DiscordLayoutPart[] {
  const layout = discordLayout(view, options.forum ?? false);
  if (layout === 'forum') return view.papers.length === 0 ? [noticePost(view)] : paperParts(view);
  if (layout === 'digest') {
    return renderDigest(view).map((message) => ({ message, paperIds: view.papers.filter((p) => message.embeds?.some((e) => e.url === p.url)).map((p) => p.id), inThread: false }));
  }
  if (layout === 'papers') return paperParts(view);
  const header = threadHeader(view);
  const head: DiscordLayoutPart = { message: { content: splitText([`**${header.title}**`, ...header.lines].join('\n'))[0]! }, paperIds: [], inThread: false, threadName: fit(header.title, FORUM_LIMITS.threadName) };
  return [head, ...view.papers.map((p, i) => ({ message: paperMessage(p, i + 1), paperIds: [p.id], inThread: true }))];
}

/** What posting a layout needs from the adapter: its REST client, its nonce'd send and its error mapping. */
export interface LayoutPoster {
  rest: REST;
  /** Create Message with `nonce` (+ enforce_nonce) in a channel or thread; returns the message id. */
  send(channelId: string, message: DiscordMessage, nonce: string): Promise<string>;
  nonceFor(deliveryId: string, part: number): string;
  toPlatformError(error: unknown): Error;
  /** Says what went out otherwise than planned (a thread Discord would not start). */
  warn(fields: Record<string, unknown>, message: string): void;
  /** The channel as Discord describes it (type, guild, forum tags); may be remembered for channels that are no forum. */
  channel(channelId: string): Promise<APIChannel & { guild_id?: string }>;
}

/** How long a channel that is no forum is remembered as such (a forum's tags are always read fresh). */
const CHANNEL_MEMORY_MS = 10 * 60_000;

/**
 * `LayoutPoster.channel` for a REST client: `GET /channels/{id}`, remembered for a channel that is no forum,
 * so a delivery to an ordinary channel asks once per {@link CHANNEL_MEMORY_MS}, not once per post, look-up and edit.
 */
export function channelReader(rest: REST, toPlatformError: (error: unknown) => Error): (channelId: string) => Promise<APIChannel & { guild_id?: string }> {
  const known = new Map<string, { channel: APIChannel & { guild_id?: string }; at: number }>();
  return async (channelId) => {
    const hit = known.get(channelId);
    if (hit && Date.now() - hit.at < CHANNEL_MEMORY_MS) return hit.channel;
    let channel: APIChannel & { guild_id?: string };
    try {
      channel = (await rest.get(Routes.channel(channelId))) as APIChannel & { guild_id?: string };
    } catch (error) {
      throw toPlatformError(error);
    }
    if (isForum(channel)) known.delete(channelId);
    else known.set(channelId, { channel, at: Date.now() });
    return channel;
  };
}

async function call<T>(poster: LayoutPoster, run: () => Promise<unknown>): Promise<T> {
  try {
    return (await run()) as T;
  } catch (error) {
    throw poster.toPlatformError(error);
  }
}

const isForum = (channel: APIChannel) => channel.type === ChannelType.GuildForum || channel.type === ChannelType.GuildMedia;

/**
 * Starts the thread of a posted message; a thread it already has (160004) is the same thread: the message's
 * id. A start Discord refuses for good (no Create Public Threads: 50013) answers null: the message stays
 * posted, without a thread, and the channel is no less reachable for it.
 */
async function startThread(poster: LayoutPoster, channelId: string, messageId: string, name: string): Promise<string | null> {
  try {
    const thread = (await poster.rest.post(Routes.threads(channelId, messageId), { body: { name, auto_archive_duration: AUTO_ARCHIVE_MINUTES } })) as APIThreadChannel;
    return thread.id;
  } catch (error) {
    if (error instanceof DiscordAPIError && Number(error.code) === THREAD_EXISTS) return messageId;
    const mapped = poster.toPlatformError(error);
    if (!(mapped instanceof PermanentPlatformError)) throw mapped;
    poster.warn({ channelId, messageId, reason: mapped.reason }, 'discord refused to start a thread on a posted message: it stays posted without one');
    return null;
  }
}

/** The forum's tag ids for `names`, creating missing tags while the forum has room (at most 20) and the bot may edit it. */
async function tagIds(poster: LayoutPoster, forum: APIChannel & { available_tags?: APIGuildForumTag[] }, names: string[]): Promise<Map<string, string>> {
  let tags = forum.available_tags ?? [];
  const lower = (s: string) => s.toLowerCase();
  const missing = [...new Set(names.map(lower))].filter((n) => !tags.some((t) => lower(t.name) === n));
  const room = FORUM_LIMITS.tags - tags.length;
  if (missing.length > 0 && room > 0) {
    const added = missing.slice(0, room).map((n) => ({ name: names.find((x) => lower(x) === n)! }));
    const body = { available_tags: [...tags.map((t) => ({ id: t.id, name: t.name, moderated: t.moderated, emoji_id: t.emoji_id, emoji_name: t.emoji_name })), ...added] };
    try {
      const patched = (await poster.rest.patch(Routes.channel(forum.id), { body })) as { available_tags?: APIGuildForumTag[] };
      tags = patched.available_tags ?? tags;
    } catch (error) {
      // Editing a forum's tags needs Manage Channels: without it the posts go out with the tags that exist.
      const mapped = poster.toPlatformError(error);
      if (!(mapped instanceof PermanentPlatformError)) throw mapped;
    }
  }
  return new Map(tags.map((t) => [lower(t.name), t.id]));
}

/**
 * Posts a view as the numbered parts of its layout in this channel ({@link discordLayout}: a forum gets posts
 * whatever the channel's layout), exactly once as far as Discord allows: channel messages carry a per-part
 * nonce, threads are started idempotently (160004 = already started), and forum posts, which take no
 * nonce, are found by {@link findForumPosts} before a retry. Parts in `skip` are kept.
 */
export async function postLayout(poster: LayoutPoster, target: ChannelTarget, view: DigestView, deliveryId: string, options: PostDigestOptions = {}): Promise<PostResult> {
  const channel = await poster.channel(target.channelId);
  const forum = isForum(channel);
  const parts = renderLayout(view, { forum });
  const tags = forum ? await tagIds(poster, channel, parts.flatMap((p) => p.tags ?? [])) : new Map<string, string>();
  const ids: string[] = [];
  const shown: ShownPaper[] = [];
  // The header's thread (`thread` layout): undefined until started, null when Discord refused it (replies then go to the channel).
  let thread: string | null | undefined;
  for (const [i, part] of parts.entries()) {
    let id = options.skip?.get(i + 1);
    let own: string | null | undefined;
    if (forum) {
      if (id === undefined) {
        const applied = [...new Set((part.tags ?? []).map((t) => tags.get(t.toLowerCase())).filter((t): t is string => t !== undefined))].slice(0, FORUM_LIMITS.appliedTags);
        const body = { name: part.threadName, auto_archive_duration: AUTO_ARCHIVE_MINUTES, applied_tags: applied, message: { ...part.message, allowed_mentions: { parse: [] } } };
        id = (await call<APIThreadChannel>(poster, () => poster.rest.post(Routes.threads(target.channelId), { body }))).id;
      }
      own = id;
    } else if (part.inThread) {
      if (thread === undefined) thread = await startThread(poster, target.channelId, ids[0]!, parts[0]!.threadName!);
      id ??= await poster.send(thread ?? target.channelId, part.message, poster.nonceFor(deliveryId, i));
      own = thread;
    } else {
      id ??= await poster.send(target.channelId, part.message, poster.nonceFor(deliveryId, i));
    }
    ids.push(id);
    // Accepted is accepted: said before its thread is started, so a refused or failed start never unsays the message.
    await options.onPosted?.(i + 1, id);
    if (!forum && !part.inThread && part.threadName) {
      own = await startThread(poster, target.channelId, id, part.threadName);
      if (i === 0 && parts[1]?.inThread) thread = own;
    }
    for (const paperId of part.paperIds) shown.push({ paperId, messageId: id, ...(own ? { threadId: own } : {}) });
  }
  return { messageIds: ids, shown };
}

/**
 * Edits one posted message of a `digest`-layout view to show `paperIds` as the view reads now: in a forum
 * (where the digest went out as one post per paper) the starter message of the paper's post, whose id is
 * the post's; elsewhere the channel message, as exactly the papers it showed ({@link renderDigestPart}).
 */
export async function editDigestPart(poster: LayoutPoster, target: ChannelTarget, messageId: string, view: DigestView, paperIds: readonly string[]): Promise<void> {
  const channel = await poster.channel(target.channelId);
  let where = target.channelId;
  let message = renderDigestPart(view, paperIds);
  if (isForum(channel)) {
    const post = renderLayout(view, { forum: true }).find((p) => p.paperIds.length === paperIds.length && p.paperIds.every((id) => paperIds.includes(id)));
    if (!post) throw new PermanentPlatformError('no_such_part', 'no forum post of this digest shows these papers');
    [where, message] = [messageId, post.message];
  }
  await call(poster, () => poster.rest.patch(Routes.channelMessage(where, messageId), { body: { ...message, allowed_mentions: { parse: [] } } }));
}

/**
 * Forum posts already made for a view (before a retry): the forum's active threads named as its parts.
 * A paper goes to a channel once, so a thread of this forum named after one of the view's papers is its
 * post (a notice's, after its day). Other channels answer nothing found (their nonces dedupe).
 */
export async function findForumPosts(poster: LayoutPoster, target: ChannelTarget, view: DigestView | undefined): Promise<DeliveredParts> {
  if (!view) return { posted: new Map(), parts: 0 };
  const channel = await poster.channel(target.channelId);
  if (!isForum(channel) || !channel.guild_id) return { posted: new Map(), parts: 0 };
  const active = await call<RESTGetAPIGuildThreadsResult>(poster, () => poster.rest.get(Routes.guildActiveThreads(channel.guild_id!)));
  const parts = renderLayout(view, { forum: true });
  const posted = new Map<number, string>();
  for (const [i, part] of parts.entries()) {
    const thread = active.threads.find((t) => 'parent_id' in t && t.parent_id === target.channelId && t.name === part.threadName);
    if (thread) posted.set(i + 1, thread.id);
  }
  return { posted, parts: posted.size > 0 ? parts.length : 0 };
}
