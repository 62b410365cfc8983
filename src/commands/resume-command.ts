import { describeSchedule, findChannel } from './channel-state.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

export const resumeCommand = {
  name: 'resume',
  description: "Resume this channel's digests after a pause or a delivery problem.",
  usage: '/papers resume',
  manages: true,
  async run(req, env) {
    const channel = await findChannel(req, env);
    if (!channel) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'Nothing to resume',
        lines: ['This channel gets no digests yet.', worded(req, 'startHint')],
      };
    }
    if (!channel.paused && channel.health === 'ok') {
      return { kind: 'text', visibility: 'ephemeral', title: 'Not paused', lines: [`Digests are not paused here; nothing changed. The next one is posted ${describeSchedule(channel.schedule)}.`] };
    }
    const { channel: updated, catchingUp } = await env.channels.resume(channel.id, req.userId);
    const lines = [`Resumed digests in this channel: posted ${describeSchedule(updated.schedule)}.`];
    if (channel.health === 'failing') {
      lines.push(`Cleared the earlier delivery problem${channel.healthReason ? ` (${channel.healthReason})` : ''}; if it comes back, digests pause again.`);
      if (catchingUp) lines.push('The papers the failed digest could not post are being posted now.');
    }
    return { kind: 'text', visibility: 'ephemeral', title: 'Digests resumed', lines };
  },
} satisfies Command;
