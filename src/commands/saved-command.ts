import type { CommandReply, CommandRequest } from '../core/commands.ts';
import type { Paper } from '../core/types.ts';
import type { Reader } from '../db/saved-papers-repo.ts';
import { UsageError } from '../errors.ts';
import { bibtexEntries } from '../format/bibtex.ts';
import { toPaperView } from '../format/paper-view.ts';
import { paperIdFrom } from '../search/similar.ts';
import { clip, option } from './command-args.ts';
import type { Command, CommandEnv } from './command.ts';

/** Saved papers per page (and per "More"). */
export const SAVED_PAGE_SIZE = 5;
/** The most entries one `/papers saved bibtex` gives (the newest). */
export const MAX_BIBTEX = 20;
const MAX_OFFSET = 10_000;
const USAGE = '/papers saved [bibtex | remove <arXiv id or link>]\nYour reading list: papers you saved with 🔖, newest first, shown only to you.';
const ACTIONS = ['list', 'bibtex', 'remove'] as const;

function readerOf(req: CommandRequest): Reader {
  return { platform: req.platform, workspaceId: req.userScope ?? req.workspaceId, userId: req.userId };
}

/** The action and its argument: typed options (Discord `action`, `id`) win over the text (`bibtex`, `remove 2503.00001`). */
function parse(req: CommandRequest): { action: (typeof ACTIONS)[number]; arg: string } {
  const typed = option(req, 'action');
  const [first = '', ...rest] = req.text.trim().split(/\s+/).filter(Boolean);
  const word = (typed ?? first).toLowerCase();
  const arg = typed !== undefined ? (option(req, 'id') ?? '') : rest.join(' ');
  if (word === '') return { action: 'list', arg: '' };
  const action = ACTIONS.find((a) => a === word);
  if (!action) throw new UsageError(`"${clip(word, 40)}" is not something /papers saved does.`, USAGE);
  return { action, arg };
}

async function storedPapers(env: CommandEnv, ids: string[]): Promise<Paper[]> {
  const papers = await Promise.all(ids.map((id) => env.ctx.stores.papers.get(id)));
  return papers.filter((p): p is Paper => p !== undefined);
}

function emptyList(): CommandReply {
  return {
    kind: 'text',
    visibility: 'ephemeral',
    title: 'Your reading list is empty',
    lines: ['Click 🔖 on a paper in a digest or in search results to save it here. Only you see your reading list.'],
  };
}

async function list(req: CommandRequest, env: CommandEnv): Promise<CommandReply> {
  const reader = readerOf(req);
  const total = await env.ctx.stores.saved.size(reader);
  if (total === 0) return emptyList();
  const n = Number(req.cursor ?? '0');
  const offset = Number.isInteger(n) && n > 0 && n <= MAX_OFFSET && n < total ? n : 0;
  const page = await storedPapers(env, (await env.ctx.stores.saved.list(reader, { limit: SAVED_PAGE_SIZE, offset })).map((s) => s.paperId));
  const shown = offset + SAVED_PAGE_SIZE;
  return {
    kind: 'papers',
    visibility: 'ephemeral',
    title: 'Your reading list',
    note: `Papers ${offset + 1}-${Math.min(shown, total)} of ${total}, newest first. 🔖 on a paper takes it off; /papers saved bibtex cites them.`,
    papers: page.map((p) => toPaperView(p)),
    ...(shown < total ? { more: { command: 'saved', text: '', cursor: String(shown) } } : {}),
  };
}

async function bibtex(req: CommandRequest, env: CommandEnv): Promise<CommandReply> {
  const reader = readerOf(req);
  const total = await env.ctx.stores.saved.size(reader);
  if (total === 0) return emptyList();
  const papers = await storedPapers(env, (await env.ctx.stores.saved.list(reader, { limit: MAX_BIBTEX })).map((s) => s.paperId));
  const entries = bibtexEntries(papers);
  return {
    kind: 'text',
    visibility: 'ephemeral',
    title: total > MAX_BIBTEX ? `BibTeX for the ${MAX_BIBTEX} newest of your ${total} saved papers` : `BibTeX for your ${total} saved paper${total === 1 ? '' : 's'}`,
    lines: entries.flatMap((e, i) => [...(i > 0 ? [''] : []), ...e.split('\n')]),
    preformatted: true,
  };
}

async function remove(req: CommandRequest, env: CommandEnv, arg: string): Promise<CommandReply> {
  if (arg.trim() === '') throw new UsageError('Tell me which paper to take off your reading list: its arXiv id or link.', USAGE);
  const id = paperIdFrom(arg);
  if (!id) throw new UsageError(`"${clip(arg, 100)}" is not an arXiv id or a paper's arxiv.org or huggingface.co/papers link.`, USAGE);
  const reader = readerOf(req);
  if (!(await env.ctx.stores.saved.unsave(reader, id))) return { kind: 'error', message: `Paper ${id} is not on your reading list, so nothing was changed.` };
  const title = (await env.ctx.stores.papers.get(id))?.title;
  return { kind: 'text', visibility: 'ephemeral', lines: [`Removed ${title ? `"${clip(title, 100)}"` : id} from your reading list (${await env.ctx.stores.saved.size(reader)} left).`] };
}

/** `/papers saved [bibtex | remove <id>]`: the caller's reading list (🔖), only to them. */
export const savedCommand = {
  name: 'saved',
  description: 'Your reading list (papers you saved with 🔖), or its BibTeX; visible only to you.',
  usage: USAGE,
  manages: false,
  run(req, env) {
    const { action, arg } = parse(req);
    if (action === 'bibtex') return bibtex(req, env);
    if (action === 'remove') return remove(req, env, arg);
    return list(req, env);
  },
} satisfies Command;
