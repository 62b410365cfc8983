import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from '../../src/server/http-server.ts';

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

/** Wraps a Bolt request listener: requests without fresh signature headers get 401 before Bolt sees them. */
export function guardSignatureHeaders(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  now: () => number = Date.now,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!hasFreshSignatureHeaders(req, now())) {
      req.resume();
      res.writeHead(401).end();
      return;
    }
    listener(req, res);
  };
}
