import { describe, expect, it } from 'vitest';
import { ledgerOutcome } from '../../src/app/dashboard-app.ts';
import type { Channel, Delivery } from '../../src/core/types.ts';
import { barChart, niceMax } from '../../src/web/charts.ts';
import { commandTextOf } from '../../src/web/channels-pages.ts';
import { escapeHtml, html, safeUrl } from '../../src/web/html.ts';
import { snippetHtml } from '../../src/web/paper-cards.ts';

function delivery(overrides: Partial<Delivery> = {}): Delivery {
  return {
    id: 'd-1-2025-03-17',
    channelId: 1,
    feedDay: '2025-03-17',
    paperIds: ['2503.00001', '2503.00002'],
    status: 'sent',
    platformMessageIds: ['1.1'],
    attempts: 1,
    lastError: null,
    createdAt: '2025-03-17T09:00:00.000Z',
    updatedAt: '2025-03-17T09:00:01.000Z',
    ...overrides,
  };
}

const channel = { health: 'ok' } as Channel;
const failingChannel = { health: 'failing' } as Channel;

describe('the ledger says what became of each digest', () => {
  it('a sent digest: how many messages, or that it is counted as sent without confirmation and why', () => {
    expect(ledgerOutcome(delivery({ platformMessageIds: ['1.1', '1.2'] }), 2, undefined, channel)).toBe('Posted in 2 messages.');
    expect(ledgerOutcome(delivery({ platformMessageIds: [], lastError: 'not_in_channel' }), 2, undefined, channel)).toMatch(/^Counted as sent, unconfirmed .*not_in_channel.*never posted twice/);
  });

  it('an unfinished digest: waiting after a rate limit, or retrying with a look-up first after an ambiguous failure', () => {
    expect(ledgerOutcome(delivery({ status: 'pending', lastError: 'rate limited' }), 2, undefined, channel)).toBe('Waiting to post again (rate limited).');
    expect(ledgerOutcome(delivery({ status: 'sending', attempts: 2, lastError: 'HTTP 503' }), 2, undefined, channel)).toMatch(/looks for the post first/);
  });

  it('a failed digest: tried again, papers back in the pool, or papers kept for the next digest; and a paused channel says how to resume', () => {
    const later = delivery({ id: 'd-1-2025-03-17-1', status: 'sent' });
    expect(ledgerOutcome(delivery({ status: 'failed' }), 0, later, channel)).toBe('Tried again as d-1-2025-03-17-1 (sent).');
    expect(ledgerOutcome(delivery({ status: 'failed' }), 0, undefined, failingChannel)).toBe(
      'Its papers went back to the pool: the next digest covers them. Digests here are paused until someone runs /papers resume in the channel.',
    );
    expect(ledgerOutcome(delivery({ status: 'failed' }), 2, undefined, channel)).toMatch(/kept its papers.*looking first/);
    expect(ledgerOutcome(delivery({ status: 'skipped', paperIds: [] }), 0, undefined, channel)).toMatch(/Nothing qualified/);
  });
});

describe('dashboard markup', () => {
  it('escapes every interpolated value, nested lists too, and keeps markup built by the tag', () => {
    const hostile = `<a href="x" onclick='y'>&</a>`;
    expect(escapeHtml(hostile)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(html`<p title="${hostile}">${[hostile, html`<b>${hostile}</b>`]}</p>`.value).toBe(
      `<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}<b>${escapeHtml(hostile)}</b></p>`,
    );
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('lets only http(s) and same-site paths into links', () => {
    expect(safeUrl('https://github.com/a/b')).toBe('https://github.com/a/b');
    expect(safeUrl('/papers/2503.00001')).toBe('/papers/2503.00001');
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'data:text/html,x', '//evil.example/x', 'vbscript:x', null]) expect(safeUrl(bad)).toBe('#');
  });

  it('marks search matches and escapes everything around them', () => {
    expect(snippetHtml('a **<b>diffusion</b>** model & **more**').value).toBe('a <mark>&lt;b&gt;diffusion&lt;/b&gt;</mark> model &amp; <mark>more</mark>');
  });

  it('draws stacked bars on a round axis, with the numbers in a table', () => {
    expect([0, 1, 7, 10, 11, 180, 2500].map(niceMax)).toEqual([1, 1, 10, 10, 20, 200, 5000]);
    const svg = barChart({ id: 'c', title: 'T', series: [{ name: 'A', colour: '#000' }, { name: 'B', colour: '#111' }], data: [{ label: '2025-03-17', values: [3, 1] }, { label: '2025-03-18', values: [0, 0] }] }).value;
    expect(svg.match(/<rect x=/g)).toHaveLength(2);
    expect(svg).toContain('<th scope="row">2025-03-17</th><td>3</td><td>1</td>');
  });

  it('turns the schedule and settings forms into the words a person types after the command', () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields);
    expect(commandTextOf('schedule', form({ time: '08:30', cadence: 'weekly', weekday: 'friday', zone: 'Asia/Kolkata' }))).toBe('08:30 weekly friday Asia/Kolkata');
    expect(commandTextOf('schedule', form({ time: '08:30', cadence: 'daily', weekday: 'friday', zone: '' }))).toBe('08:30 daily');
    expect(commandTextOf('settings', form({ top: '7', 'min-upvotes': '', empty: 'notice' }))).toBe('top=7 empty=notice');
    expect(commandTextOf('settings', form({ top: '7', layout: 'thread' }))).toBe('top=7 layout=thread');
    expect(commandTextOf('subscribe', form({ text: '  "flow matching" ' }))).toBe('"flow matching"');
  });
});
