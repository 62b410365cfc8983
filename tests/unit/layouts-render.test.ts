import { describe, expect, it } from 'vitest';
import { renderLayout as discordLayout } from '../../adapters/discord/discord-layouts.ts';
import { renderLayout as slackLayout } from '../../adapters/slack/slack-layouts.ts';
import type { DigestView } from '../../src/core/views.ts';
import { effectiveLayout, plannedMessages, threadHeader } from '../../src/format/layout-lines.ts';
import { discordLayout as discordLayoutOf } from '../../adapters/discord/discord-layouts.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { makePaper } from '../helpers/papers.ts';

const papers = Array.from({ length: 4 }, (_, i) => toPaperView(makePaper({ title: `Paper title ${i}` }), i === 0 ? { matchedTopic: 'a very long topic about diffusion models' } : {}));
const view = (layout: DigestView['layout'], extra: Partial<DigestView> = {}): DigestView => ({ feedDay: '2025-03-17', papers, layout, ...extra });

describe('layout rendering', () => {
  it('builds a thread header from the view: the day, the count, the top three titles and the overflow', () => {
    const header = threadHeader(view('thread', { overflow: { count: 7, url: 'https://huggingface.co/papers/date/2025-03-17' } }));
    expect(header.title).toBe('Trending papers · 2025-03-17');
    expect(header.lines).toEqual([
      '4 papers, one reply each in this thread: discuss each under its own reply.',
      'Top: 1. Paper title 0 · 2. Paper title 1 · 3. Paper title 2 …',
      '+7 more qualified: https://huggingface.co/papers/date/2025-03-17',
    ]);
  });

  it('numbers a Slack thread as a header then one reply per paper, and a papers layout as one message each', () => {
    const thread = slackLayout(view('thread'));
    expect(thread.map((p) => [p.inThread, p.paperIds])).toEqual([[false, []], ...papers.map((p) => [true, [p.id]])]);
    expect(slackLayout(view('papers')).map((p) => p.paperIds)).toEqual(papers.map((p) => [p.id]));
    expect(slackLayout(view(undefined)).flatMap((p) => p.paperIds)).toEqual(papers.map((p) => p.id));
  });

  it('posts a view with no papers as its one notice message, whatever the layout', () => {
    for (const layout of ['thread', 'papers'] as const) {
      const empty = { feedDay: '2025-03-17', papers: [], layout, notice: 'No new papers.' };
      expect(slackLayout(empty)).toHaveLength(1);
      expect(discordLayout(empty)).toHaveLength(1);
      expect(discordLayout(empty, { forum: true })[0]!.message.content).toContain('No new papers.');
    }
  });

  it('makes every Discord paper of a forum its own post, named after the paper, its topic a 20-character tag', () => {
    const parts = discordLayout(view('thread'), { forum: true });
    expect(parts.map((p) => p.threadName)).toEqual(papers.map((p) => p.title));
    expect(parts[0]!.tags).toEqual(['a very long topic…']);
    expect(parts[0]!.tags![0]!.length).toBeLessThanOrEqual(20);
    expect(parts.slice(1).map((p) => p.tags)).toEqual([[], [], []]);
  });

  it('decides each view\'s layout in one rule: the channel\'s, an empty view one digest message, a Discord forum one post per part', () => {
    const empty = { feedDay: '2025-03-17', papers: [], layout: 'thread' as const, notice: 'No new papers.' };
    expect([effectiveLayout(view(undefined)), effectiveLayout(view('thread')), effectiveLayout(view('papers')), effectiveLayout(empty)]).toEqual(['digest', 'thread', 'papers', 'digest']);
    expect([plannedMessages(view('thread')), plannedMessages(view('papers')), plannedMessages(empty), plannedMessages(view(undefined))]).toEqual([5, 4, 1, 1]);
    expect([discordLayoutOf(view(undefined), true), discordLayoutOf(empty, true), discordLayoutOf(view('thread'), false)]).toEqual(['forum', 'forum', 'thread']);
  });

  it('escapes every Slack notification text, so a title\'s <!channel> or <@U1> is never a mention', () => {
    const loud = [toPaperView(makePaper({ title: 'Ping <!channel> & <@U123> now' })), ...papers];
    const all = (['digest', 'thread', 'papers'] as const).flatMap((layout) => slackLayout({ feedDay: '2025-03-17', papers: loud, layout }).map((p) => p.message.text));
    expect(all.some((t) => t.includes('Ping &lt;!channel&gt; &amp; &lt;@U123&gt; now'))).toBe(true);
    expect(all.filter((t) => t.includes('<'))).toEqual([]);
  });
});
