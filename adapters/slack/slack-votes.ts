import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { ReactionMeaning, ShownOn, VotePlace } from '../../src/app/votes.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { Logger } from '../../src/logger.ts';
import { escapeMrkdwn } from './slack-blocks.ts';
import { decodeVoteValue, VOTE_ACTIONS, voteChoiceOf } from './slack-vote-buttons.ts';

/**
 * Slack reaction names that count, and what they mean: `+1`/`thumbsup` 👍, `-1`/`thumbsdown` 👎, `bookmark`
 * 🔖 (skin tones ignored). Any other reaction is just a reaction.
 */
export const REACTION_MEANINGS: Readonly<Record<string, ReactionMeaning>> = {
  '+1': 'up',
  thumbsup: 'up',
  '-1': 'down',
  thumbsdown: 'down',
  bookmark: 'save',
};

/** What a reaction name means, skin tone (`+1::skin-tone-3`) ignored. */
export function reactionMeaning(name: string): ReactionMeaning | undefined {
  return REACTION_MEANINGS[name.replace(/::skin-tone-\d$/, '')];
}

const NOT_OURS = 'This button is not one of ours (or it was changed on the way), so nothing was changed.';

interface VoteDeps {
  papers: PapersApp;
  logger: Logger;
}

interface ReactionEvent {
  user?: string;
  reaction?: string;
  item?: { type?: string; channel?: string; ts?: string };
}

/** Where a vote or reaction happened, as Slack says it (a DM channel id starts with `D`); the application picks the row it counts for. */
function placeOf(teamId: string, channelId: string): VotePlace {
  return { platform: 'slack', workspaceId: teamId, channelId, ...(channelId.startsWith('D') ? { direct: true } : {}) };
}

/** The message a button is on: an ephemeral reply, or a message in the channel by its `ts`. */
function shownOn(container: { message_ts?: unknown; is_ephemeral?: unknown } | undefined): ShownOn | undefined {
  if (container?.is_ephemeral === true) return 'ephemeral';
  return typeof container?.message_ts === 'string' && container.message_ts ? { messageId: container.message_ts } : undefined;
}

/**
 * 👍 👎 🔖 buttons (block actions, answered only to whoever clicked, with the channel's counts) and
 * `reaction_added` / `reaction_removed` events (Events API, deduped by `event_id` in the application).
 */
export function registerSlackVotes(app: App, deps: VoteDeps): void {
  const ids = [VOTE_ACTIONS.up, VOTE_ACTIONS.down, VOTE_ACTIONS.save].join('|');
  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${ids})$`), async ({ ack, body, action, respond }) => {
    await ack();
    try {
      const value = decodeVoteValue(action.value);
      const teamId = body.team?.id ?? body.user.team_id ?? '';
      const shown = shownOn(body.container as Parameters<typeof shownOn>[0]);
      const choice = voteChoiceOf(action.action_id);
      let message: string;
      if (!value || !body.channel || !teamId || (choice && !shown)) message = NOT_OURS;
      else {
        const reply = choice && shown
          ? await deps.papers.vote({ place: placeOf(teamId, body.channel.id), userId: body.user.id, paperId: value.paperId, choice, shownOn: shown })
          : await deps.papers.save({ platform: 'slack', workspaceId: teamId, userId: body.user.id }, value.paperId);
        // Titles are user-visible text: escaped, so `<!channel>` in a title is never a mention.
        message = escapeMrkdwn(reply.kind === 'error' ? `:warning: ${reply.message}` : reply.message);
      }
      await respond({ response_type: 'ephemeral', replace_original: false, text: message });
    } catch (error) {
      deps.logger.error({ err: error, what: 'vote' }, 'slack interaction failed');
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'Sorry, something went wrong on our side. Please try again in a moment.' }).catch(() => {});
    }
  });

  for (const type of ['reaction_added', 'reaction_removed'] as const) {
    app.event(type, async ({ event, body }) => {
      const e = event as ReactionEvent;
      const meaning = reactionMeaning(e.reaction ?? '');
      const teamId = (body as { team_id?: string }).team_id;
      const eventId = (body as { event_id?: string }).event_id;
      if (!meaning || e.item?.type !== 'message' || !e.item.channel || !e.item.ts || !e.user || !teamId) return;
      const outcome = await deps.papers.react({
        place: placeOf(teamId, e.item.channel),
        userId: e.user,
        messageId: e.item.ts,
        meaning,
        added: type === 'reaction_added',
        ...(eventId ? { eventId: `slack:${eventId}` } : {}),
      });
      deps.logger.debug({ type, reaction: e.reaction, outcome: outcome.kind, ...(outcome.kind === 'ignored' ? { reason: outcome.reason } : {}) }, 'slack reaction');
    });
  }
}
