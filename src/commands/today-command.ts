import { findChannel, virtualChannel } from './channel-state.ts';
import { worded } from './command-wording.ts';
import type { Command } from './command.ts';

export const todayCommand = {
  name: 'today',
  description: "Preview what this channel's next digest would contain (only you see it).",
  usage: '/papers today',
  manages: false,
  async run(req, env) {
    const channel = await findChannel(req, env);
    const { view } = await env.planner.plan(channel ?? virtualChannel(req, env), env.now);
    const intro = channel
      ? channel.paused
        ? "Digests are paused in this channel; this is what the next one would contain after /papers resume."
        : "This is what this channel's next digest would contain."
      : `This channel gets no digests yet. ${worded(req, 'startHint')} With default settings it would contain:`;
    return {
      kind: 'digest',
      visibility: 'ephemeral',
      title: `Preview: papers for ${view.feedDay}`,
      digest: { ...view, note: [intro, view.note].filter(Boolean).join('\n') },
    };
  },
} satisfies Command;
