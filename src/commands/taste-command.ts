import type { CommandRequest } from '../core/commands.ts';
import { UsageError } from '../errors.ts';
import { channelKey } from './channel-state.ts';
import { clip } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

/** The most voted papers `/papers taste` lists. */
const MAX_PAPERS = 15;

function wantsReset(req: CommandRequest): boolean {
  const reset = req.options?.reset;
  return reset === true || String(reset ?? '').toLowerCase() === 'true' || req.text.trim().toLowerCase() === 'reset';
}

/**
 * `/papers taste`: what this channel's votes taught its digest (the strongest positive and negative terms,
 * the papers voted on with their counts); `/papers taste reset` forgets every vote (managers only).
 */
export const tasteCommand = {
  name: 'taste',
  description: "What this channel's 👍/👎 votes taught its digest; taste reset forgets them.",
  usage: { wording: 'tasteUsage' },
  manages: wantsReset,
  async run(req, env) {
    const { ctx, now } = env;
    const target = channelKey(req);
    if (wantsReset(req)) {
      const forgotten = await ctx.stores.votes.resetChannel(target);
      const lines =
        forgotten === 0
          ? ['There were no votes to forget: digests here already rank by topics and upvotes alone.']
          : [`Forgot ${forgotten} vote${forgotten === 1 ? '' : 's'} cast in this channel. Its digests rank by topics and upvotes alone again, until people vote.`];
      return { kind: 'text', visibility: 'ephemeral', title: 'Taste reset', lines };
    }
    if (req.text.trim() !== '') throw new UsageError(`"${clip(req.text.trim(), 60)}" is not something taste knows: ask for the taste, or reset it.`, worded(req, 'tasteUsage'));
    const report = await ctx.planner.tasteReport(target, now);
    const title = "What this channel's votes taught its digest";
    if (!report) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title,
        lines: ['No one has voted here yet, so digests rank by topics and upvotes alone. 👍 on a paper asks for more like it, 👎 for less.'],
      };
    }
    const s = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    const lines = [`${s(report.votes, 'vote')} by ${report.people === 1 ? 'one person' : `${report.people} people`} on ${s(report.papers.length, 'paper')}.`];
    if (report.positive.length > 0) lines.push(`More like: ${report.positive.map((t) => t.word).join(', ')}`);
    if (report.negative.length > 0) lines.push(`Less like: ${report.negative.map((t) => t.word).join(', ')}`);
    if (report.positive.length === 0 && report.negative.length === 0) lines.push('The votes cancel out, so they change no ranking yet.');
    lines.push('Papers voted on:');
    for (const p of report.papers.slice(0, MAX_PAPERS)) lines.push(`▲ ${p.up} ▼ ${p.down}  ${p.title !== undefined ? `${clip(p.title, 90)} (${p.paperId})` : p.paperId}`);
    if (report.papers.length > MAX_PAPERS) lines.push(`… and ${report.papers.length - MAX_PAPERS} more.`);
    lines.push(`Digests here rank the papers that qualify by upvote momentum and this taste. ${worded(req, 'tasteUsage').split('\n')[1] ?? ''}`.trim());
    return { kind: 'text', visibility: 'ephemeral', title, lines };
  },
} satisfies Command;
