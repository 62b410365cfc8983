import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackAddress, sameSecret } from '../web/access.ts';
import type { HttpRoute } from './http-route.ts';
import { headerValue, sendJson } from './http-server.ts';

/** What `GET /metrics` serves: a text exposition and its content type (see `prometheus-metrics.ts`). */
export interface MetricsExposition {
  readonly contentType: string;
  text(): Promise<string>;
}

/** Headers a reverse proxy adds: a request carrying one came from elsewhere, whatever the socket says. */
const FORWARDED = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/**
 * Whether the request came from this machine itself: the dashboard's loopback rule (the socket's address,
 * 127.0.0.1 or ::1), and stricter: one carrying a proxy's forwarding header counts as remote.
 */
export function isLoopbackRequest(req: IncomingMessage): boolean {
  if (FORWARDED.some((name) => req.headers[name] !== undefined)) return false;
  return isLoopbackAddress(req.socket.remoteAddress);
}

/** Whether `Authorization: Bearer <token>` carries `token` (compared in constant time). */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headerValue(req, 'authorization') ?? '');
  return match !== null && sameSecret(match[1]!, token);
}

/**
 * `GET /metrics`: the Prometheus text exposition. It answers loopback requests always; a remote one (or one
 * through a proxy) only with `Authorization: Bearer <ADMIN_TOKEN>` when `adminToken` is set: 401 without
 * it, 403 when no token is configured. No metric carries a token or a message text.
 */
export function metricsRoute(metrics: MetricsExposition, access: { adminToken?: string }): HttpRoute {
  return {
    method: 'GET',
    path: '/metrics',
    async handler(req: IncomingMessage, res: ServerResponse) {
      if (!isLoopbackRequest(req)) {
        if (!access.adminToken) return sendJson(res, 403, { error: 'metrics answer on loopback only; set ADMIN_TOKEN to scrape from elsewhere' });
        if (!hasBearer(req, access.adminToken)) return sendJson(res, 401, { error: 'send Authorization: Bearer <ADMIN_TOKEN>' }, { 'www-authenticate': 'Bearer realm="metrics"' });
      }
      const text = await metrics.text();
      res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-store' });
      res.end(text);
    },
  };
}
