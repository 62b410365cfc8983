import type { CommandRequest } from '../core/commands.ts';
import type { Channel } from '../core/types.ts';
import { describeSettings, ensureEnrolled, findChannel, layoutWords } from './channel-state.ts';
import { hasOptions, parseSettings, SETTINGS_OPTIONS, type SettingsChange } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

function describeChange(before: Channel, change: SettingsChange): string[] {
  const lines: string[] = [];
  if (change.topN !== undefined) lines.push(`Papers per digest: ${before.topN} -> ${change.topN}.`);
  if (change.minUpvotes !== undefined) lines.push(`Minimum upvotes: ${before.minUpvotes} -> ${change.minUpvotes}.`);
  if (change.emptyBehaviour !== undefined) {
    const words = (b: Channel['emptyBehaviour']) => (b === 'skip' ? 'post nothing' : 'post a short notice');
    lines.push(`When nothing qualifies: ${words(before.emptyBehaviour)} -> ${words(change.emptyBehaviour)}.`);
  }
  if (change.layout !== undefined) lines.push(`Layout: ${layoutWords(before.layout)} -> ${layoutWords(change.layout)}.`);
  return lines;
}

export const settingsCommand = {
  name: 'settings',
  description: "Show or change this channel's digest settings (papers per digest, minimum upvotes, empty days, layout).",
  usage: { wording: 'settingsUsage' },
  manages: (req) => !showsOnly(req),
  async run(req, env) {
    if (showsOnly(req)) {
      const channel = await findChannel(req, env);
      const usage = worded(req, 'settingsUsage');
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: 'Digest settings',
        lines: channel ? [...describeSettings(channel), `To change them: ${usage.split('\n')[0]}`] : ['This channel gets no digests yet.', `Settings: ${usage}`],
      };
    }
    const change = parseSettings(req);
    const { channel: enrolled, sentence } = await ensureEnrolled(req, env);
    await env.channels.update(enrolled.id, change, req.userId);
    return { kind: 'text', visibility: 'ephemeral', title: 'Settings updated', lines: [...describeChange(enrolled, change), sentence].filter((l) => l !== '') };
  },
} satisfies Command;

function showsOnly(req: CommandRequest): boolean {
  return req.text.trim() === '' && !hasOptions(req, SETTINGS_OPTIONS);
}
