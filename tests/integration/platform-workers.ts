import { createDeliveryRest, createDiscordChat } from '../../adapters/discord/discord-chat.ts';
import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { createPapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import type { AppContext } from '../../src/context.ts';
import type { ChatPlatform } from '../../src/core/ports.ts';
import { silentLogger } from '../../src/logger.ts';
import { openJobs, type Jobs } from '../../jobs/index.ts';
import { FakeDiscordApi } from '../fakes/discord-api.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { dropPrefix, TEST_REDIS_URL } from '../helpers/redis.ts';
import { FAST_TUNING } from './jobs-harness.ts';

/** The fake Slack and Discord, the jobs on Redis, and deliver workers posting to both fakes. */
export interface PlatformWorkers {
  slack: FakeSlackApi;
  discord: FakeDiscordApi;
  jobs: Jobs;
  platforms: { slack: ChatPlatform; discord: ChatPlatform };
  /** Closes the jobs and the fakes and drops the Redis prefix. */
  close(): Promise<void>;
}

/** Starts both fakes and the jobs with deliver workers for Slack (through its adapter) and Discord on `ctx`. */
export async function startPlatformWorkers(ctx: AppContext, prefix: string): Promise<PlatformWorkers> {
  const discord = new FakeDiscordApi({ botToken: 'test-token' });
  await discord.start();
  const slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  const jobs = await openJobs({ work: createPapersWork(ctx), redisUrl: TEST_REDIS_URL, prefix, ingestCron: '0 0 1 1 *', tuning: FAST_TUNING });
  const commands = createPapersApp({ ctx, schedules: jobs.scheduleSync });
  const slackAdapter = createSlackAdapter({ papers: commands, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false });
  const platforms = { slack: slackAdapter.chat, discord: createDiscordChat({ rest: createDeliveryRest(discord.apiUrl, 'test-token'), logger: silentLogger() }) };
  await jobs.startWorkers({ platforms });
  return {
    slack,
    discord,
    jobs,
    platforms,
    async close() {
      await jobs.close();
      await discord.stop();
      await slack.close();
      await dropPrefix(prefix);
    },
  };
}
