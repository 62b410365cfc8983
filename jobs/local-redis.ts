import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { Config } from '../src/config.ts';
import { describeError } from '../src/errors.ts';
import type { Logger } from '../src/logger.ts';
import { assertRedisReachable, RedisUnreachableError } from './redis-connection.ts';

/** How to get `redis-server`, one line per way (Debian/Ubuntu, macOS, Docker). */
export const INSTALL_REDIS_LINES = [
  '  Debian/Ubuntu: sudo apt-get install redis-server',
  '  macOS:         brew install redis',
  '  Docker:        docker run -d -p 127.0.0.1:6379:6379 redis:7',
];

export interface LocalRedisOptions {
  /** Port on 127.0.0.1 (it listens on loopback only). */
  port: number;
  /** Data directory, created when missing; `redis.log` is written there too. */
  dir: string;
  /** `appendonly yes`, so queued work survives a restart; off for throwaway test servers. */
  persistent: boolean;
  /** How long to wait for the first PING answer (ms). */
  readyTimeoutMs?: number;
  /** The executable, looked up on the PATH. */
  binary?: string;
}

/** `redis-server` is not on the PATH. */
export class RedisServerMissingError extends Error {}

/** A `redis-server` child process of ours. The process exit hook stops it should we exit without {@link stop}. */
export class LocalRedis {
  private readonly exitHook = () => this.child.kill('SIGTERM');

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dir: string,
  ) {
    process.once('exit', this.exitHook);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Spawns `redis-server` and resolves once it answers PING. Rejects with {@link RedisServerMissingError}
   * when there is no binary, or an error carrying the last line of its log when it exits or stays silent.
   * Its own process group: a Ctrl-C in the terminal reaches the bot, which drains its work, then stops it.
   */
  static async start(options: LocalRedisOptions): Promise<LocalRedis> {
    const dir = resolve(options.dir);
    const created = mkdirSync(dir, { recursive: true });
    const logFile = join(dir, 'redis.log');
    const args = ['--port', String(options.port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', logFile];
    args.push('--daemonize', 'no', '--save', '', '--appendonly', options.persistent ? 'yes' : 'no');
    const child = spawn(options.binary ?? 'redis-server', args, { stdio: 'ignore', detached: true });
    let failure: Error | undefined;
    child.on('error', (error: NodeJS.ErrnoException) => {
      failure ??= error.code === 'ENOENT' ? new RedisServerMissingError('redis-server is not on the PATH') : error;
    });
    child.once('exit', (code, signal) => {
      failure ??= new Error(`redis-server exited (${signal ?? `code ${code}`}): ${lastLogLine(logFile)}`);
    });
    const url = `redis://127.0.0.1:${options.port}`;
    const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
    while (!failure) {
      if (await answers(url, 500)) return new LocalRedis(child, options.port, dir);
      if (Date.now() > deadline) {
        failure = new Error(`redis-server did not answer on ${url} within ${options.readyTimeoutMs ?? 10_000} ms`);
        child.kill('SIGKILL');
      } else await new Promise((r) => setTimeout(r, 50));
    }
    if (failure instanceof RedisServerMissingError && created) rmSync(created, { recursive: true, force: true });
    throw failure;
  }

  /** SIGTERM (Redis flushes its append-only file and exits), SIGKILL after `timeoutMs`; resolves once it is gone. */
  async stop(timeoutMs = 10_000): Promise<void> {
    process.removeListener('exit', this.exitHook);
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** The Redis `npm start` runs on: its URL, and `stop` for the private one (a no-op otherwise). */
export interface ProvidedRedis {
  url: string;
  stop(): Promise<void>;
  /** Set when we started it. */
  local?: LocalRedis;
}

/**
 * `REDIS_URL` set: that Redis, never anything started (an unreachable one fails later, in one line).
 * Unset: the Redis on 127.0.0.1:`LOCAL_REDIS_PORT` when it answers, otherwise a private `redis-server` on that
 * port (or a free one when the port is taken), data in `redis/` beside the database file, `appendonly yes`.
 * Throws {@link RedisUnreachableError} saying how to get Redis when it cannot start one.
 */
export async function provideRedis(config: Pick<Config, 'redis' | 'localRedis' | 'databasePath'>, logger: Logger): Promise<ProvidedRedis> {
  const url = config.redis.url;
  if (!config.localRedis || (await answers(url, 1_000))) return { url, stop: async () => {} };
  const dir = localRedisDir(config.databasePath);
  const port = (await isPortFree(config.localRedis.port)) ? config.localRedis.port : await freePort();
  const local = await LocalRedis.start({ port, dir, persistent: true }).catch((error: unknown) => {
    throw startFailure(url, dir, error);
  });
  logger.info(
    { url: local.url, pid: local.pid, dir },
    `no Redis answered at ${url}: started a private redis-server ${local.url === url ? 'there' : `at ${local.url}`} ` +
      `(data in ${dir}, stops with the bot; to use your own Redis, set REDIS_URL)`,
  );
  return { url: local.url, stop: () => local.stop(), local };
}

/** `redis/` beside the database file (`./data/redis` for the default database and for `:memory:`). */
export function localRedisDir(databasePath: string): string {
  return join(databasePath === ':memory:' ? './data' : dirname(databasePath), 'redis');
}

function startFailure(url: string, dir: string, error: unknown): RedisUnreachableError {
  if (error instanceof RedisServerMissingError) {
    return new RedisUnreachableError(
      url,
      error,
      `No Redis answers at ${url} and redis-server is not on the PATH, so the bot cannot start its own. ` +
        `Install it, or set REDIS_URL to a Redis you run:\n${INSTALL_REDIS_LINES.join('\n')}`,
    );
  }
  return new RedisUnreachableError(
    url,
    error,
    `No Redis answers at ${url} and the bot's own redis-server did not start: ${describeError(error)} ` +
      `(log: ${join(dir, 'redis.log')}). Set REDIS_URL to a Redis you run.`,
  );
}

async function answers(url: string, timeoutMs: number): Promise<boolean> {
  return assertRedisReachable(url, timeoutMs).then(
    () => true,
    () => false,
  );
}

function lastLogLine(logFile: string): string {
  if (!existsSync(logFile)) return 'no log';
  const lines = readFileSync(logFile, 'utf8').trim().split('\n');
  return (lines.at(-1) ?? '').replace(/^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [*#.-] /, '') || 'empty log';
}

/** Whether `port` on 127.0.0.1 can be bound right now. */
export async function isPortFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolvePort) => {
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
