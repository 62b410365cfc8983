import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TOPICS_PER_CHANNEL } from '../../src/db/channels-repo.ts';
import { TopicLimitError } from '../../src/errors.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';

const h = createCoreHarness({ label: 'topic-cap' });
afterAll(() => h.close());

describe('the topic cap', () => {
  it('stores 25 topics when 100 subscribes to one channel run in parallel', async () => {
    const channelId = h.freshChannel();
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => h.run(`subscribe topic${i}`, { channelId, userId: `U${i}` })),
    );
    const channel = h.channelOf(channelId)!;
    expect(MAX_TOPICS_PER_CHANNEL).toBe(25);
    expect(h.ctx.channels.topics(channel.id)).toHaveLength(25);
    const refused = replies.filter((r) => r.kind === 'error');
    expect(refused).toHaveLength(75);
    expect(textOf(refused[0]!)).toContain('already follows 25 topics');
  });

  it('still answers "already follows" for a topic the full channel has', () => {
    const channelId = h.freshChannel();
    const { channel } = h.ctx.channels.enrol({ platform: 'slack', workspaceId: 'T1', channelId }, { time: '09:00', cadence: 'daily', weekday: null, timeZone: 'UTC' });
    for (let i = 0; i < 25; i += 1) h.ctx.channels.addTopic(channel.id, `t${i}`);
    expect(h.ctx.channels.addTopic(channel.id, 't3').created).toBe(false);
    expect(() => h.ctx.channels.addTopic(channel.id, 'one more')).toThrow(TopicLimitError);
  });
});
