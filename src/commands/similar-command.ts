import { toPaperView } from '../format/paper-view.ts';
import { UsageError } from '../errors.ts';
import { paperIdFrom, SimilarPapers } from '../search/similar.ts';
import { clip, freeText } from './command-args.ts';
import type { Command } from './command.ts';
import { worded } from './command-wording.ts';

/** Papers per page (and per "More"). */
export const SIMILAR_PAGE_SIZE = 5;
/** The most papers "More" pages through. */
const MAX_SHOWN = 50;

function offsetFrom(cursor: string | undefined): number {
  const n = Number(cursor ?? '0');
  return Number.isInteger(n) && n >= 0 && n < MAX_SHOWN ? n : 0;
}

/** `/papers similar <arXiv id | link>`: the stored papers most like one paper (TF-IDF cosine, src/search/similar.ts). */
export const similarCommand = {
  name: 'similar',
  description: 'Papers like one paper (give its arXiv id or link); results are visible only to you.',
  usage: { wording: 'similarUsage' },
  manages: false,
  async run(req, { ctx }) {
    const text = freeText(req, 'id');
    const usage = worded(req, 'similarUsage');
    if (text === '') throw new UsageError('Tell me which paper: its arXiv id or its arxiv.org or huggingface.co/papers link.', usage);
    const id = paperIdFrom(text);
    if (!id) throw new UsageError(`"${clip(text, 100)}" is not an arXiv id or a paper's arxiv.org or huggingface.co/papers link.`, usage);
    const offset = offsetFrom(req.cursor);
    const result = await new SimilarPapers(ctx.searchStore, ctx.stores.papers).find(id, Math.min(MAX_SHOWN, offset + SIMILAR_PAGE_SIZE) + 1);
    if (!result) {
      return {
        kind: 'error',
        message:
          `Paper ${id} is not among the papers we have stored, so there is nothing to compare it with. ` +
          'Papers are stored when a Daily Papers day that lists them is ingested: whoever runs this bot can add its day with papers ingest --date YYYY-MM-DD.',
      };
    }
    const page = result.similar.slice(offset, offset + SIMILAR_PAGE_SIZE);
    const title = `Papers like "${clip(result.paper.title, 100)}"`;
    if (page.length === 0) {
      return {
        kind: 'text',
        visibility: 'ephemeral',
        title,
        lines: [offset > 0 ? 'There are no more similar papers.' : `No stored paper shares enough words with ${id} yet.`],
      };
    }
    const hasMore = result.similar.length > offset + page.length && offset + page.length < MAX_SHOWN;
    return {
      kind: 'papers',
      visibility: 'ephemeral',
      title,
      note: `Papers ${offset + 1}-${offset + page.length}, closest first by the words of title, abstract and keywords; the words they share are in bold.`,
      papers: page.map((s) => toPaperView(s.paper, { snippet: s.snippet })),
      shareable: true,
      ...(hasMore ? { more: { command: 'similar', text: id, cursor: String(offset + page.length) } } : {}),
    };
  },
} satisfies Command;
