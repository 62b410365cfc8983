import type { PaperChartData, DashboardSearch, FeedDayPage, PaperDetail } from '../app/dashboard-app.ts';
import { authorLine } from '../format/paper-view.ts';
import { barChart } from './charts.ts';
import { html, query, type Html } from './html.ts';
import { paperCard, paperLinksHtml } from './paper-cards.ts';

/** Previous/next links for a paged list; `href` builds the link of a 1-based page. */
export function pager(options: { page: number; hasMore: boolean; total?: number; approximate?: boolean; href: (page: number) => string; label: string }): Html {
  const { page, hasMore } = options;
  if (page <= 1 && !hasMore) return html``;
  return html`<nav class="pager" aria-label="${options.label} pages">${page > 1 ? html`<a href="${options.href(page - 1)}" rel="prev">← Previous</a>` : ''}<span>Page ${page}${options.total !== undefined ? html` (${options.total}${options.approximate ? '+' : ''} in all)` : ''}</span>${
    hasMore ? html`<a href="${options.href(page + 1)}" rel="next">Next →</a>` : ''
  }</nav>`;
}

function dayPicker(days: string[], chosen: string): Html {
  const options = days.includes(chosen) ? days : [chosen, ...days];
  return html`<form method="get" action="/" class="row"><div><label for="day">Feed day</label>
<select id="day" name="day" data-autosubmit>${options.map((d) => html`<option value="${d}"${d === chosen ? html` selected` : ''}>${d}</option>`)}</select></div>
<div><label for="day-any">or any day</label><input id="day-any" type="text" name="on" inputmode="numeric" pattern="\\d{4}-\\d{2}-\\d{2}" placeholder="YYYY-MM-DD" size="11"></div>
<button type="submit">Show</button></form>`;
}

/** The charts of the papers page: papers and upvotes per day. */
export function paperCharts(charts: PaperChartData): Html {
  const data = (pick: (d: PaperChartData['days'][number]) => number) => charts.days.map((d) => ({ label: d.day, values: [pick(d)] }));
  return html`<div class="forms">${barChart({ id: 'chart-papers', title: 'Papers per feed day, last 30 days', series: [{ name: 'Papers', colour: '#0b5cad' }], data: data((d) => d.papers) })}${barChart({
    id: 'chart-upvotes',
    title: 'Upvotes per feed day, last 30 days',
    series: [{ name: 'Upvotes', colour: '#8250df' }],
    data: data((d) => d.upvotes),
  })}</div>`;
}

/** `GET /`: the feed day's papers as cards, a day picker, the charts. */
export function feedPage(feed: FeedDayPage, charts: PaperChartData, page: number, pageSize: number): Html {
  if (feed.kind === 'nothing-ingested') {
    return html`<h1>Papers</h1><p class="note">Nothing ingested yet: run <code>npx papers ingest --today</code> (or wait for the next scheduled ingest).</p>`;
  }
  const hasMore = page * pageSize < feed.total;
  const latest = feed.day === feed.latestDay ? ' (the latest ingested)' : '';
  return html`<h1>Papers of ${feed.day}${latest}</h1>${feed.notADay ? html`<p class="error" role="alert">"${feed.notADay}" is not a day: write it as YYYY-MM-DD, e.g. ${feed.latestDay}.</p>` : ''}${dayPicker(feed.recentDays, feed.day)}
<p class="muted">${feed.total} paper${feed.total === 1 ? '' : 's'} listed on Hugging Face Daily Papers that day, best first.</p>
${feed.papers.length === 0 ? html`<p class="note">No papers are stored for ${feed.day}.</p>` : html`<ul class="cards" aria-label="Papers of ${feed.day}">${feed.papers.map((p) => paperCard(p))}</ul>`}
${pager({ page, hasMore, total: feed.total, href: (n) => `/${query({ day: feed.day, page: n })}`, label: 'Papers' })}
<h2>Activity</h2>${paperCharts(charts)}`;
}

/** `GET /search?q=`: the same search as `/papers search`, with its correction and paging. */
export function searchPage(q: string, outcome: DashboardSearch | undefined, page: number): Html {
  const form = html`<h1>Search papers</h1><form method="get" action="/search" class="row" role="search"><div><label for="q">Query</label>
<input id="q" type="search" name="q" value="${q}" size="50" aria-describedby="q-help"></div><button type="submit">Search</button></form>
<p id="q-help" class="muted">Same syntax as <code>/papers search</code>: <code>"exact phrase"</code>, <code>a OR b</code>, <code>-word</code>, <code>author:name</code>, <code>since:2025-01-01</code>, <code>upvotes:&gt;=20</code>, an arXiv id or link.</p>`;
  if (!outcome) return form;
  if (outcome.kind === 'error') return html`${form}<div class="error" role="alert"><p>${outcome.message}</p>${outcome.usage ? html`<pre>${outcome.usage}</pre>` : ''}</div>`;
  const r = outcome.result;
  const corrected = r.correctedQuery
    ? html`<p class="note" role="status">Showing results for <strong>${r.correctedQuery}</strong>.${
        r.original ? html` <a href="/search${query({ q: r.original })}">Search for ${q} instead</a>.` : ''
      }</p>`
    : '';
  const count = html`<p class="muted">${r.total === 0 ? 'No papers match.' : `${r.approximate ? 'At least ' : ''}${r.total} paper${r.total === 1 ? '' : 's'} match${r.total === 1 ? 'es' : ''}.`}</p>`;
  return html`${form}${corrected}${count}${r.hits.length > 0 ? html`<ul class="cards" aria-label="Search results">${r.hits.map((h) => paperCard(h.paper, { snippet: h.snippet, feedDay: h.feedDay }))}</ul>` : ''}
${pager({ page, hasMore: r.hasMore, href: (n) => `/search${query({ q, page: n })}`, label: 'Results' })}`;
}

/** `GET /papers/:id`: the whole abstract, links, and the channels it was posted to. */
export function paperPage(detail: PaperDetail): Html {
  const { paper } = detail;
  const postings = detail.postings.length === 0
    ? html`<p>Not selected for any channel yet.</p>`
    : html`<table><thead><tr><th scope="col">Channel</th><th scope="col">Digest of</th><th scope="col">Status</th><th scope="col">Topic</th></tr></thead><tbody>${detail.postings.map(
        (p) => html`<tr><td><a href="/channels/${p.channelRowId}">${p.platform} ${p.workspaceId}/${p.channelId}</a></td><td>${p.feedDay}</td><td>${p.status}</td><td>${p.topic ?? '(top papers)'}</td></tr>`,
      )}</tbody></table>`;
  return html`<h1>${paper.title}</h1>
<p class="meta">${authorLine(paper.authors, 12)}</p>
<p class="meta">▲ ${paper.upvotes} upvotes${paper.githubStars !== null ? html` · ★ ${paper.githubStars} stars` : ''}${paper.publishedAt ? html` · published ${paper.publishedAt}` : ''}${detail.feedDay ? html` · listed <a href="/${query({ day: detail.feedDay })}">${detail.feedDay}</a>` : ''}</p>
${paperLinksHtml(paper)}
${paper.aiSummary ? html`<h2>Summary</h2><p>${paper.aiSummary}</p>` : ''}
<h2>Abstract</h2><p>${paper.abstract || 'No abstract stored.'}</p>
${paper.aiKeywords.length > 0 ? html`<p class="meta">Keywords: ${paper.aiKeywords.join(', ')}</p>` : ''}
<h2>Posted to</h2>${postings}`;
}
