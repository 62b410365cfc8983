/**
 * The composition root (`npm start`): config -> logger -> context -> jobs (Redis checked first) ->
 * command core -> adapters -> HTTP server -> schedulers and workers -> signals.
 * Also exports the worker-only process that `papers worker` runs.
 */
import type { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Jobs } from '../jobs/index.ts';
import { createDashboardApp } from './app/dashboard-app.ts';
import { createOperatorApp, type OperatorApp } from './app/operator-app.ts';
import { createPapersApp, type PapersApp } from './app/papers-app.ts';
import { createPapersWork } from './app/papers-work.ts';
import { startFirstRun } from './app/first-run.ts';
import { noMetrics, type Metrics } from './core/metrics.ts';
import type { HttpRoute } from './server/http-route.ts';
import type { DashboardAccess } from './web/dashboard-routes.ts';
import { ConfigError, describeError, PapersError } from './errors.ts';
import { loadConfig, loadDotEnv, type Config } from './config.ts';
import { openContext, type AppContext } from './context.ts';
import type { ChatPlatform } from './core/ports.ts';
import type { DumpSummary } from './db/dump/database-dump.ts';
import type { PlatformAdapter } from './server/platform-adapter.ts';
import type { Platform } from './core/types.ts';
import { createConfigLogger, type Logger } from './logger.ts';
import { installProcessGuard } from './process-guard.ts';
import type { HttpServer } from './server/http-server.ts';

/** A running process: `shutdown` stops taking work, finishes what is in flight and closes everything. */
export interface RunningProcess {
  logger: Logger;
  shutdown(options?: { force?: boolean }): Promise<void>;
  /** Set when an HTTP server runs. */
  http?: HttpServer;
}

/**
 * The chat platforms of this build: each turns the config into its adapter, or stays off. A new platform
 * is a folder under `adapters/` and one line here; jobs give every registered platform its own deliver queue.
 * Adapters load only in processes that run them (the CLI's `papers search` never loads Bolt or discord.js).
 */
const PLATFORMS: ((config: Config, deps: AdapterDeps) => Promise<PlatformAdapter | undefined>)[] = [
  async (config, deps) => config.slack && (await import('../adapters/slack/slack-adapter.ts')).createSlackAdapter(deps, config.slack),
  async (config, deps) => config.discord && (await import('../adapters/discord/discord-adapter.ts')).createDiscordAdapter(deps, config.discord),
];

interface AdapterDeps {
  papers: PapersApp;
  logger: Logger;
}

async function openCore(config: Config, logger: Logger, metrics: Metrics = noMetrics): Promise<{ ctx: AppContext; jobs: Jobs; adapters: PlatformAdapter[]; papers: PapersApp }> {
  const ctx = await openContext(config, logger, { metrics });
  let jobs: Jobs;
  try {
    const { openJobs } = await import('../jobs/index.ts');
    jobs = await openJobs({
      work: createPapersWork(ctx, { metrics }),
      redisUrl: config.redis.url,
      prefix: config.redis.prefix,
      ingestCron: config.ingestCron,
      tuning: { lockDurationMs: config.jobLockMs, stalledIntervalMs: config.jobLockMs },
    });
  } catch (error) {
    await ctx.close();
    throw error;
  }
  const { createWiderSearch } = await import('./app/ingest-pipeline.ts');
  const papers = createPapersApp({ ctx, schedules: jobs.scheduleSync, wider: createWiderSearch(ctx) });
  const adapters = (await Promise.all(PLATFORMS.map((create) => create(config, { papers, logger })))).filter((a): a is PlatformAdapter => Boolean(a));
  if (adapters.length === 0) logger.warn('no chat platform configured (SLACK_BOT_TOKEN or SLACK_CLIENT_ID, DISCORD_TOKEN): nothing will be posted');
  return { ctx, jobs, adapters, papers };
}

function platformsOf(adapters: PlatformAdapter[]): Partial<Record<Platform, ChatPlatform>> {
  return Object.fromEntries(adapters.map((a) => [a.name, a.chat]));
}

/** Prometheus metrics and their `GET /metrics` route (loaded only by the process that serves HTTP). */
async function openInstruments(config: Config): Promise<{ metrics: Metrics; route: HttpRoute }> {
  const [{ createPrometheusMetrics }, { metricsRoute }] = await Promise.all([import('./server/prometheus-metrics.ts'), import('./server/metrics-route.ts')]);
  const metrics = createPrometheusMetrics();
  return { metrics, route: metricsRoute(metrics, { adminToken: config.adminToken }) };
}

/**
 * Bull Board at /admin/queues, under the dashboard's access rule (read-only when nobody can sign in). Built on
 * the first request, when every platform's deliver queue exists.
 */
async function queueBoardRoute(jobs: Jobs, access: DashboardAccess): Promise<HttpRoute> {
  const { queueBoard, QUEUE_BOARD_PATH } = await import('../jobs/queue-board.ts');
  let board: ReturnType<typeof queueBoard> | undefined;
  return {
    method: 'MOUNT',
    path: QUEUE_BOARD_PATH,
    handler(req, res, next) {
      if (!access.requireDashboardAccess(req, res, { write: req.method !== 'GET' && req.method !== 'HEAD' })) return;
      board ??= queueBoard(jobs.queues.all(), { readOnly: !access.tokenRequired });
      board(req, res, next);
    },
  };
}

async function ingestRunner(ctx: AppContext): Promise<(now: Date) => Promise<unknown>> {
  const { createIngestor } = await import('./app/ingest-pipeline.ts');
  const ingestor = createIngestor(ctx);
  return (now) => ingestor.ingestRecent(now);
}

/** `papers migrate`: the configured database's schema created or upgraded; resolves to where it is (password hidden). */
export async function migrateConfiguredDatabase(config: Config): Promise<string> {
  const { migrateDatabase } = await import('./db/migrate-database.ts');
  return migrateDatabase(config.database);
}

/** `papers export`: the configured database as a dump, to a file or to `stdout` (src/db/dump). */
export async function exportConfiguredDatabase(config: Config, to: { path?: string; stdout: Writable }): Promise<DumpSummary> {
  const { exportDatabaseTo } = await import('./db/dump/dump-file.ts');
  return exportDatabaseTo(config.database, to);
}

/** `papers import`: a dump file into the configured database, which must be empty (src/db/dump). */
export async function importConfiguredDatabase(config: Config, path: string): Promise<DumpSummary> {
  const { importDatabaseFrom } = await import('./db/dump/dump-file.ts');
  return importDatabaseFrom(config.database, path);
}

/**
 * The operator's application (the CLI): the same context as the bot's, and run-now digests through a
 * short-lived connection to the queues, opened only when asked.
 */
export async function openOperatorApp(config: Config, logger: Logger): Promise<OperatorApp> {
  const ctx = await openContext(config, logger);
  return createOperatorApp({
    ctx,
    trigger: {
      async enqueueDigests(channelIds) {
        const { openDigestTrigger } = await import('../jobs/index.ts');
        return openDigestTrigger(config.redis.url, config.redis.prefix).enqueueDigests(channelIds);
      },
    },
  });
}

/** The whole bot in one process: HTTP server, adapters, schedulers and workers. */
export async function startApp(config: Config, logger: Logger): Promise<RunningProcess> {
  const instruments = await openInstruments(config);
  const { ctx, jobs, adapters, papers } = await openCore(config, logger, instruments.metrics);
  const { startHttpServer } = await import('./server/http-server.ts');
  const { dashboardRoutes, createDashboardAccess } = await import('./web/dashboard-routes.ts');
  const dashboardAccess = createDashboardAccess({ adminToken: config.adminToken });
  const dashboard = dashboardRoutes({ app: createDashboardApp({ ctx, papers }), access: dashboardAccess, logger });
  const http = await startHttpServer({
    port: config.port,
    routes: [...adapters.flatMap((a) => a.routes), ...dashboard, instruments.route, await queueBoardRoute(jobs, dashboardAccess)],
    logger,
    readiness: async () => ({
      redis: await jobs.ping().then(
        () => 'ok',
        (error: unknown) => describeError(error),
      ),
      database: await ctx.database.ping().then(
        () => 'ok',
        (error: unknown) => describeError(error),
      ),
    }),
  });
  for (const adapter of adapters) await adapter.start();
  await jobs.startSchedulers();
  await jobs.startWorkers({ platforms: platformsOf(adapters), ingest: await ingestRunner(ctx) });
  const firstRun = await startFirstRun(ctx, { backfillDays: config.backfillDays });
  logger.info({ port: http.port, platforms: adapters.map((a) => a.name), prefix: config.redis.prefix }, 'papers bot running');
  return {
    logger,
    http,
    async shutdown(options = {}) {
      await Promise.all([jobs.stopWorkers(options), http.close(), firstRun?.stop(), ...adapters.map((a) => a.stop())]);
      await jobs.close(options);
      await ctx.close();
    },
  };
}

/** Workers only (`papers worker`): several such processes may share the queues. No HTTP, no schedules. */
export async function startWorkerProcess(config: Config, logger: Logger): Promise<RunningProcess> {
  const { ctx, jobs, adapters } = await openCore(config, logger);
  await jobs.startWorkers({ platforms: platformsOf(adapters), ingest: await ingestRunner(ctx) });
  logger.info({ platforms: adapters.map((a) => a.name), prefix: config.redis.prefix }, 'papers worker running');
  return {
    logger,
    async shutdown(options = {}) {
      await jobs.close(options);
      await ctx.close();
    },
  };
}

/**
 * SIGTERM/SIGINT: stop taking jobs, finish in-flight ones, close Redis and SQLite, exit 0.
 * A second signal forces the exit (in-flight jobs are picked up again elsewhere once their locks expire).
 */
export function exitOnSignals(running: RunningProcess): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        running.logger.warn({ signal }, 'second signal: forcing exit');
        process.exit(1);
      }
      stopping = true;
      running.logger.info({ signal }, 'shutting down: finishing in-flight work (signal again to force)');
      running.shutdown().then(
        () => {
          running.logger.info('stopped');
          resolve();
        },
        (error: unknown) => {
          running.logger.error({ err: describeError(error) }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/**
 * `papers discord register`: bulk-overwrites the `/papers` command tree through the Discord adapter, composed
 * here so that the CLI, like every entry point, imports no adapter itself.
 */
export async function registerDiscordCommands(options: { apiUrl: string; token: string; applicationId: string; guildId?: string }): Promise<{ scope: string; names: string[]; subcommands: string[] }> {
  const [{ papersCommand }, { registerCommands }] = await Promise.all([
    import('../adapters/discord/command-definitions.ts'),
    import('../adapters/discord/register-commands.ts'),
  ]);
  const result = await registerCommands(options);
  return { scope: result.scope, names: result.names, subcommands: papersCommand.toJSON().options?.map((o) => o.name) ?? [] };
}

/** Loads config, or prints every problem and exits 2. */
export function configOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Reports a start-up failure in one line (Redis: where it looked and how to start one) and exits 1. */
export function failStart(error: unknown): never {
  const line = error instanceof PapersError && error.code === 'REDIS_UNREACHABLE' ? error.message : `papers bot failed to start: ${describeError(error)}`;
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  loadDotEnv();
  const config = configOrExit();
  const logger = createConfigLogger(config);
  installProcessGuard(logger);
  const { provideRedis } = await import('../jobs/local-redis.ts');
  const redis = await provideRedis(config, logger).catch(failStart);
  const running = await startApp({ ...config, redis: { ...config.redis, url: redis.url } }, logger).catch(failStart);
  await exitOnSignals(running);
  await redis.stop();
  process.exit(0);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
