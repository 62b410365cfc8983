import { SLACK_WORDING } from './slack-wording.ts';
import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { parseCommandText, unescapeSlackText } from './slack-command-text.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import { decodeMore, renderReply, renderSharedPaper, replyVisibility, SLACK_ACTIONS } from './slack-blocks.ts';
import type { Logger } from '../../src/logger.ts';
import type { SlackCallers } from './slack-callers.ts';
import { registerSlackVotes } from './slack-votes.ts';

/** A response_url takes at most five replies. */
const MAX_RESPONSES = 5;

export interface ListenerDeps {
  papers: PapersApp;
  callers: SlackCallers;
  logger: Logger;
}

interface Origin {
  teamId: string;
  channelId: string;
  userId: string;
  /** The listener's client, on the token Bolt authorized this request with (the workspace's own in OAuth mode). */
  client: WebClient;
}

async function send(respond: RespondFn, reply: CommandReply, replaceOriginal = false): Promise<void> {
  const messages = renderReply(reply).slice(0, MAX_RESPONSES);
  const responseType = replyVisibility(reply);
  for (const [i, m] of messages.entries()) {
    await respond({ response_type: responseType, replace_original: replaceOriginal && i === 0, text: m.text, blocks: m.blocks });
  }
}

async function run(deps: ListenerDeps, origin: Origin, command: Pick<CommandRequest, 'name' | 'text' | 'cursor'>): Promise<CommandReply> {
  const caller = await deps.callers.resolve(origin.teamId, origin.userId, origin.client);
  return deps.papers.command({
    platform: 'slack',
    workspaceId: origin.teamId,
    channelId: origin.channelId,
    userId: origin.userId,
    ...command,
    ...(caller.timeZone ? { userTimeZone: caller.timeZone } : {}),
    canManage: caller.canManage,
    wording: SLACK_WORDING,
  });
}

/** Runs `work` after the ack, answering the caller through `respond` if it fails. */
async function safely(deps: ListenerDeps, respond: RespondFn, what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error({ err: error, what }, 'slack interaction failed');
    await respond({ response_type: 'ephemeral', replace_original: false, text: 'Sorry, something went wrong on our side. Please try again in a moment.' }).catch(() => {});
  }
}

/**
 * Registers the `/papers` slash command and the buttons of our messages. Every listener acks first
 * (Slack's 3-second deadline) and answers through the `response_url`.
 */
export function registerSlackListeners(app: App, deps: ListenerDeps): void {
  app.command(/^\/papers/, async ({ command, ack, respond, client }) => {
    await ack();
    await safely(deps, respond, 'command', async () => {
      const origin = { teamId: command.team_id, channelId: command.channel_id, userId: command.user_id, client };
      await send(respond, await run(deps, origin, parseCommandText(unescapeSlackText(command.text ?? ''))));
    });
  });

  // More and "Search all of Hugging Face" both re-run the command their button carries.
  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${SLACK_ACTIONS.more}|${SLACK_ACTIONS.beyond})$`), async ({ ack, body, action, respond, client }) => {
    await ack();
    await safely(deps, respond, 'more', async () => {
      const more = decodeMore(action.value);
      if (!more || !body.channel) return;
      const origin = { teamId: body.team?.id ?? body.user.team_id ?? '', channelId: body.channel.id, userId: body.user.id, client };
      await send(respond, await run(deps, origin, { name: more.command, text: more.text, cursor: more.cursor }), true);
    });
  });

  // "Subscribe to this search" runs /papers subscribe as the clicker typed it: same permission check, same
  // confirmation, answered as a new message under the results (they stay).
  app.action<BlockAction<ButtonAction>>(SLACK_ACTIONS.subscribe, async ({ ack, body, action, respond, client }) => {
    await ack();
    await safely(deps, respond, 'subscribe', async () => {
      const subscribe = decodeMore(action.value);
      if (!subscribe || subscribe.command !== 'subscribe' || !body.channel) return;
      const origin = { teamId: body.team?.id ?? body.user.team_id ?? '', channelId: body.channel.id, userId: body.user.id, client };
      await send(respond, await run(deps, origin, { name: 'subscribe', text: subscribe.text }));
    });
  });

  app.action<BlockAction<ButtonAction>>(SLACK_ACTIONS.share, async ({ ack, body, action, respond }) => {
    await ack();
    await safely(deps, respond, 'share', async () => {
      const shared = await deps.papers.share(action.value ?? '', body.user.id);
      if (shared.kind === 'error') {
        await respond({ response_type: 'ephemeral', replace_original: false, text: shared.message });
        return;
      }
      const message = renderSharedPaper(shared.paper, shared.sharedBy);
      await respond({ response_type: 'in_channel', replace_original: false, text: message.text, blocks: message.blocks });
    });
  });

  app.action(new RegExp(`^${SLACK_ACTIONS.linkPrefix}`), async ({ ack }) => {
    await ack();
  });
  registerSlackVotes(app, deps);
  acknowledgeTheRest(app, deps.logger);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Acks at once what we do not handle (other action ids, view submissions and closes, shortcuts, option
 * requests), so Slack is not left waiting for Bolt's 3-second "unhandled request" 404.
 */
function acknowledgeTheRest(app: App, logger: Logger): void {
  const ours = [SLACK_ACTIONS.more, SLACK_ACTIONS.beyond, SLACK_ACTIONS.subscribe, SLACK_ACTIONS.share, SLACK_ACTIONS.voteUp, SLACK_ACTIONS.voteDown, SLACK_ACTIONS.save].map((a) => `${escapeRegExp(a)}$`);
  const notOurs = new RegExp(`^(?!${[...ours, escapeRegExp(SLACK_ACTIONS.linkPrefix)].join('|')})`);
  const ignore =
    (what: string) =>
    async ({ ack }: { ack: () => Promise<void> }) => {
      await ack();
      logger.info({ what }, 'slack interaction ignored');
    };
  app.action(notOurs, ignore('action'));
  app.view({ type: 'view_submission', callback_id: /.*/ }, ignore('view_submission'));
  app.view({ type: 'view_closed', callback_id: /.*/ }, ignore('view_closed'));
  app.shortcut(/.*/, ignore('shortcut'));
  app.options(/.*/, async ({ ack }) => {
    await ack({ options: [] });
  });
}
