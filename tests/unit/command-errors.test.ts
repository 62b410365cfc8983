import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createCommandCore } from '../../src/commands/index.ts';
import { createLogger } from '../../src/logger.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const lines: string[] = [];
const stream = new PassThrough();
stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter((l) => l !== '')));
const h = createCoreHarness({ label: 'command-errors', logger: createLogger({ level: 'info', destination: stream }) });
afterAll(() => h.close());

describe('an unexpected failure in a command', () => {
  it('tells the user a plain sentence with a short error id that the log line carries, never the raw error text', async () => {
    const broken = createCommandCore({
      ctx: h.ctx,
      planner: { plan: () => { throw new Error('NOT NULL constraint failed: channels.channel_id'); } },
      schedules: { channelChanged: async () => {} },
    });
    const reply = await broken.handle(h.request({ name: 'today', channelId: h.freshChannel() }));
    expect(reply.kind).toBe('error');
    const text = textOf(reply);
    expect(text).not.toContain('NOT NULL');
    expect(text).not.toContain('channels.channel_id');
    expect(text).toContain('Something went wrong on our side running /papers today');
    const id = /error id ([0-9a-f]{8})\b/.exec(text)?.[1];
    expect(id).toBeDefined();
    await new Promise((r) => setImmediate(r));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'command failed');
    expect(logged).toMatchObject({ errorId: id, command: 'today', level: 50 });
    expect(JSON.stringify(logged)).toContain('NOT NULL constraint failed');
  });
});
