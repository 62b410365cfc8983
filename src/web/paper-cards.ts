import { authorLine, summaryOf } from '../format/paper-view.ts';
import { paperLinks, type Paper } from '../core/types.ts';
import type { PaperView } from '../core/views.ts';
import { html, safeUrl, type Html } from './html.ts';

/** A search snippet with its `**matches**` as <mark>, everything else escaped. */
export function snippetHtml(snippet: string): Html {
  const parts = snippet.split('**');
  return html`${parts.map((part, i) => (i % 2 === 1 ? html`<mark>${part}</mark>` : part))}`;
}

function links(p: { url: string; arxivUrl: string; pdfUrl: string; codeUrl: string | null; projectUrl: string | null }): Html {
  return html`<p class="links"><a href="${p.url}">Hugging Face</a><a href="${p.arxivUrl}">arXiv</a><a href="${p.pdfUrl}">PDF</a>${
    p.codeUrl ? html`<a href="${safeUrl(p.codeUrl)}">Code</a>` : ''
  }${p.projectUrl ? html`<a href="${safeUrl(p.projectUrl)}">Project</a>` : ''}</p>`;
}

/** The links of a stored paper. */
export function paperLinksHtml(paper: Paper): Html {
  return links({
    url: paperLinks.hf(paper.id),
    arxivUrl: paperLinks.arxiv(paper.id),
    pdfUrl: paperLinks.pdf(paper.id),
    codeUrl: paper.githubRepo ? paperLinks.github(paper.githubRepo) : null,
    projectUrl: paper.projectPage,
  });
}

function thumb(src: string | null): Html | string {
  return src ? html`<img src="${safeUrl(src)}" alt="" loading="lazy" width="96" height="64">` : '';
}

function stats(upvotes: number, stars: number | null): Html {
  return html`<span>▲ ${upvotes} upvote${upvotes === 1 ? '' : 's'}</span>${stars !== null ? html` · <span>★ ${stars} star${stars === 1 ? '' : 's'}</span>` : ''}`;
}

/** A stored paper as a card: thumbnail, title (to its page), authors, upvotes and stars, summary, links. */
export function paperCard(paper: Paper, extra: { snippet?: string; feedDay?: string | null } = {}): Html {
  return html`<li class="card">${thumb(paper.thumbnail)}<div>
<h3><a href="/papers/${encodeURIComponent(paper.id)}">${paper.title}</a></h3>
<p class="meta">${authorLine(paper.authors)} · ${stats(paper.upvotes, paper.githubStars)}${extra.feedDay ? html` · listed ${extra.feedDay}` : ''}</p>
<p>${extra.snippet ? snippetHtml(extra.snippet) : summaryOf(paper)}</p>${paperLinksHtml(paper)}</div></li>`;
}

/** A paper as a chat reply shows it (previews, subscribe replies). */
export function paperViewCard(view: PaperView): Html {
  return html`<li class="card">${thumb(view.thumbnail)}<div>
<h3><a href="/papers/${encodeURIComponent(view.id)}">${view.title}</a></h3>
<p class="meta">${authorLine(view.authors)} · ${stats(view.upvotes, view.githubStars)}${view.matchedTopic ? html` · topic: ${view.matchedTopic}` : ''}</p>
<p>${view.snippet ? snippetHtml(view.snippet) : view.summary}</p>${links(view)}</div></li>`;
}
