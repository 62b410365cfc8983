import type { ServerResponse } from 'node:http';
import type { REST } from '@discordjs/rest';
import { InteractionResponseType, MessageFlags, Routes } from 'discord-api-types/v10';
import type { HttpRoute } from '../../src/server/http-route.ts';
import type { DiscordMessage } from './discord-embeds.ts';
import type { Logger } from '../../src/logger.ts';
import { headerValue, readBody, sendJson, sendTooLarge } from '../../src/server/http-server.ts';
import type { InteractionHandler, Responder } from './interaction-handler.ts';
import { readInteraction } from './interaction-payload.ts';
import type { SignatureVerifier } from './verify-signature.ts';

export const INTERACTIONS_PATH = '/discord/interactions';
const NO_MENTIONS = { allowed_mentions: { parse: [] } };

/** Answers the HTTP request with the initial response, then completes through the interaction webhook. */
function httpResponder(res: ServerResponse, rest: REST, applicationId: string, token: string): Responder {
  const flags = (ephemeral: boolean) => (ephemeral ? { flags: MessageFlags.Ephemeral } : {});
  return {
    async defer(ephemeral) {
      sendJson(res, 200, { type: InteractionResponseType.DeferredChannelMessageWithSource, data: flags(ephemeral) });
    },
    async reply(message: DiscordMessage, ephemeral) {
      sendJson(res, 200, { type: InteractionResponseType.ChannelMessageWithSource, data: { ...message, ...NO_MENTIONS, ...flags(ephemeral) } });
    },
    async autocomplete(choices) {
      sendJson(res, 200, { type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
    },
    async editOriginal(message) {
      await rest.patch(Routes.webhookMessage(applicationId, token, '@original'), { body: { ...message, ...NO_MENTIONS }, auth: false });
    },
    async followUp(message, ephemeral) {
      await rest.post(Routes.webhook(applicationId, token), { body: { ...message, ...NO_MENTIONS, ...flags(ephemeral) }, auth: false });
    },
  };
}

export interface InteractionsRouteDeps {
  verify: SignatureVerifier;
  handler: InteractionHandler;
  /** REST client for the interaction webhooks (no bot token needed). */
  rest: REST;
  logger: Logger;
  /** Registers work that outlives the HTTP response, so `stop` can wait for it. */
  track(work: Promise<void>): void;
}

/**
 * `POST /discord/interactions`: verifies the Ed25519 signature on the raw body (401 before anything runs),
 * answers PING with PONG, and hands everything else to the interaction handler, which responds at once
 * (defer, reply or autocomplete) and does the work afterwards.
 */
export function createInteractionsRoute(deps: InteractionsRouteDeps): HttpRoute {
  const log = deps.logger;
  return {
    method: 'POST',
    path: INTERACTIONS_PATH,
    async handler(req, res) {
      const raw = await readBody(req);
      if (!raw) return sendTooLarge(res);
      const verdict = deps.verify(headerValue(req, 'x-signature-ed25519'), headerValue(req, 'x-signature-timestamp'), raw);
      if (!verdict.ok) {
        log.warn({ reason: verdict.reason }, 'discord interaction refused');
        return sendJson(res, 401, { error: 'invalid request signature' });
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'body is not JSON' });
      }
      const payload = readInteraction(body);
      if (payload.kind === 'ping') return sendJson(res, 200, { type: InteractionResponseType.Pong });
      if (payload.kind === 'malformed') {
        log.info({ problem: payload.problem }, 'discord interaction refused: malformed payload');
        return sendJson(res, 400, { error: `malformed interaction: ${payload.problem}` });
      }
      const responder = httpResponder(res, deps.rest, payload.applicationId, payload.token);
      let answered!: () => void;
      const initialSent = new Promise<void>((resolve) => (answered = resolve));
      res.once('finish', () => answered());
      res.once('close', () => answered());
      const work = deps.handler.handle(payload.interaction, responder).finally(() => {
        if (!res.headersSent) sendJson(res, 500, { error: 'interaction not answered' });
      });
      deps.track(work);
      await initialSent;
    },
  };
}
