import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_REDIS_URL } from './redis.ts';
import { closeServer, listenLocal } from './net.ts';

export interface Held {
  path: string;
  status: number;
  body: string;
}

/**
 * Stands between the worker and a fake platform. While holding, a matching request is forwarded (the
 * platform accepts and stores the message) but its answer is kept back, so the worker never learns it
 * was posted; the test then kills the worker. Everything else passes straight through.
 */
export class HoldingProxy {
  readonly held: Held[] = [];
  holding = true;
  /** How many matching requests still pass through before holding starts (to kill between the parts of a digest). */
  passFirst = 0;
  private server: Server | undefined;

  constructor(private readonly target: string, private readonly matches: (method: string, path: string) => boolean) {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await listenLocal(this.server!);
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = new URL(req.url ?? '/', this.target);
    const upstream = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
      const out = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        const parts: Buffer[] = [];
        answer.on('data', (d: Buffer) => parts.push(d));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts).toString('utf8') }));
      });
      out.on('error', reject);
      out.end(Buffer.concat(chunks));
    });
    const matching = this.matches(req.method ?? 'GET', target.pathname);
    if (this.holding && matching && this.passFirst > 0) this.passFirst -= 1;
    else if (this.holding && matching) {
      this.held.push({ path: target.pathname, status: upstream.status, body: upstream.body });
      return; // accepted upstream; the worker never hears back
    }
    res.writeHead(upstream.status, upstream.headers).end(upstream.body);
  }
}

/** Where a crash-test worker process works: its database, queue prefix and the (proxied) platform APIs. */
export interface WorkerProcessOptions {
  dbPath: string;
  prefix: string;
  slackApiUrl: string;
  discordApiUrl: string;
  /** Every child started is pushed here, for the test to kill at the end. */
  children: ChildProcess[];
}

/** Starts tests/fixtures/jobs-worker-process.ts (tokens `xoxb-test`, `discord-test-token`) and waits for its "ready". */
export async function spawnWorker(options: WorkerProcessOptions): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/jobs-worker-process.ts'], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: `file:${options.dbPath}`,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: options.prefix,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: options.slackApiUrl,
      DISCORD_TOKEN: 'discord-test-token',
      DISCORD_API_URL: options.discordApiUrl,
      LOG_LEVEL: 'silent',
    },
  });
  options.children.push(child);
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)));
  });
  return child;
}
