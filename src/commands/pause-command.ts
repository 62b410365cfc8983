import { findChannel } from './channel-state.ts';
import type { Command } from './command.ts';

export const pauseCommand = {
  name: 'pause',
  description: "Pause this channel's digests (topics and settings are kept).",
  usage: '/papers pause',
  manages: true,
  async run(req, env) {
    const channel = await findChannel(req, env);
    if (!channel) {
      return { kind: 'text', visibility: 'ephemeral', title: 'Nothing to pause', lines: ['This channel gets no digests, so there is nothing to pause.'] };
    }
    if (channel.paused) {
      return { kind: 'text', visibility: 'ephemeral', title: 'Already paused', lines: ['Digests were already paused in this channel; nothing changed.', '/papers resume starts them again.'] };
    }
    await env.channels.update(channel.id, { paused: true }, req.userId);
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: 'Digests paused',
      lines: ['Paused digests in this channel. Its topics and settings are kept.', '/papers resume starts them again.'],
    };
  },
} satisfies Command;
