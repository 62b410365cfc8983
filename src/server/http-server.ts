import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { HttpRoute } from '../core/ports.ts';
import type { Logger } from '../logger.ts';

/** A request header's value (the first, when it was sent more than once). */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
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
