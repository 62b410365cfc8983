import type { CommandRequest } from '../core/commands.ts';
import { TopicLimitError, UsageError } from '../errors.ts';
import { applyScheduleChange, clip, freeText, hasOptions, option, parseScheduleChange, type ScheduleChange } from './command-args.ts';
import type { Command, CommandEnv } from './command.ts';
import { worded } from './command-wording.ts';
import { describeAlerts, ensurePerson, settlePerson } from './person-state.ts';
import { validateTopic } from './subscribe-command.ts';

const PREVIEW_DAYS = 7;
/** The typed options (Discord) that set when one's alerts come. */
const TIME_OPTIONS = ['time', 'timezone'] as const;

/**
 * When the request sets the alerts' time: Discord's `time` / `timezone` options, or Slack's
 * `time <HH:MM> [zone]` (a time starts with a digit, so "time series" stays a topic).
 */
function timeChange(req: CommandRequest, usage: string): ScheduleChange | undefined {
  const wording = { ...req.wording, scheduleUsage: usage };
  if (hasOptions(req, TIME_OPTIONS)) {
    const options = Object.fromEntries(TIME_OPTIONS.flatMap((k) => (option(req, k) === undefined ? [] : [[k, option(req, k)!]])));
    return parseScheduleChange({ ...req, wording, text: '', options });
  }
  if (hasOptions(req, ['topic'])) return undefined;
  const typed = /^time\s+(\d.*)$/i.exec(freeText(req, 'topic'));
  return typed ? parseScheduleChange({ ...req, wording, text: typed[1]!, options: {} }) : undefined;
}

async function addFollow(env: CommandEnv, personId: number, topic: string, req: CommandRequest): Promise<boolean> {
  try {
    return (await env.ctx.stores.channels.addTopic(personId, topic, req.userId)).created;
  } catch (error) {
    if (error instanceof TopicLimitError) throw new UsageError(`You already follow ${error.limit} topics; remove one first.`, worded(req, 'unfollowUsage'));
    throw error;
  }
}

export const followCommand = {
  name: 'follow',
  description: 'Follow a topic or author:name yourself: matching papers come to you by direct message, each once.',
  usage: { wording: 'followUsage' },
  // One's own list: no channel permission needed.
  manages: false,
  async run(req, env) {
    const usage = worded(req, 'followUsage');
    const change = timeChange(req, usage);
    const typedTopic = change ? (option(req, 'topic') ?? '') : freeText(req, 'topic');
    const topic = !change || typedTopic !== '' ? validateTopic(typedTopic, (t) => env.ctx.search.validate(t), usage) : undefined;
    let person = await ensurePerson(req, env);
    const lines: string[] = [];
    if (topic !== undefined) {
      const added = await addFollow(env, person.id, topic, req);
      lines.push(added ? `You now follow "${clip(topic, 100)}".` : `You already follow "${clip(topic, 100)}"; nothing changed.`);
    }
    if (change) {
      const schedule = applyScheduleChange(person.schedule, change, usage);
      person = await env.channels.update(person.id, { schedule }, req.userId);
    }
    const settled = await settlePerson(person, env, req.userId, true);
    person = settled.person;
    if (settled.wasFailing) lines.push('Your alerts were paused because your direct messages could not be reached; they are on again, starting with what they held back.');
    const follows = (await env.ctx.stores.channels.topicQueries(person.id)).length;
    lines.push(
      follows > 0
        ? `Papers matching your ${follows === 1 ? 'follow' : `${follows} follows`} come to you ${describeAlerts(person)}, each paper once.`
        : `You follow nothing yet; once you do, alerts come to you ${describeAlerts(person)}.`,
    );
    if (topic !== undefined) {
      const { recent } = await env.ctx.planner.previewTopic(person, topic, env.now, PREVIEW_DAYS);
      lines.push(recent === 0 ? `It matched no papers in the last ${PREVIEW_DAYS} days.` : `In the last ${PREVIEW_DAYS} days it matched ${recent} paper${recent === 1 ? '' : 's'}.`);
    }
    lines.push('/papers following lists what you follow; /papers unfollow stops one.');
    return { kind: 'text', visibility: 'ephemeral', title: change && topic === undefined ? 'Alert time set' : 'Following', lines };
  },
} satisfies Command;
