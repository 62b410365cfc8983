import type { AppContext } from '../context.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { ChannelTarget } from '../core/ports.ts';
import type { Paper, Platform } from '../core/types.ts';
import { personKey } from '../commands/person-state.ts';
import type { VoteCounts, VoteValue } from '../db/votes-repo.ts';
import type { Reader } from '../db/saved-papers-repo.ts';
import type { ReactionEffect } from '../db/reactions-repo.ts';

/** 👍 (more like this) or 👎 (less like this). */
export type VoteChoice = 'up' | 'down';

/**
 * How a vote button is rendered: `posted` on a digest message the bot posted, `listed` on a reply to one
 * person (search results, a preview, the reading list). A label only: where a vote counts, and whether it
 * counts, the application decides from {@link VotePlace} and {@link ShownOn}, never from the button.
 */
export type VoteOrigin = 'posted' | 'listed';

/** What a reaction on a posted paper means (each adapter maps its platform's reaction names to these). */
export type ReactionMeaning = VoteChoice | 'save';

/**
 * Where a button was clicked or a reaction added, as the platform says it. The adapter reports; the
 * application picks the channel the vote counts for ({@link VotesService} has the rule).
 */
export interface VotePlace {
  platform: Platform;
  /** The workspace (Slack team, Discord server); empty in a direct message outside any (a Discord DM). */
  workspaceId: string;
  /** The chat channel it happened in: a channel, a thread or forum post, or a direct message. */
  channelId: string;
  /** For a thread or forum post: the channel it belongs to. */
  parentId?: string;
  /** True in a direct message between the bot and the person. */
  direct?: boolean;
  /** The workspace that scopes the person's user id when it is not `workspaceId` (Discord: `@me`). */
  userScope?: string;
}

/**
 * The message a button is on: a message in the channel (by its platform id: Slack `ts`, Discord message id),
 * or `ephemeral`, a reply only the clicker sees.
 */
export type ShownOn = { messageId: string } | 'ephemeral';

/** A button vote: who, where, on which paper, on which message. */
export interface VoteRequest {
  place: VotePlace;
  userId: string;
  paperId: string;
  choice: VoteChoice;
  shownOn: ShownOn;
}

/** A reaction added to or removed from a message the bot posted. */
export interface ReactionRequest {
  place: VotePlace;
  userId: string;
  /** The platform message the reaction is on (Slack `ts`, Discord message id). */
  messageId: string;
  meaning: ReactionMeaning;
  added: boolean;
  /** The platform's event id, when it redelivers events: a second delivery of the same id counts for nothing. */
  eventId?: string;
}

/** The answer to a vote or save button, shown only to whoever clicked. */
export type VoteReply =
  | { kind: 'voted'; paperId: string; yours: VoteChoice | null; counts: VoteCounts; message: string }
  | { kind: 'saved'; paperId: string; saved: boolean; message: string }
  | { kind: 'error'; message: string };

/** What a reaction did: counted, or why not (reactions get no reply). */
export type ReactionOutcome = { kind: 'counted'; paperId: string; counts?: VoteCounts } | { kind: 'ignored'; reason: 'redelivered' | 'not-one-paper' };

/** How long a handled event id is remembered: Slack redelivers within minutes; a day or two is plenty. */
export const EVENT_MEMORY_MS = 2 * 24 * 3600_000;
/** How often (at most) the remembered event ids are pruned. */
const PRUNE_EVERY_MS = 3600_000;
/** The longest paper id a button may carry (arXiv ids are far shorter). */
export const MAX_PAPER_ID = 40;

const EMOJI: Record<VoteChoice, string> = { up: '👍', down: '👎' };
const VALUE: Record<VoteChoice, VoteValue> = { up: 1, down: -1 };

function choiceOf(value: VoteValue | undefined): VoteChoice | null {
  return value === 1 ? 'up' : value === -1 ? 'down' : null;
}

function quoted(paper: Paper): string {
  const title = paper.title.replace(/\s+/g, ' ').trim();
  return `"${title.length > 80 ? `${title.slice(0, 79).trimEnd()}…` : title}"`;
}

/** `This channel: 👍 3 · 👎 1.` */
export function countsLine(counts: VoteCounts): string {
  return `This channel: 👍 ${counts.up} · 👎 ${counts.down}.`;
}

/**
 * Votes and the reading list: the one place their rules live. One vote per person per paper per channel;
 * clicking the vote you already cast takes it back, clicking the other one changes it. 🔖 toggles the
 * paper on the person's reading list. A reaction on a message that shows exactly one paper votes (or saves)
 * like the button, and removing it takes back only what that reaction did. Where a vote counts is decided
 * here alone, from what the adapter reports ({@link VotePlace}, the message): see `postedAt` and `shownIn`.
 */
export class VotesService {
  private lastPrune = 0;

  constructor(private readonly ctx: AppContext) {}

  /** A paper a button names: a well-formed id of a stored paper, or the reason it is refused. */
  private async paperFor(paperId: string): Promise<Paper | string> {
    if (paperId.length === 0 || paperId.length > MAX_PAPER_ID || canonicalArxivId(paperId) !== paperId) {
      return 'This button does not name a paper, so nothing was changed.';
    }
    return (await this.ctx.stores.papers.get(paperId)) ?? `Paper ${paperId} is not among the papers stored here (any more), so nothing was changed.`;
  }

  /**
   * The channels a vote in `place` may count for, best first: the channel itself, the channel a thread
   * belongs to, and in a direct message the person's alerts (their row, as `personKey` names it).
   */
  private candidates(place: VotePlace, userId: string): { self?: ChannelTarget; parent?: ChannelTarget; person?: ChannelTarget } {
    const { platform, workspaceId } = place;
    return {
      ...(workspaceId ? { self: { platform, workspaceId, channelId: place.channelId } } : {}),
      ...(workspaceId && place.parentId ? { parent: { platform, workspaceId, channelId: place.parentId } } : {}),
      ...(place.direct ? { person: personKey({ platform, workspaceId, ...(place.userScope ? { userScope: place.userScope } : {}), userId }) } : {}),
    };
  }

  /**
   * Where a vote on a posted message counts: the first of {@link candidates} (the channel, its thread's
   * parent, the person's alerts) that a sent digest reached with this message, and the papers it shows there.
   */
  private async postedAt(place: VotePlace, userId: string, messageId: string): Promise<{ channel: ChannelTarget; papers: string[] } | undefined> {
    const { self, parent, person } = this.candidates(place, userId);
    for (const channel of [self, parent, person]) {
      const papers = channel ? await this.ctx.stores.postedPapers.papersAt(channel, messageId) : [];
      if (channel && papers.length > 0) return { channel, papers };
    }
    return undefined;
  }

  /**
   * Where a vote on an ephemeral reply counts (any stored paper, where it was shown): the channel itself when
   * enrolled, else the channel its thread belongs to, else in a direct message the person's alerts, else the channel.
   */
  private async shownIn(place: VotePlace, userId: string): Promise<ChannelTarget | undefined> {
    const { self, parent, person } = this.candidates(place, userId);
    if (self && (await this.ctx.stores.channels.find(self))) return self;
    return parent ?? person ?? self;
  }

  /** 👍 or 👎 clicked: casts, changes or takes back the person's vote, and says the channel's counts after it. */
  async vote(req: VoteRequest): Promise<VoteReply> {
    const paper = await this.paperFor(req.paperId);
    if (typeof paper === 'string') return { kind: 'error', message: paper };
    const posted = req.shownOn === 'ephemeral' ? undefined : await this.postedAt(req.place, req.userId, req.shownOn.messageId);
    const channel = req.shownOn === 'ephemeral' ? await this.shownIn(req.place, req.userId) : posted?.papers.includes(paper.id) ? posted.channel : undefined;
    if (!channel) return { kind: 'error', message: `${quoted(paper)} was not posted in this channel, so this vote was not counted.` };
    const votes = this.ctx.stores.votes;
    const before = choiceOf(await votes.voteOf(channel, paper.id, req.userId));
    const emoji = EMOJI[req.choice];
    if (before === req.choice) {
      const counts = await votes.withdraw(channel, paper.id, req.userId);
      return { kind: 'voted', paperId: paper.id, yours: null, counts, message: `Took back your ${emoji} on ${quoted(paper)}. ${countsLine(counts)}` };
    }
    const counts = await votes.cast(channel, paper.id, req.userId, VALUE[req.choice], 'button');
    const said = before ? `Changed your vote on ${quoted(paper)} to ${emoji}.` : `${emoji} Counted: ${req.choice === 'up' ? 'more' : 'less'} like ${quoted(paper)}.`;
    return { kind: 'voted', paperId: paper.id, yours: req.choice, counts, message: `${said} ${countsLine(counts)} Click ${emoji} again to take it back.` };
  }

  /** 🔖 clicked: saves the paper to the person's reading list, or takes it off when it is already there. */
  async toggleSave(reader: Reader, paperId: string): Promise<VoteReply> {
    const paper = await this.paperFor(paperId);
    if (typeof paper === 'string') return { kind: 'error', message: paper };
    const saved = this.ctx.stores.saved;
    if (await saved.unsave(reader, paper.id)) {
      return { kind: 'saved', paperId: paper.id, saved: false, message: `Removed ${quoted(paper)} from your reading list (${await saved.size(reader)} left).` };
    }
    await saved.save(reader, paper.id);
    return {
      kind: 'saved',
      paperId: paper.id,
      saved: true,
      message: `🔖 Saved ${quoted(paper)} to your reading list (${await saved.size(reader)} saved). /papers saved lists it; 🔖 again removes it.`,
    };
  }

  /**
   * A reaction added or removed on a message the bot posted. Counts only on a message that shows exactly one
   * paper (a digest message with several is ignored), and once per event id. Adding votes like the button
   * (an equal vote already cast stays as it was); removing takes back only a vote of that value cast by a
   * reaction, so it never undoes a button vote. The save reaction adds to or removes from the reading list.
   */
  async react(req: ReactionRequest): Promise<ReactionOutcome> {
    const now = this.ctx.clock.now();
    await this.pruneEvents(now);
    const posted = await this.postedAt(req.place, req.userId, req.messageId);
    if (!posted || posted.papers.length !== 1) {
      // Recorded all the same, so a redelivery of an ignored event stays ignored whatever was posted since.
      if (req.eventId !== undefined && !(await this.ctx.stores.processedEvents.firstSeen(req.eventId, now))) return { kind: 'ignored', reason: 'redelivered' };
      return { kind: 'ignored', reason: 'not-one-paper' };
    }
    const paperId = posted.papers[0]!;
    const applied = await this.ctx.stores.reactions.applyOnce(req.eventId, now, this.effectOf(req, posted.channel, paperId));
    if (applied === 'redelivered') return { kind: 'ignored', reason: 'redelivered' };
    return { kind: 'counted', paperId, ...applied };
  }

  private effectOf(req: ReactionRequest, channel: ChannelTarget, paperId: string): ReactionEffect {
    if (req.meaning === 'save') {
      const reader = { platform: req.place.platform, workspaceId: req.place.userScope ?? req.place.workspaceId, userId: req.userId };
      return { kind: req.added ? 'save' : 'unsave', reader, paperId };
    }
    return { kind: req.added ? 'vote' : 'unvote', channel, paperId, userId: req.userId, value: VALUE[req.meaning] };
  }

  private async pruneEvents(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    await this.ctx.stores.processedEvents.forgetBefore(new Date(now.getTime() - EVENT_MEMORY_MS));
  }
}
