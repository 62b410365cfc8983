import { describeSchedule, findChannel } from './channel-state.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

export const topicsCommand = {
  name: 'topics',
  description: "List this channel's topics and when its digest is posted.",
  usage: '/papers topics',
  manages: false,
  async run(req, env) {
    const channel = await findChannel(req, env);
    if (!channel) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'No topics',
        lines: ['This channel gets no digests and follows no topics yet.', worded(req, 'startHint')],
      };
    }
    const topics = await env.ctx.stores.channels.topics(channel.id);
    const schedule = `Digest: ${describeSchedule(channel.schedule)}${channel.paused ? ', paused' : ''}.`;
    if (topics.length === 0) {
      return { kind: 'text', visibility: 'ephemeral', title: 'No topics', lines: ["This channel follows no topics: its digest brings the day's top papers.", schedule] };
    }
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: `This channel follows ${topics.length} topic${topics.length === 1 ? '' : 's'}`,
      lines: [...topics.map((t, i) => `${i + 1}. ${t.query}`), schedule],
    };
  },
} satisfies Command;
