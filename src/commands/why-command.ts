import { UsageError } from '../errors.ts';
import { paperIdFrom } from '../search/similar.ts';
import { findChannel } from './channel-state.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';
import { explainPaper } from './why-answer.ts';

/**
 * `/papers why <arXiv id | link>`: why a paper was posted in this channel, or why not, from the delivery
 * ledger and the planner's recorded decisions (src/commands/why-answer.ts); never a guess.
 */
export const whyCommand = {
  name: 'why',
  description: 'Why a paper was posted in this channel, or why not (give its arXiv id or link); only you see it.',
  usage: { wording: 'whyUsage' },
  manages: false,
  async run(req, env) {
    const { ctx } = env;
    const text = freeText(req, 'id');
    const usage = worded(req, 'whyUsage');
    if (text === '') throw new UsageError('Tell me which paper: its arXiv id or its arxiv.org or huggingface.co/papers link.', usage);
    const id = paperIdFrom(text);
    if (!id) throw new UsageError(`"${clip(text, 100)}" is not an arXiv id or a paper's arxiv.org or huggingface.co/papers link.`, usage);
    const paper = await ctx.stores.papers.get(id);
    if (!paper) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title: `Why not ${id}`,
        lines: [`Paper ${id} is unknown here: it is not among the papers we have stored, so no digest has considered it. Papers are stored when a Daily Papers day that lists them is ingested.`],
      };
    }
    const channel = await findChannel(req, env);
    const title = `Why "${clip(paper.title, 100)}" (${id})`;
    if (!channel) return { kind: 'text', visibility: 'ephemeral', title, lines: [`This channel gets no digests, so no digest here has considered it. ${worded(req, 'startHint')}`] };
    return { kind: 'text', visibility: 'ephemeral', title, lines: await explainPaper(paper, channel, ctx.stores.decisions) };
  },
} satisfies Command;
