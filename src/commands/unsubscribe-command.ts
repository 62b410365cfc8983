import type { Subscription } from '../core/types.ts';
import { UsageError } from '../errors.ts';
import { cleanQueryText } from '../search/query.ts';
import { findChannel } from './channel-state.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

/** How a topic list's owner is named in errors: a channel, or the person asking. */
export interface TopicOwner {
  /** "this channel has" / "you follow" (followed by a count). */
  counts: string;
  /** "This channel does not follow" / "You do not follow". */
  lacks: string;
}

const CHANNEL_OWNER: TopicOwner = { counts: 'this channel has', lacks: 'This channel does not follow' };

/** The topic `arg` names: its 1-based number, or the topic itself (as cleaned); throws UsageError with the list. */
export function pickTopic(topics: Subscription[], arg: string, usage: string, owner: TopicOwner = CHANNEL_OWNER): Subscription {
  if (/^\d+$/.test(arg)) {
    const found = topics[Number(arg) - 1];
    if (!found) throw new UsageError(`There is no topic number ${clip(arg)}; ${owner.counts} ${topics.length}.`, `${usage}\n${listing(topics)}`);
    return found;
  }
  const wanted = cleanQueryText(arg).toLowerCase();
  const found = topics.find((t) => t.query.toLowerCase() === wanted);
  if (!found) throw new UsageError(`${owner.lacks} "${clip(arg, 100)}".`, `${usage}\n${listing(topics)}`);
  return found;
}

/** Topics numbered from 1, one a line. */
export function listing(topics: Subscription[]): string {
  return topics.map((t, i) => `${i + 1}. ${t.query}`).join('\n');
}

export const unsubscribeCommand = {
  name: 'unsubscribe',
  description: 'Stop following a topic (by name or number), or all of them.',
  usage: { wording: 'unsubscribeUsage' },
  manages: true,
  async run(req, env) {
    const arg = freeText(req, 'topic');
    const usage = worded(req, 'unsubscribeUsage');
    if (arg === '') throw new UsageError('Tell me which topic to remove.', usage);
    const channel = await findChannel(req, env);
    const topics = channel ? await env.ctx.stores.channels.topics(channel.id) : [];
    if (!channel || topics.length === 0) {
      return { kind: 'text', visibility: 'ephemeral', title: 'No topics', lines: ['This channel follows no topics, so there was nothing to remove.'] };
    }
    if (arg.toLowerCase() === 'all') {
      const removed = await env.ctx.stores.channels.removeAllTopics(channel.id, req.userId);
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'Topics removed',
        lines: [`Removed all ${removed} topic${removed === 1 ? '' : 's'} from this channel.`, 'Its digest now brings the day\'s top papers.'],
      };
    }
    const topic = pickTopic(topics, arg, usage);
    await env.ctx.stores.channels.removeTopic(topic.id, req.userId);
    const left = topics.length - 1;
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: 'Topic removed',
      lines: [
        `Removed the topic "${clip(topic.query, 100)}" from this channel.`,
        left === 0 ? "No topics are left: its digest now brings the day's top papers." : `${left} topic${left === 1 ? '' : 's'} left.`,
      ],
    };
  },
} satisfies Command;
