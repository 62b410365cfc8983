import { QUERY_SYNTAX_HELP } from '../search/query.ts';
import type { Command } from './command.ts';
import { usageText } from './command-wording.ts';

export const helpCommand = {
  name: 'help',
  description: 'How to use /papers: every command and the search syntax.',
  usage: '/papers help',
  manages: false,
  run(req, { commands }) {
    const lines = [...commands.values()].map((c) => `${usageText(c.usage, req).split('\n')[0]}: ${c.description}`);
    return {
      kind: 'text',
      visibility: 'ephemeral',
      title: 'Papers bot: the day\'s trending research papers',
      lines: [...lines, 'Search and topic syntax:', ...QUERY_SYNTAX_HELP.split('\n')],
    };
  },
} satisfies Command;
