import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { ChannelsRepo } from '../../src/db/channels-repo.ts';
import { createTestDb } from '../helpers/db.ts';

const test = createTestDb('cli-channels-people');
afterAll(() => test.cleanup());

async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const code = await main(['node', 'papers', ...args], { out: (t) => (stdout += `${t}\n`), err: () => {}, isTty: false }, { DATABASE_URL: `file:${test.path}`, LOG_LEVEL: 'silent' });
  return { code, stdout };
}

describe('papers channels with personal alerts', () => {
  it("lists a person's alerts as their direct messages, beside the chat channels", async () => {
    const repo = new ChannelsRepo(test.db);
    const schedule = { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' } as const;
    const { channel } = repo.enrol({ platform: 'slack', workspaceId: 'T1', channelId: 'C-team' }, schedule);
    repo.addTopic(channel.id, 'agents');
    const { channel: person } = repo.enrol({ platform: 'discord', workspaceId: '@me', channelId: '700000000000000001', kind: 'person' }, schedule);
    repo.addTopic(person.id, 'diffusion');
    const table = await cli(['channels']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/slack\s+T1\/C-team\s.*agents/);
    expect(table.stdout).toMatch(/discord\s+DMs of 700000000000000001 \(alerts\)\s.*diffusion/);
    const json = JSON.parse((await cli(['channels', '--json'])).stdout) as { kind: string; channelId: string; topics: string[] }[];
    expect(json.map((c) => [c.kind, c.channelId, c.topics])).toEqual([
      ['channel', 'C-team', ['agents']],
      ['person', '700000000000000001', ['diffusion']],
    ]);
  });
});
