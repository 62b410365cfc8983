import type { ChannelDetail, ChannelFilter, ChannelSummary, DeliveryChartData, LedgerEntry } from '../app/dashboard-app.ts';
import type { CommandReply } from '../core/commands.ts';
import { DIGEST_LAYOUTS, type Channel } from '../core/types.ts';
import { barChart } from './charts.ts';
import { html, query, type Html } from './html.ts';
import { csrfField } from './layout.ts';
import type { DashboardAccessGrant } from './access.ts';
import { paperViewCard } from './paper-cards.ts';
import { pager } from './papers-pages.ts';

/** The colours of delivery statuses in the chart (each at least 3:1 against white). */
const STATUS_SERIES = [
  { key: 'sent', name: 'Sent', colour: '#1a7f37' },
  { key: 'skipped', name: 'Skipped', colour: '#6e7781' },
  { key: 'pending', name: 'Pending', colour: '#9a6700' },
  { key: 'sending', name: 'Sending', colour: '#0b5cad' },
  { key: 'failed', name: 'Failed', colour: '#cf222e' },
] as const;

function health(channel: Channel): Html {
  if (channel.health === 'failing') return html`<span class="bad">failing</span>${channel.healthReason ? html`: ${channel.healthReason}` : ''}`;
  return channel.paused ? html`<span class="muted">paused</span>` : html`<span class="ok">ok</span>`;
}

function place(channel: Channel): string {
  return `${channel.platform} · ${channel.workspaceId} / ${channel.channelId}`;
}

/** The chart of deliveries per feed day by status. */
export function deliveriesChart(charts: DeliveryChartData): Html {
  return barChart({
    id: 'chart-deliveries',
    title: `Deliveries per feed day by status, last 30 days (counted ${charts.asOf.toISOString().slice(11, 16)} UTC, once a minute)`,
    series: STATUS_SERIES.map((s) => ({ name: s.name, colour: s.colour })),
    data: charts.deliveries.map((d) => ({ label: d.day, values: STATUS_SERIES.map((s) => d.counts[s.key]) })),
  });
}

/** `GET /channels`: every enrolled channel, one page. */
const FILTERS: { value: ChannelFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'failing', label: 'Failing' },
  { value: 'paused', label: 'Paused' },
];

function filterLinks(current: ChannelFilter): Html {
  return html`<nav class="pager" aria-label="Show channels">${FILTERS.map((f) =>
    f.value === current ? html`<strong aria-current="page">${f.label}</strong>` : html`<a href="/channels${query({ show: f.value === 'all' ? undefined : f.value })}">${f.label}</a>`,
  )}</nav>`;
}

export function channelsPage(list: { channels: ChannelSummary[]; total: number }, charts: DeliveryChartData, page: number, pageSize: number, filter: ChannelFilter = 'all'): Html {
  const rows = list.channels.map(
    (c) => html`<tr><td><a href="/channels/${c.channel.id}">${place(c.channel)}</a></td><td>${c.schedule}</td><td>${c.topics.length === 0 ? html`<span class="muted">top papers</span>` : c.topics.join(' · ')}</td>
<td>top ${c.channel.topN}, min ▲${c.channel.minUpvotes}, empty: ${c.channel.emptyBehaviour}</td><td>${health(c.channel)}</td>
<td>${c.recent.length === 0 ? html`<span class="muted">none yet</span>` : c.recent.map((d) => html`<div>${d.feedDay}: ${d.status}</div>`)}</td></tr>`,
  );
  const which = filter === 'all' ? 'enrolled' : filter;
  return html`<h1>Channels</h1>${filterLinks(filter)}<p class="muted">${list.total} ${which} channel${list.total === 1 ? '' : 's'}.</p>
${list.total === 0 && filter !== 'all' ? html`<p>No channel is ${filter}.</p>` : list.total === 0 ? html`<p class="note">No channel is enrolled yet: in Slack or Discord, <code>/papers subscribe &lt;topic&gt;</code> or <code>/papers schedule 09:00</code>.</p>` : html`<table><thead><tr><th scope="col">Channel</th><th scope="col">Schedule</th><th scope="col">Topics</th><th scope="col">Settings</th><th scope="col">Health</th><th scope="col">Last digests</th></tr></thead><tbody>${rows}</tbody></table>`}
${pager({ page, hasMore: page * pageSize < list.total, total: list.total, href: (n) => `/channels${query({ show: filter === 'all' ? undefined : filter, page: n })}`, label: 'Channels' })}
<h2>Deliveries</h2>${deliveriesChart(charts)}`;
}

/** A command's reply as the dashboard shows it (a change's answer, an error with its usage, a preview). */
export function replyHtml(reply: CommandReply, options: { id?: string } = {}): Html {
  const id = options.id ? html` id="${options.id}"` : '';
  switch (reply.kind) {
    case 'error':
      return html`<div class="reply error" role="alert"${id}><p>${reply.message}</p>${reply.usage ? html`<pre>${reply.usage}</pre>` : ''}</div>`;
    case 'text':
      return html`<div class="reply" role="status"${id}>${reply.title ? html`<p><strong>${reply.title}</strong></p>` : ''}${reply.lines.map((l) => html`<p>${l}</p>`)}</div>`;
    case 'papers':
      return html`<div class="reply" role="status"${id}><p><strong>${reply.title}</strong></p>${reply.note ? html`<p>${reply.note}</p>` : ''}<ul class="cards">${reply.papers.map(paperViewCard)}</ul></div>`;
    case 'digest': {
      const d = reply.digest;
      return html`<div class="reply"${id}><p><strong>${reply.title}</strong></p>${d.note ? d.note.split('\n').map((l) => html`<p>${l}</p>`) : ''}
${d.notice ? html`<p>${d.notice}</p>` : ''}${d.papers.length > 0 ? html`<ul class="cards">${d.papers.map(paperViewCard)}</ul>` : ''}
${d.overflow ? html`<p>+${d.overflow.count} more: <a href="${d.overflow.url}">see them on Hugging Face</a></p>` : ''}
${d.missed ? html`<p>Not covered: ${d.missed.days} earlier feed days (${d.missed.from} to ${d.missed.to}), beyond the ${d.missed.limit}-day catch-up limit: <a href="${d.missed.url}">see them</a>.</p>` : ''}</div>`;
    }
  }
}

function ledgerRow(e: LedgerEntry): Html {
  const d = e.delivery;
  return html`<tr><td>${d.feedDay}</td><td><code>${d.id}</code></td><td>${d.status}</td><td>${d.paperIds.length}</td><td>${d.attempts}</td>
<td>${d.platformMessageIds.length > 0 ? d.platformMessageIds.map((m) => html`<div><code>${m}</code></div>`) : html`<span class="muted">none</span>`}</td>
<td>${d.lastError ? html`<span class="bad">${d.lastError}</span>` : ''}</td><td>${e.outcome}</td><td><time datetime="${d.updatedAt}">${d.updatedAt.replace('T', ' ').slice(0, 19)}</time></td></tr>`;
}

const CADENCES = ['daily', 'weekdays', 'weekly'] as const;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function editForms(detail: ChannelDetail, access: DashboardAccessGrant): Html {
  const c = detail.channel;
  const action = `/channels/${c.id}/edit`;
  const s = c.schedule;
  const topics = detail.topics.map(
    (t, i) => html`<li><span>${t}</span> <form method="post" action="${action}" class="inline" data-confirm="Remove the topic ${t}?">${csrfField(access)}<input type="hidden" name="command" value="unsubscribe"><input type="hidden" name="text" value="${/^(all|\d+)$/i.test(t.trim()) ? String(i + 1) : t}"><button class="secondary" type="submit" aria-label="Remove topic ${t}">Remove</button></form></li>`,
  );
  return html`<h2>Change this channel</h2><p class="muted">The same commands as in chat: what you enter is checked, and answered, as <code>/papers subscribe</code>, <code>schedule</code> and <code>settings</code> are.</p>
<div class="forms">
<fieldset><legend>Topics</legend>${detail.topics.length > 0 ? html`<ol>${topics}</ol>` : html`<p>No topics: the digest brings the day's top papers.</p>`}
<form method="post" action="${action}">${csrfField(access)}<input type="hidden" name="command" value="subscribe">
<label for="topic">Add a topic</label><div class="row"><input id="topic" type="text" name="text" required size="30" placeholder='"diffusion models" OR "flow matching"'><button type="submit">Add topic</button></div></form></fieldset>
<fieldset><legend>Schedule</legend><form method="post" action="${action}">${csrfField(access)}<input type="hidden" name="command" value="schedule">
<label for="time">Time (24h)</label><input id="time" type="text" name="time" value="${s.time}" size="6">
<label for="cadence">How often</label><select id="cadence" name="cadence">${CADENCES.map((k) => html`<option${k === s.cadence ? html` selected` : ''}>${k}</option>`)}</select>
<label for="weekday">Day (weekly)</label><select id="weekday" name="weekday">${WEEKDAYS.map((w, i) => html`<option value="${w}"${s.weekday === i + 1 ? html` selected` : ''}>${w}</option>`)}</select>
<label for="zone">Time zone</label><input id="zone" type="text" name="zone" value="${s.timeZone}" size="20">
<p><button type="submit">Save schedule</button></p></form></fieldset>
<fieldset><legend>Settings</legend><form method="post" action="${action}">${csrfField(access)}<input type="hidden" name="command" value="settings">
<label for="top">Papers per digest</label><input id="top" type="text" inputmode="numeric" name="top" value="${c.topN}" size="4">
<label for="min-upvotes">Minimum upvotes</label><input id="min-upvotes" type="text" inputmode="numeric" name="min-upvotes" value="${c.minUpvotes}" size="4">
<label for="empty">When nothing qualifies</label><select id="empty" name="empty"><option value="skip"${c.emptyBehaviour === 'skip' ? html` selected` : ''}>post nothing</option><option value="notice"${c.emptyBehaviour === 'notice' ? html` selected` : ''}>post a short notice</option></select>
<label for="layout">Layout</label><select id="layout" name="layout">${DIGEST_LAYOUTS.map((l) => html`<option${l === c.layout ? html` selected` : ''}>${l}</option>`)}</select>
<p><button type="submit">Save settings</button></p></form></fieldset></div>`;
}

/** `GET /channels/:id`: settings, topics, health, the next digest's preview, the ledger; forms when signed in. */
export function channelPage(detail: ChannelDetail, access: DashboardAccessGrant, reply?: CommandReply): Html {
  const c = detail.channel;
  return html`<h1>${place(c)}</h1>
${reply ? replyHtml(reply, { id: 'edit-reply' }) : ''}
<dl><dt>Schedule</dt><dd>${detail.schedule}${c.paused ? ' (paused)' : ''}</dd><dt>Health</dt><dd>${health(c)}</dd>
<dt>Topics</dt><dd>${detail.topics.length === 0 ? 'none (top papers)' : html`<ul id="topics">${detail.topics.map((t) => html`<li>${t}</li>`)}</ul>`}</dd>
<dt>Settings</dt><dd>${detail.settings.map((l) => html`<div>${l}</div>`)}</dd><dt>Last digest</dt><dd>${c.lastDigestDay ?? 'none yet'}</dd></dl>
${access.canEdit ? editForms(detail, access) : html`<p class="muted">Read-only: sign in (with ADMIN_TOKEN set) to change topics, schedule and settings here.</p>`}
<h2>Next digest (what <code>/papers today</code> shows)</h2><section id="preview">${replyHtml(detail.preview)}</section>
<h2>Delivery ledger</h2>${detail.ledger.length === 0 ? html`<p id="ledger">No digests yet.</p>` : html`<table id="ledger"><thead><tr><th scope="col">Feed day</th><th scope="col">Delivery</th><th scope="col">Status</th><th scope="col">Papers</th><th scope="col">Attempts</th><th scope="col">Message ids</th><th scope="col">Error</th><th scope="col">What happened</th><th scope="col">Updated (UTC)</th></tr></thead><tbody>${detail.ledger.map(ledgerRow)}</tbody></table>`}`;
}

/** The command text a form stands for: the same words a person would type after `/papers <command>`. */
export function commandTextOf(name: string, form: URLSearchParams): string {
  const field = (k: string) => (form.get(k) ?? '').trim();
  if (name === 'schedule') return [field('time'), field('cadence'), field('cadence') === 'weekly' ? field('weekday') : '', field('zone')].filter(Boolean).join(' ');
  if (name === 'settings') {
    return ['top', 'min-upvotes', 'empty', 'layout']
      .map((k) => [k, field(k)] as const)
      .filter(([, v]) => v !== '')
      .map(([k, v]) => `${k}=${v.replace(/\s+/g, '')}`)
      .join(' ');
  }
  return field('text');
}
