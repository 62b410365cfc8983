import type { Button } from '@slack/types';
import type { VoteChoice, VoteOrigin } from '../../src/app/votes.ts';
import { MAX_PAPER_ID } from '../../src/app/votes.ts';

/** Action ids of the vote buttons (also listed in SLACK_ACTIONS). */
export const VOTE_ACTIONS = { up: 'papers_vote_up', down: 'papers_vote_down', save: 'papers_save' } as const;

/** What a vote button says it is about: where it was shown and which paper. */
export interface VoteValue {
  origin: VoteOrigin;
  paperId: string;
}

const ORIGIN_CODE: Record<VoteOrigin, string> = { posted: 'p', listed: 'l' };
const CODE_ORIGIN: Record<string, VoteOrigin> = { p: 'posted', l: 'listed' };

/** `p:2503.00001`: a button value far under Slack's 2,000 characters. */
export function encodeVoteValue(origin: VoteOrigin, paperId: string): string {
  return `${ORIGIN_CODE[origin]}:${paperId}`;
}

/** Reads a vote button's value back; undefined when it is not one we make (missing, oversized, malformed). */
export function decodeVoteValue(value: string | undefined): VoteValue | undefined {
  const match = /^([pl]):(\S+)$/.exec(value ?? '');
  if (!match || match[2]!.length > MAX_PAPER_ID) return undefined;
  return { origin: CODE_ORIGIN[match[1]!]!, paperId: match[2]! };
}

/** The vote a 👍 / 👎 action id casts, if it is one. */
export function voteChoiceOf(actionId: string): VoteChoice | undefined {
  return actionId === VOTE_ACTIONS.up ? 'up' : actionId === VOTE_ACTIONS.down ? 'down' : undefined;
}

const button = (text: string, actionId: string, value: string): Button & { action_id: string } => ({
  type: 'button',
  text: { type: 'plain_text', text, emoji: true },
  action_id: actionId,
  value,
});

/**
 * 👍 More like this, 👎 Less like this, 🔖 Save: three buttons for one paper (none for an id too long to
 * carry); `save` alone for a message whose votes would count nowhere (a paper shared in the channel).
 */
export function voteButtons(paperId: string, origin: VoteOrigin, only?: 'save'): (Button & { action_id: string })[] {
  if (paperId.length > MAX_PAPER_ID) return [];
  const value = encodeVoteValue(origin, paperId);
  const save = button('🔖 Save', VOTE_ACTIONS.save, value);
  return only === 'save' ? [save] : [button('👍 More like this', VOTE_ACTIONS.up, value), button('👎 Less like this', VOTE_ACTIONS.down, value), save];
}
