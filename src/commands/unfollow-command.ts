import { UsageError } from '../errors.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';
import { findPerson, settlePerson } from './person-state.ts';
import { pickTopic } from './unsubscribe-command.ts';

const YOU = { counts: 'you follow', lacks: 'You do not follow' };

export const unfollowCommand = {
  name: 'unfollow',
  description: 'Stop following one of your own topics (by name or number), or all of them.',
  usage: { wording: 'unfollowUsage' },
  manages: false,
  async run(req, env) {
    const arg = freeText(req, 'topic');
    const usage = worded(req, 'unfollowUsage');
    if (arg === '') throw new UsageError('Tell me which topic to stop following.', usage);
    const person = await findPerson(req, env);
    const topics = person ? await env.ctx.stores.channels.topics(person.id) : [];
    if (!person || topics.length === 0) return { kind: 'text', visibility: 'ephemeral', title: 'Nothing followed', lines: ['You follow nothing, so there was nothing to stop.'] };
    let removed: string;
    if (arg.toLowerCase() === 'all') {
      const n = await env.ctx.stores.channels.removeAllTopics(person.id, req.userId);
      removed = `Stopped following all ${n} topic${n === 1 ? '' : 's'}.`;
    } else {
      const topic = pickTopic(topics, arg, usage, YOU);
      await env.ctx.stores.channels.removeTopic(topic.id, req.userId);
      removed = `Stopped following "${clip(topic.query, 100)}".`;
    }
    await settlePerson(person, env, req.userId, false);
    const left = (await env.ctx.stores.channels.topicQueries(person.id)).length;
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: 'Unfollowed',
      lines: [removed, left === 0 ? 'You follow nothing now: no more alerts come to you.' : `You still follow ${left} topic${left === 1 ? '' : 's'}.`],
    };
  },
} satisfies Command;
