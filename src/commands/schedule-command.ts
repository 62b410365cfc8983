import { defaultSchedule, describeSchedule, ensureEnrolled, findChannel } from './channel-state.ts';
import { applyScheduleChange, hasOptions, parseScheduleChange, SCHEDULE_OPTIONS } from './command-args.ts';
import type { CommandRequest } from '../core/commands.ts';
import type { Schedule } from '../core/types.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

function sameSchedule(a: Schedule, b: Schedule): boolean {
  return a.time === b.time && a.cadence === b.cadence && a.weekday === b.weekday && a.timeZone === b.timeZone;
}

export const scheduleCommand = {
  name: 'schedule',
  description: "Set when this channel's digest is posted (time, cadence, time zone); only what you name changes.",
  usage: { wording: 'scheduleUsage' },
  manages: (req) => !showsOnly(req),
  async run(req, env) {
    const usage = worded(req, 'scheduleUsage');
    const current = await findChannel(req, env);
    if (showsOnly(req)) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'Digest schedule',
        lines: [
          current ? `This channel's digest is posted ${describeSchedule(current.schedule)}${current.paused ? ' (paused)' : ''}.` : 'This channel gets no digests yet.',
          `To change it: ${usage}`,
        ],
      };
    }
    // A change touches only what it names: the caller's zone and the default time count only for a new channel.
    const schedule = applyScheduleChange(current?.schedule ?? defaultSchedule(req, env), parseScheduleChange(req), usage);
    const { channel: enrolled, created } = await ensureEnrolled(req, env);
    const before = enrolled.schedule;
    const channel = await env.channels.update(enrolled.id, { schedule }, req.userId);
    const lines = created
      ? [`This channel is now enrolled: its digest will be posted ${describeSchedule(schedule)}.`, "With no topics it brings the day's top papers; add some with /papers subscribe."]
      : sameSchedule(before, schedule)
        ? [`This channel's digest is already posted ${describeSchedule(schedule)}; nothing changed.`]
        : [`Digest schedule changed from ${describeSchedule(before)} to ${describeSchedule(schedule)}.`];
    if (channel.paused) lines.push('Digests are paused in this channel: /papers resume starts them again.');
    return { kind: 'text', visibility: 'ephemeral', title: 'Schedule updated', lines };
  },
} satisfies Command;

function showsOnly(req: CommandRequest): boolean {
  return req.text.trim() === '' && !hasOptions(req, SCHEDULE_OPTIONS);
}
