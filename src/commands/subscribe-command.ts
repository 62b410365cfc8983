import { UsageError } from '../errors.ts';
import { cleanQueryText, QUERY_SYNTAX_HELP } from '../search/query.ts';
import { ensureEnrolled } from './channel-state.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';

export const MAX_TOPIC_LENGTH = 200;
const PREVIEW_DAYS = 7;
const PREVIEW_PAPERS = 5;

const USAGE = `/papers subscribe <topic>\ne.g. /papers subscribe "diffusion models" OR "flow matching"\n${QUERY_SYNTAX_HELP}`;

/** Cleans and validates a topic (a query in our syntax); throws UsageError with the reason (and `usage`). */
export function validateTopic(raw: string, compile: (text: string) => unknown, usage: string = USAGE): string {
  const topic = cleanQueryText(raw);
  if (topic === '') throw new UsageError('Tell me which topic to follow.', usage);
  if (topic.length > MAX_TOPIC_LENGTH) {
    throw new UsageError(`That topic is ${topic.length} characters long; keep it under ${MAX_TOPIC_LENGTH}.`, usage);
  }
  try {
    compile(topic);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, usage);
    throw error;
  }
  return topic;
}

export const subscribeCommand = {
  name: 'subscribe',
  description: "Follow a topic in this channel's digest (a search query); shows what it matched this week.",
  usage: { wording: 'subscribeUsage' },
  manages: true,
  async run(req, env) {
    const { ctx, now } = env;
    const topic = validateTopic(freeText(req, 'topic'), (t) => ctx.search.validate(t));
    const enrolment = await ensureEnrolled(req, env);
    const { created } = await ctx.stores.channels.addTopic(enrolment.channel.id, topic, req.userId);
    // The digest's own matcher and order: what the preview shows is what the next digest posts from this topic.
    const preview = await ctx.planner.previewTopic(enrolment.channel, topic, now, PREVIEW_DAYS);
    const picks = preview.plan.view.papers.slice(0, PREVIEW_PAPERS);
    const sentences = [
      created ? `Added the topic "${clip(topic, 100)}" to this channel.` : `This channel already follows "${clip(topic, 100)}"; nothing changed.`,
      enrolment.sentence,
      preview.corrected ? `No paper we have uses some of its words as written, so it matches as "${clip(preview.corrected, 100)}".` : '',
      preview.recent === 0 ? `It matched no papers in the last ${PREVIEW_DAYS} days.` : `In the last ${PREVIEW_DAYS} days it matched ${preview.recent} paper${preview.recent === 1 ? '' : 's'}.`,
      preview.recent > 0 && picks.length === 0 ? 'None of them is new for the next digest (already posted here, or below its minimum upvotes).' : '',
      picks.length > 0 ? `The next digest would post ${picks.length === 1 ? 'this one' : `these ${picks.length}`} from it${preview.plan.picks.length > picks.length ? ' (and more)' : ''}:` : '',
    ].filter((s) => s !== '');
    if (picks.length === 0) return { kind: 'text', visibility: 'ephemeral', title: created ? 'Topic added' : 'Topic unchanged', lines: sentences };
    return {
      kind: 'papers',
      visibility: 'ephemeral',
      title: created ? `Subscribed to "${clip(topic, 100)}"` : `Already subscribed to "${clip(topic, 100)}"`,
      note: sentences.join('\n'),
      papers: picks,
      shareable: false,
    };
  },
} satisfies Command;
