import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { HttpRoute } from './http-route.ts';
import type { Logger } from '../logger.ts';

/** A request header's value (the first, when it was sent more than once). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The largest request body an adapter route reads: 1 MB (Slack and Discord payloads are a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a request body of at most `maxBytes`. Resolves `undefined` as soon as it is known to be larger (a
 * `Content-Length` over the cap, or the bytes received so far): nothing more is kept, the rest is discarded.
 */
export function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  if (Number(headerValue(req, 'content-length')) > maxBytes) {
    req.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve(undefined);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Answers with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(json)) });
  res.end(json);
}

/** 413 for a body over the cap; the connection is closed, so the unread rest of the body is not waited for. */
export function sendTooLarge(res: ServerResponse, maxBytes = MAX_BODY_BYTES): void {
  sendJson(res, 413, { error: `request body over ${maxBytes} bytes` }, { connection: 'close' });
}

export interface HttpServer {
  server: Server;
  /** The port actually bound (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

/** Readiness probe: resolves when every dependency answers, rejects (with a reason) otherwise. */
export type ReadinessCheck = () => Promise<Record<string, 'ok' | string>>;

/**
 * Serves the adapters' routes plus `GET /healthz` (alive) and `GET /readyz` (dependencies reachable).
 * Adapters get the raw request: no body parser runs before them.
 */
export async function startHttpServer(options: {
  port: number;
  host?: string;
  routes: HttpRoute[];
  readiness: ReadinessCheck;
  logger: Logger;
}): Promise<HttpServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await options.readiness().catch((error: unknown) => ({ readiness: String(error) }));
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  for (const route of options.routes) {
    if (route.method === 'MOUNT') {
      const mounted = route.handler;
      app.use(route.path, (req, res, next) => mounted(req, res, next));
      continue;
    }
    const register = route.method === 'GET' ? app.get.bind(app) : app.post.bind(app);
    register(route.path, (req, res, next) => {
      Promise.resolve(route.handler(req, res)).catch(next);
    });
  }
  app.use((_req: express.Request, res: express.Response) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    options.logger.error({ err: error }, 'http handler failed');
    if (!res.headersSent) res.status(500).json({ error: 'internal error' });
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, 'http server listening');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
