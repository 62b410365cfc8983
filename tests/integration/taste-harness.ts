import { createSlackAdapter } from '../../adapters/slack/slack-adapter.ts';
import { SLACK_WORDING } from '../../adapters/slack/slack-wording.ts';
import { parseCommandText } from '../../adapters/slack/slack-command-text.ts';
import { createPapersApp, type PapersApp } from '../../src/app/papers-app.ts';
import { createPapersWork } from '../../src/app/papers-work.ts';
import type { DigestOutcome } from '../../src/app/digest-runner.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import { noScheduleSync, type ChatPlatform } from '../../src/core/ports.ts';
import type { Channel, Paper } from '../../src/core/types.ts';
import { silentLogger } from '../../src/logger.ts';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { textOf } from '../helpers/command-core.ts';
import { createTestDb } from '../helpers/db.ts';
import { ingestRecordedDays } from '../helpers/search-day.ts';
import { makePaper } from '../helpers/papers.ts';

/** The recorded Hugging Face feed day. */
export const FIXTURE_DAY = '2025-03-17';
/** The day after it, written for these tests (see {@link nextDayPapers}). */
export const NEXT_DAY = '2025-03-18';

/**
 * The feed day after the recorded one: two diffusion papers with few upvotes, a scaling-law paper like the
 * recorded day's "Scaling Laws for Neural Language Models", and others, more upvoted.
 */
export function nextDayPapers(): Paper[] {
  const p = (id: string, title: string, abstract: string, upvotes: number) => makePaper({ id, title, abstract, upvotes, aiKeywords: [] });
  return [
    p('2503.11001', 'Scaling Laws for Mixture-of-Experts Language Models', 'We find power laws relating the loss of mixture-of-experts language models to model size, dataset size and the compute budget.', 180),
    p('2503.11002', 'A Theory of In-Context Learning in Transformers', 'We prove that attention layers can implement gradient descent on the examples given in the prompt.', 150),
    p('2503.11003', 'Web Agents That Plan with Tool Calls', 'Agents browse websites and call tools, planning several steps ahead to answer questions.', 120),
    p('2503.11004', 'Long-Context Retrieval for Question Answering', 'Retrieval over million-token contexts improves open-domain question answering.', 95),
    p('2503.11005', 'Efficient Code Generation with Small Models', 'Small models trained on curated code match larger ones on programming benchmarks.', 70),
    p('2503.11006', 'One-Step Image Synthesis with Consistency Diffusion Models', 'We distil a latent diffusion model into a one-step generator for high-resolution image synthesis, keeping the quality of iterative denoising.', 40),
    p('2503.11007', 'Video Generation with Latent Diffusion Transformers', 'A latent diffusion model with a transformer denoiser generates high-resolution video; denoising in the latent space keeps it fast.', 25),
    p('2503.11008', 'Speech Recognition for Low-Resource Languages', 'Self-supervised speech representations help recognition where little labelled audio exists.', 15),
  ];
}

/** The real app on a fresh SQLite file with a clock the test moves, the real digest and delivery use cases, and a fake Slack. */
export interface TasteHarness {
  ctx: SqliteContext;
  app: PapersApp;
  slack: FakeSlackApi;
  setNow(iso: string): void;
  ingestFixtureDay(): Promise<void>;
  seedDay(day: string, papers: Paper[]): void;
  /** Runs Slack-style text (`why 2112.10752`) in a channel as a person who may manage it (unless told otherwise). */
  command(channelId: string, text: string, overrides?: Partial<CommandRequest>): Promise<CommandReply>;
  text(channelId: string, text: string, overrides?: Partial<CommandRequest>): Promise<string>;
  channel(channelId: string): Channel;
  /** The digest use case for the channel, then one delivery attempt of what it wrote, as the deliver job makes it. */
  digest(channelId: string): Promise<DigestOutcome>;
  close(): Promise<void>;
}

export const WORKSPACE = 'T0TASTE';

export async function createTasteHarness(label: string): Promise<TasteHarness> {
  const testDb = createTestDb(label);
  let now = new Date(`${FIXTURE_DAY}T15:00:00Z`);
  const ctx = createContext(loadConfig({ DEFAULT_TIMEZONE: 'UTC', DEFAULT_DIGEST_TIME: '09:00', LOG_LEVEL: 'silent' }), silentLogger(), { db: testDb.db, clock: { now: () => now } });
  const slack = await FakeSlackApi.start({ botToken: 'xoxb-test' });
  const app = createPapersApp({ ctx, schedules: noScheduleSync });
  const chat: ChatPlatform = createSlackAdapter({ papers: app, logger: silentLogger() }, { botToken: 'xoxb-test', signingSecret: 'secret', apiUrl: slack.apiUrl, adminsOnly: false }).chat;
  const work = createPapersWork(ctx);
  const enqueued: string[] = [];
  const runDigest = work.digestRunner({ enqueueDelivery: async (_platform, id) => void enqueued.push(id), removeSchedule: async () => {} });
  const deliverer = work.deliverer(work.channelService(noScheduleSync));
  const request = (channelId: string, text: string, overrides: Partial<CommandRequest> = {}): CommandRequest => ({
    platform: 'slack',
    workspaceId: WORKSPACE,
    channelId,
    userId: 'U0MANAGER',
    canManage: true,
    wording: SLACK_WORDING,
    ...parseCommandText(text),
    ...overrides,
  });
  const harness: TasteHarness = {
    ctx,
    app,
    slack,
    setNow: (iso) => void (now = new Date(iso)),
    async ingestFixtureDay() {
      await ingestRecordedDays(ctx.db, [{ day: FIXTURE_DAY, file: 'tests/fixtures/hf-daily-2025-03-17.json' }]);
      ctx.planner.invalidate();
    },
    seedDay(day, papers) {
      ctx.papers.upsertPage(papers, papers.map((p, rank) => ({ paperId: p.id, feedDay: day, rank, upvotes: p.upvotes })));
      ctx.planner.invalidate();
    },
    command: (channelId, text, overrides) => app.command(request(channelId, text, overrides)),
    text: async (channelId, text, overrides) => textOf(await app.command(request(channelId, text, overrides))),
    channel: (channelId) => ctx.channels.find({ platform: 'slack', workspaceId: WORKSPACE, channelId })!,
    async digest(channelId) {
      const outcome = await runDigest(harness.channel(channelId).id, 'test');
      for (const id of enqueued.splice(0)) {
        const opened = await deliverer.open(id);
        if ('done' in opened) continue;
        await deliverer.attempt(chat, opened.delivery, opened.target, { isLastAttempt: true, attempts: 1 }).catch(() => undefined);
      }
      return outcome;
    },
    async close() {
      await slack.close();
      ctx.close();
      testDb.cleanup();
    },
  };
  return harness;
}
