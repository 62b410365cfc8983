import type { IncomingMessage, ServerResponse } from 'node:http';
import { isValidSlackRequest } from '@slack/bolt';
import type { Logger } from '../../src/logger.ts';
import { headerValue, MAX_BODY_BYTES, readBody, sendJson, sendTooLarge } from '../../src/server/http-server.ts';
import { slackBodyProblem } from './slack-payload.ts';

/** Slack's replay window: a request timestamp may differ from now by at most five minutes, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

/**
 * Whether a request carries both signature headers and a timestamp within {@link MAX_CLOCK_SKEW_SECONDS}
 * of `nowMs` in both directions. Bolt checks the HMAC itself but only refuses timestamps in the past.
 */
export function hasFreshSignatureHeaders(req: IncomingMessage, nowMs: number): boolean {
  const signature = headerValue(req, 'x-slack-signature');
  const timestamp = headerValue(req, 'x-slack-request-timestamp');
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return false;
  return Math.abs(Math.floor(nowMs / 1000) - Number(timestamp)) <= MAX_CLOCK_SKEW_SECONDS;
}

export interface SlackRequestGuardOptions {
  signingSecret: string;
  logger: Logger;
  now?: () => number;
  /** Largest body read; default {@link MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps Bolt's request listener so that only a request Bolt can safely act on reaches it: fresh signature
 * headers (else 401, body unread), a body of at most `maxBodyBytes` (else 413, before any HMAC is computed),
 * a valid signature (else 401), and a payload of the shape Bolt reads (else 400 with the reason). The checked
 * body is handed to Bolt already buffered, so Bolt reads exactly the bytes that were checked.
 */
export function guardSlackRequests(listener: Listener, options: SlackRequestGuardOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const now = options.now ?? Date.now;
  const maxBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.logger;
  return async (req, res) => {
    if (!hasFreshSignatureHeaders(req, now())) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    const rawBody = await readBody(req, maxBytes);
    if (!rawBody) {
      log.warn({ maxBytes }, 'slack request refused: body too large');
      return sendTooLarge(res, maxBytes);
    }
    const signed = isValidSlackRequest({
      signingSecret: options.signingSecret,
      body: rawBody.toString(),
      headers: { 'x-slack-signature': headerValue(req, 'x-slack-signature')!, 'x-slack-request-timestamp': Number(headerValue(req, 'x-slack-request-timestamp')) },
      nowMilliseconds: now(),
    });
    if (!signed) {
      log.warn('slack request refused: bad signature');
      res.writeHead(401).end();
      return;
    }
    const problem = slackBodyProblem(rawBody, req.headers);
    if (problem) {
      log.warn({ problem }, 'slack request refused: malformed payload');
      return sendJson(res, 400, { error: problem });
    }
    Object.assign(req, { rawBody });
    listener(req, res);
  };
}
