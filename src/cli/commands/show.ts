import type { Command } from 'commander';
import { NotFoundError, UsageError } from '../../errors.ts';
import { authorLine, toPaperView } from '../../format/paper-view.ts';
import { canonicalArxivId } from '../../sources/hf-schema.ts';
import type { CliRuntime } from '../runtime.ts';

/** `papers show <arxiv-id> [--json]` */
export function registerShow(program: Command, runtime: CliRuntime): void {
  program
    .command('show')
    .description('Show one stored paper')
    .argument('<arxiv-id>', 'e.g. 2503.10407 (a version suffix like v2 is ignored)')
    .option('--json', 'print JSON')
    .action(async (raw: string, options: { json?: boolean }) => {
      const id = canonicalArxivId(raw);
      if (!id) throw new UsageError(`"${raw}" is not an arXiv id.`, 'papers show 2503.10407');
      const paper = await (await runtime.app()).paper(id);
      if (!paper) throw new NotFoundError(`Paper ${id} is not in the database; ingest its day first (papers ingest --date YYYY-MM-DD).`);
      if (options.json) {
        runtime.io.out(JSON.stringify({ ...paper, ...toPaperView(paper) }, null, 2));
        return;
      }
      const view = toPaperView(paper);
      const lines = [
        paper.title,
        authorLine(paper.authors, 10),
        `▲ ${paper.upvotes} upvotes · ${paper.comments} comments${paper.publishedAt ? ` · published ${paper.publishedAt}` : ''}`,
        paper.categories.length > 0 ? `Categories: ${paper.categories.join(', ')}` : '',
        '',
        paper.aiSummary ? `Summary: ${paper.aiSummary}\n` : '',
        paper.abstract,
        '',
        `Hugging Face: ${view.url}`,
        `arXiv:        ${view.arxivUrl}`,
        `PDF:          ${view.pdfUrl}`,
        view.codeUrl ? `Code:         ${view.codeUrl}${paper.githubStars !== null ? ` (★ ${paper.githubStars})` : ''}` : '',
        view.projectUrl ? `Project:      ${view.projectUrl}` : '',
      ];
      runtime.io.out(lines.filter((l, i) => l !== '' || (i > 0 && lines[i - 1] !== '')).join('\n').trim());
    });
}
