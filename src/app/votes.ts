import type { AppContext } from '../context.ts';
import { canonicalArxivId } from '../core/arxiv-id.ts';
import type { ChannelTarget } from '../core/ports.ts';
import type { Paper } from '../core/types.ts';
import type { VoteCounts, VoteValue } from '../db/votes-repo.ts';
import type { Reader } from '../db/saved-papers-repo.ts';

/** 👍 (more like this) or 👎 (less like this). */
export type VoteChoice = 'up' | 'down';

/**
 * Where a vote button was shown. `posted`: on a digest message the bot posted in the channel, so the paper
 * must have been delivered to that channel. `listed`: on a reply to one person (search results, a preview,
 * the reading list) or a shared paper, so any stored paper may be voted on, in the channel it was shown in.
 */
export type VoteOrigin = 'posted' | 'listed';

/** What a reaction on a posted paper means (each adapter maps its platform's reaction names to these). */
export type ReactionMeaning = VoteChoice | 'save';

/** A button vote: who, where, on which paper. */
export interface VoteRequest {
  channel: ChannelTarget;
  userId: string;
  paperId: string;
  choice: VoteChoice;
  origin: VoteOrigin;
}

/** A reaction added to or removed from a message the bot posted. */
export interface ReactionRequest {
  channel: ChannelTarget;
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
 * like the button, and removing it takes back only what that reaction did.
 */
export class VotesService {
  private lastPrune = 0;

  constructor(private readonly ctx: AppContext) {}

  /** A paper a button names: a well-formed id of a stored paper, or the reason it is refused. */
  private paperFor(paperId: string): Paper | string {
    if (paperId.length === 0 || paperId.length > MAX_PAPER_ID || canonicalArxivId(paperId) !== paperId) {
      return 'This button does not name a paper, so nothing was changed.';
    }
    return this.ctx.papers.get(paperId) ?? `Paper ${paperId} is not among the papers stored here (any more), so nothing was changed.`;
  }

  private postedIn(channel: ChannelTarget, paperId: string): boolean {
    const enrolled = this.ctx.channels.find(channel);
    return !!enrolled && this.ctx.deliveries.paperMessage(enrolled.id, paperId) !== undefined;
  }

  /** 👍 or 👎 clicked: casts, changes or takes back the person's vote, and says the channel's counts after it. */
  vote(req: VoteRequest): VoteReply {
    const paper = this.paperFor(req.paperId);
    if (typeof paper === 'string') return { kind: 'error', message: paper };
    if (req.origin === 'posted' && !this.postedIn(req.channel, paper.id)) {
      return { kind: 'error', message: `${quoted(paper)} was not posted in this channel, so this vote was not counted.` };
    }
    const votes = this.ctx.votes;
    const before = choiceOf(votes.voteOf(req.channel, paper.id, req.userId));
    const emoji = EMOJI[req.choice];
    if (before === req.choice) {
      const counts = votes.withdraw(req.channel, paper.id, req.userId);
      return { kind: 'voted', paperId: paper.id, yours: null, counts, message: `Took back your ${emoji} on ${quoted(paper)}. ${countsLine(counts)}` };
    }
    const counts = votes.cast(req.channel, paper.id, req.userId, VALUE[req.choice], 'button');
    const said = before ? `Changed your vote on ${quoted(paper)} to ${emoji}.` : `${emoji} Counted: ${req.choice === 'up' ? 'more' : 'less'} like ${quoted(paper)}.`;
    return { kind: 'voted', paperId: paper.id, yours: req.choice, counts, message: `${said} ${countsLine(counts)} Click ${emoji} again to take it back.` };
  }

  /** 🔖 clicked: saves the paper to the person's reading list, or takes it off when it is already there. */
  toggleSave(reader: Reader, paperId: string): VoteReply {
    const paper = this.paperFor(paperId);
    if (typeof paper === 'string') return { kind: 'error', message: paper };
    const saved = this.ctx.saved;
    if (saved.unsave(reader, paper.id)) {
      return { kind: 'saved', paperId: paper.id, saved: false, message: `Removed ${quoted(paper)} from your reading list (${saved.size(reader)} left).` };
    }
    saved.save(reader, paper.id);
    return {
      kind: 'saved',
      paperId: paper.id,
      saved: true,
      message: `🔖 Saved ${quoted(paper)} to your reading list (${saved.size(reader)} saved). /papers saved lists it; 🔖 again removes it.`,
    };
  }

  /**
   * A reaction added or removed on a message the bot posted. Counts only on a message that shows exactly one
   * paper (a digest message with several is ignored), and once per event id. Adding votes like the button
   * (an equal vote already cast stays as it was); removing takes back only a vote of that value cast by a
   * reaction, so it never undoes a button vote. The save reaction adds to or removes from the reading list.
   */
  react(req: ReactionRequest): ReactionOutcome {
    const now = this.ctx.clock.now();
    this.pruneEvents(now);
    const run = this.ctx.db.sqlite.transaction((): ReactionOutcome => {
      if (req.eventId !== undefined && !this.ctx.processedEvents.firstSeen(req.eventId, now)) return { kind: 'ignored', reason: 'redelivered' };
      const shown = this.ctx.deliveries.paperAtMessage(req.channel, req.messageId);
      if (!shown) return { kind: 'ignored', reason: 'not-one-paper' };
      const { paperId } = shown;
      if (req.meaning === 'save') {
        const reader = { platform: req.channel.platform, workspaceId: req.channel.workspaceId, userId: req.userId };
        if (req.added) this.ctx.saved.save(reader, paperId);
        else this.ctx.saved.unsave(reader, paperId);
        return { kind: 'counted', paperId };
      }
      const value = VALUE[req.meaning];
      const votes = this.ctx.votes;
      if (!req.added) return { kind: 'counted', paperId, counts: votes.withdraw(req.channel, paperId, req.userId, { value, source: 'reaction' }) };
      if (votes.voteOf(req.channel, paperId, req.userId) === value) return { kind: 'counted', paperId, counts: votes.counts(req.channel, paperId) };
      return { kind: 'counted', paperId, counts: votes.cast(req.channel, paperId, req.userId, value, 'reaction') };
    });
    return run();
  }

  private pruneEvents(now: Date): void {
    if (now.getTime() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now.getTime();
    this.ctx.processedEvents.forgetBefore(new Date(now.getTime() - EVENT_MEMORY_MS));
  }
}
