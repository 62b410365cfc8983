import type { Command } from './command.ts';
import { worded } from './command-wording.ts';
import { describeAlerts, failingLine, findPerson } from './person-state.ts';

export const followingCommand = {
  name: 'following',
  description: 'List the topics and authors you follow yourself, numbered, and when your alerts come.',
  usage: '/papers following',
  manages: false,
  async run(req, env) {
    const usage = worded(req, 'followUsage');
    const person = await findPerson(req, env);
    const topics = person ? await env.ctx.stores.channels.topics(person.id) : [];
    const failing = person ? failingLine(person, usage) : undefined;
    if (!person || topics.length === 0) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'You follow nothing',
        lines: ['Follow a topic or an author and matching papers come to you by direct message:', usage, ...(failing ? [failing] : [])],
      };
    }
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: `You follow ${topics.length} topic${topics.length === 1 ? '' : 's'}`,
      lines: [...topics.map((t, i) => `${i + 1}. ${t.query}`), failing ?? `Alerts come ${describeAlerts(person)}.`],
    };
  },
} satisfies Command;
