import { callerTimeZone, describeSchedule, ensureEnrolled, findChannel } from './channel-state.ts';
import { hasOptions, parseSchedule, SCHEDULE_OPTIONS, SCHEDULE_USAGE } from './command-args.ts';
import type { CommandRequest } from '../core/commands.ts';
import type { Command } from './command.ts';

export const scheduleCommand = {
  name: 'schedule',
  description: "Set when this channel's digest is posted (time, cadence, time zone).",
  usage: SCHEDULE_USAGE,
  manages: (req) => !showsOnly(req),
  async run(req, env) {
    if (showsOnly(req)) {
      const current = findChannel(req, env);
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'Digest schedule',
        lines: [
          current ? `This channel's digest is posted ${describeSchedule(current.schedule)}${current.paused ? ' (paused)' : ''}.` : 'This channel gets no digests yet.',
          `To change it: ${SCHEDULE_USAGE}`,
        ],
      };
    }
    const schedule = parseSchedule(req, callerTimeZone(req, env));
    const { channel: enrolled, created } = await ensureEnrolled(req, env);
    const before = enrolled.schedule;
    const channel = env.ctx.channels.update(enrolled.id, { schedule }, req.userId);
    await env.schedules.channelChanged(channel);
    const lines = created
      ? [`This channel is now enrolled: its digest will be posted ${describeSchedule(schedule)}.`, "With no topics it brings the day's top papers; add some with /papers subscribe <topic>."]
      : [`Digest schedule changed from ${describeSchedule(before)} to ${describeSchedule(schedule)}.`];
    if (channel.paused) lines.push('Digests are paused in this channel: /papers resume starts them again.');
    return { kind: 'text', visibility: 'ephemeral', title: 'Schedule updated', lines };
  },
} satisfies Command;

function showsOnly(req: CommandRequest): boolean {
  return req.text.trim() === '' && !hasOptions(req, SCHEDULE_OPTIONS);
}
