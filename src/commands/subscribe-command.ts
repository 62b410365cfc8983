import { addDays, feedDayAt } from '../core/time.ts';
import { UsageError } from '../errors.ts';
import { toPaperView } from '../format/paper-view.ts';
import { cleanQueryText, QUERY_SYNTAX_HELP } from '../search/query.ts';
import { ensureEnrolled, findChannel } from './channel-state.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';

export const MAX_TOPIC_LENGTH = 200;
/** Topics per channel (Discord autocomplete shows at most 25 choices). */
export const MAX_TOPICS = 25;
const PREVIEW_DAYS = 7;
const PREVIEW_PAPERS = 5;

const USAGE = `/papers subscribe <topic>\ne.g. /papers subscribe "diffusion models" OR "flow matching"\n${QUERY_SYNTAX_HELP}`;

/** Cleans and validates a topic (a query in our syntax); throws UsageError with the reason. */
export function validateTopic(raw: string, compile: (text: string) => unknown): string {
  const topic = cleanQueryText(raw);
  if (topic === '') throw new UsageError('Tell me which topic to follow.', USAGE);
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new UsageError(`That topic is ${topic.length} characters long; keep it under ${MAX_TOPIC_LENGTH}.`, USAGE);
  }
  try {
    compile(topic);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, USAGE);
    throw error;
  }
  return topic;
}

export const subscribeCommand = {
  name: 'subscribe',
  description: "Follow a topic in this channel's digest (a search query); shows what it matched this week.",
  usage: '/papers subscribe <topic>\ne.g. /papers subscribe "diffusion models" OR "flow matching"',
  manages: true,
  async run(req, env) {
    const { ctx, now } = env;
    const topic = validateTopic(freeText(req, 'topic'), (t) => ctx.search.compile(t));
    const existing = findChannel(req, env);
    if (existing && ctx.channels.topics(existing.id).length >= MAX_TOPICS) {
      throw new UsageError(`This channel already follows ${MAX_TOPICS} topics; remove one first.`, '/papers unsubscribe <topic | number | all>');
    }
    const enrolment = await ensureEnrolled(req, env);
    const { created } = ctx.channels.addTopic(enrolment.channel.id, topic);
    const since = addDays(feedDayAt(now), -PREVIEW_DAYS);
    const preview = ctx.search.search(topic, { limit: PREVIEW_PAPERS, listedSince: since });
    const sentences = [
      created ? `Added the topic "${clip(topic, 100)}" to this channel.` : `This channel already follows "${clip(topic, 100)}"; nothing changed.`,
      enrolment.sentence,
      preview.hits.length === 0
        ? `It matched no papers in the last ${PREVIEW_DAYS} days.`
        : `In the last ${PREVIEW_DAYS} days it matched ${preview.approximate ? 'more than ' : ''}${preview.total} paper${preview.total === 1 ? '' : 's'}${preview.total > preview.hits.length ? `; the top ${preview.hits.length}` : ''}:`,
    ].filter((s) => s !== '');
    if (preview.hits.length === 0) return { kind: 'text', visibility: 'ephemeral', title: created ? 'Topic added' : 'Topic unchanged', lines: sentences };
    return {
      kind: 'papers',
      visibility: 'ephemeral',
      title: created ? `Subscribed to "${clip(topic, 100)}"` : `Already subscribed to "${clip(topic, 100)}"`,
      note: sentences.join('\n'),
      papers: preview.hits.map((h) => toPaperView(h.paper, { matchedTopic: topic })),
      shareable: false,
    };
  },
} satisfies Command;
