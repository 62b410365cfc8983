// A fan-out bench worker process: `node --import tsx tests/bench/fanout-worker.ts`, configured by environment
// (DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SLACK_API_URL). The same context, jobs and Slack chat as `papers
// worker`, with no global Slack limit (the fake has none). Prints "ready" when taking jobs.
import { createPapersWork } from '../../src/app/papers-work.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { loadConfig } from '../../src/config.ts';
import { openContext } from '../../src/context.ts';
import { createConfigLogger } from '../../src/logger.ts';
import { openJobs } from '../../jobs/index.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' });
const logger = createConfigLogger(config);
const ctx = await openContext(config, logger);
const jobs = await openJobs({
  work: createPapersWork(ctx),
  redisUrl: config.redis.url,
  prefix: config.redis.prefix,
  ingestCron: '0 0 1 1 *',
  tuning: { pacing: { slack: { limiter: { max: 1_000_000, duration: 1_000 } } } },
});
const papers = createPapersApp({ ctx, schedules: jobs.scheduleSync });
const slack = createSlackAdapter({ papers, logger }, config.slack!);
await jobs.startWorkers({ platforms: { slack: slack.chat } });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void jobs.close().then(async () => {
    await ctx.close();
    process.exit(0);
  });
});
