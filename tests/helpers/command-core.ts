import { DISCORD_WORDING } from '../../adapters/discord/discord-wording.ts';
import { parseCommandText } from '../../adapters/slack/slack-command-text.ts';
import { SLACK_WORDING } from '../../adapters/slack/slack-wording.ts';
import { createCommandCore, type CommandCore } from '../../src/commands/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createContext, type SqliteContext } from '../../src/context.ts';
import type { CommandReply, CommandRequest } from '../../src/core/commands.ts';
import type { Channel, Platform } from '../../src/core/types.ts';
import type { Logger } from '../../src/logger.ts';
import { silentLogger } from '../../src/logger.ts';
import { createTestDb } from './db.ts';

/** The real command core on a fresh, migrated SQLite file, with a recording scheduler. */
export interface CoreHarness {
  ctx: SqliteContext;
  core: CommandCore;
  /** Every channel the core told the scheduler about, in order. */
  changed: Channel[];
  /** A channel id no other request of this harness used. */
  freshChannel(): string;
  /** Runs Slack-style text (`schedule 09:00 weekly fri`) as the given caller and channel. */
  run(text: string, overrides?: Partial<CommandRequest>): Promise<CommandReply>;
  request(overrides?: Partial<CommandRequest>): CommandRequest;
  channelOf(channelId: string, platform?: Platform): Channel | undefined;
  close(): void;
}

export function createCoreHarness(options: { label?: string; now?: Date; env?: Record<string, string>; logger?: Logger } = {}): CoreHarness {
  const testDb = createTestDb(options.label ?? 'core');
  const now = options.now ?? new Date('2025-03-12T15:00:00Z');
  const ctx = createContext(loadConfig({ DEFAULT_TIMEZONE: 'UTC', DEFAULT_DIGEST_TIME: '09:00', ...options.env }), options.logger ?? silentLogger(), {
    db: testDb.db,
    clock: { now: () => now },
  });
  const changed: Channel[] = [];
  const core = createCommandCore({ ctx, schedules: { channelChanged: async (c) => void changed.push(c) } });
  let seq = 0;
  // Each platform's adapter puts its wording on the requests it builds; so does this harness.
  const wordingOf = (platform: Platform | undefined) => (platform === 'discord' ? DISCORD_WORDING : platform === undefined || platform === 'slack' ? SLACK_WORDING : undefined);
  const request = (overrides: Partial<CommandRequest> = {}): CommandRequest => {
    const wording = wordingOf(overrides.platform);
    return {
      platform: 'slack',
      workspaceId: 'T1',
      channelId: 'C-default',
      userId: 'U1',
      name: 'help',
      text: '',
      canManage: true,
      ...(wording ? { wording } : {}),
      ...overrides,
    };
  };
  return {
    ctx,
    core,
    changed,
    freshChannel: () => `C${++seq}`,
    request,
    run: (text, overrides = {}) => core.handle(request({ ...parseCommandText(text), ...overrides })),
    channelOf: (channelId, platform = 'slack') => ctx.channels.find({ platform, workspaceId: 'T1', channelId }),
    close: () => {
      ctx.close();
      testDb.cleanup();
    },
  };
}

/** A reply as plain text: title, lines or note, papers' titles, or the error and its usage. */
export function textOf(reply: CommandReply): string {
  switch (reply.kind) {
    case 'text':
      return [reply.title ?? '', ...reply.lines].join('\n');
    case 'papers':
      return [reply.title, reply.note ?? '', ...reply.papers.map((p) => p.title)].join('\n');
    case 'digest':
      return [reply.title, reply.digest.note ?? '', reply.digest.notice ?? '', ...reply.digest.papers.map((p) => p.title)].join('\n');
    case 'error':
      return `${reply.message}\n${reply.usage ?? ''}`;
  }
}
