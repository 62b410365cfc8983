import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { MAX_PAPER_ID, type VoteChoice, type VoteOrigin } from '../../src/app/votes.ts';
import type { DiscordActionRow, DiscordButton } from './discord-embeds.ts';

/**
 * Custom ids of the vote buttons: `papers:vote:up:<p|l>:<paper id>`, `papers:vote:down:<p|l>:<paper id>`
 * (`p` posted in the channel, `l` listed to one person) and `papers:save:<paper id>`; at most 57 characters
 * for the longest paper id a button carries, under Discord's 100.
 */
export const VOTE_CUSTOM_ID = { vote: 'papers:vote:', save: 'papers:save:' } as const;

const ORIGIN_CODE: Record<VoteOrigin, string> = { posted: 'p', listed: 'l' };

/** A vote button's custom id read back. */
export type VoteButton = { kind: 'vote'; choice: VoteChoice; origin: VoteOrigin; paperId: string } | { kind: 'save'; paperId: string };

/** One paper as the vote buttons name it: its id and its number in the message (1-based). */
export interface VotedPaper {
  paperId: string;
  rank: number;
}

/** True when a custom id is meant for the vote buttons (then {@link parseVoteCustomId} says whether it is well formed). */
export function isVoteCustomId(customId: string): boolean {
  return customId.startsWith(VOTE_CUSTOM_ID.vote) || customId.startsWith(VOTE_CUSTOM_ID.save);
}

/** Reads a vote button's custom id; undefined when malformed (unknown choice or origin, no or oversized id). */
export function parseVoteCustomId(customId: string): VoteButton | undefined {
  const vote = /^papers:vote:(up|down):([pl]):(\S+)$/.exec(customId);
  if (vote) {
    const paperId = vote[3]!;
    if (paperId.length > MAX_PAPER_ID) return undefined;
    return { kind: 'vote', choice: vote[1] as VoteChoice, origin: vote[2] === 'p' ? 'posted' : 'listed', paperId };
  }
  const save = /^papers:save:(\S+)$/.exec(customId);
  if (save && save[1]!.length <= MAX_PAPER_ID) return { kind: 'save', paperId: save[1]! };
  return undefined;
}

const button = (label: string, customId: string): DiscordButton => ({ type: ComponentType.Button, style: ButtonStyle.Secondary, label, custom_id: customId });

function buttonsFor(paperId: string, origin: VoteOrigin): [string, string, string] {
  const code = ORIGIN_CODE[origin];
  return [`${VOTE_CUSTOM_ID.vote}up:${code}:${paperId}`, `${VOTE_CUSTOM_ID.vote}down:${code}:${paperId}`, `${VOTE_CUSTOM_ID.save}${paperId}`];
}

/** 👍 More like this, 👎 Less like this, 🔖 Save: one row for a message that shows one paper. */
export function paperVoteRow(paperId: string, origin: VoteOrigin): DiscordActionRow | undefined {
  if (paperId.length > MAX_PAPER_ID) return undefined;
  const [up, down, save] = buttonsFor(paperId, origin);
  return { type: ComponentType.ActionRow, components: [button('👍 More like this', up), button('👎 Less like this', down), button('🔖 Save', save)] };
}

/**
 * Three rows for a message of up to five papers: `👍 #1 … 👍 #5`, then 👎, then 🔖 (the numbers are the
 * papers' numbers in the message). A paper shown twice gets its buttons once (custom ids are unique per message).
 */
export function voteRows(papers: readonly VotedPaper[], origin: VoteOrigin): DiscordActionRow[] {
  const seen = new Set<string>();
  const shown = papers.filter((p) => p.paperId.length <= MAX_PAPER_ID && !seen.has(p.paperId) && seen.add(p.paperId)).slice(0, 5);
  if (shown.length === 0) return [];
  return (['👍', '👎', '🔖'] as const).map((emoji, i) => ({
    type: ComponentType.ActionRow,
    components: shown.map((p) => button(`${emoji} #${p.rank}`, buttonsFor(p.paperId, origin)[i]!)),
  }));
}
