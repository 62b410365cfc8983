import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandReply } from '../../src/core/commands.ts';
import type { DigestView, PaperView } from '../../src/core/views.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import {
  blockChars,
  decodeMore,
  escapeMrkdwn,
  renderDigest,
  renderReply,
  SLACK_ACTIONS,
  SLACK_LIMITS,
  type SlackBlock,
  type SlackButton,
  type SlackMessage,
} from '../../adapters/slack/slack-blocks.ts';
import { makePaper } from '../helpers/papers.ts';

function view(overrides: Partial<PaperView> = {}): PaperView {
  return { ...toPaperView(makePaper(overrides.id ? { id: overrides.id } : {})), ...overrides };
}

function buttonsOf(messages: SlackMessage[]): SlackButton[] {
  return messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])));
}

function sectionsOf(messages: SlackMessage[]): string[] {
  return messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : [])));
}

/** Every Block Kit limit we promise, checked on every message. */
function expectWithinLimits(messages: SlackMessage[]): void {
  expect(messages.length).toBeGreaterThan(0);
  for (const m of messages) {
    expect(m.blocks.length).toBeGreaterThan(0);
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(blockChars(m.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageChars);
    expect(m.text.length).toBeGreaterThan(0);
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    for (const b of m.blocks as SlackBlock[]) {
      if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (b.type === 'context') {
        expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
        for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      }
      if (b.type === 'actions') {
        expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
        for (const e of b.elements) {
          expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
          expect((e.value ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
          expect((e.url ?? '').length).toBeLessThanOrEqual(SLACK_LIMITS.buttonUrl);
        }
      }
    }
  }
}

const longText = (max: number) => fc.string({ unit: fc.constantFrom('a', 'b', ' ', '&', '<', '>', 'é', '.', '\n', '*'), maxLength: max });
const arbitraryPaper = fc.record({
  n: fc.integer({ min: 0, max: 99_999 }),
  title: longText(3000),
  authors: fc.array(longText(400), { maxLength: 40 }),
  summary: longText(10_000),
  topic: fc.option(longText(1000), { nil: undefined }),
  repo: fc.option(fc.constant('owner/some-repo'), { nil: undefined }),
  upvotes: fc.nat(1_000_000),
  stars: fc.option(fc.nat(1_000_000), { nil: null }),
});

describe('Slack digest rendering', () => {
  it('renders any 10 papers, however long, within every Block Kit limit and loses none', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPaper, { minLength: 10, maxLength: 10 }), fc.option(longText(5000), { nil: undefined }), (papers, note) => {
        const views = papers.map((p, i) =>
          view({
            id: `2501.${String(i).padStart(5, '0')}`,
            arxivUrl: `https://arxiv.org/abs/2501.${String(i).padStart(5, '0')}`,
            title: p.title,
            authors: p.authors,
            summary: p.summary,
            matchedTopic: p.topic,
            codeUrl: p.repo ? `https://github.com/${p.repo}` : null,
            upvotes: p.upvotes,
            githubStars: p.stars,
          }),
        );
        const digest: DigestView = { feedDay: '2025-03-12', papers: views, note, overflow: { count: 4, url: 'https://huggingface.co/papers/date/2025-03-12' } };
        const messages = renderDigest(digest);
        expectWithinLimits(messages);
        const arxiv = buttonsOf(messages).filter((b) => b.text.text === 'arXiv').map((b) => b.url);
        expect(arxiv).toEqual(views.map((v) => v.arxivUrl));
      }),
      { numRuns: 60 },
    );
  });

  it('shows the header, linked title, first three authors, upvotes, summary, topic and link buttons', () => {
    const p = view({
      id: '2503.00001',
      title: 'Attention & <Everything>',
      url: 'https://huggingface.co/papers/2503.00001',
      authors: ['A One', 'B Two', 'C Three', 'D Four'],
      upvotes: 1234,
      summary: 'It works.',
      matchedTopic: 'transformers',
      codeUrl: 'https://github.com/o/r',
    });
    const [message, ...rest] = renderDigest({ feedDay: '2025-03-12', papers: [p] });
    expect(rest).toHaveLength(0);
    expect(message!.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Trending papers · 2025-03-12', emoji: true } });
    const section = sectionsOf([message!])[0]!;
    expect(section).toContain('*<https://huggingface.co/papers/2503.00001|Attention &amp; &lt;Everything&gt;>*');
    expect(section).toContain('A One, B Two, C Three et al. · ▲ 1,234 upvotes');
    expect(section).toContain('It works.');
    expect(JSON.stringify(message!.blocks)).toContain('Matched topic: transformers');
    expect(buttonsOf([message!]).map((b) => [b.text.text, b.url])).toEqual([
      ['arXiv', 'https://arxiv.org/abs/2503.00001'],
      ['PDF', 'https://arxiv.org/pdf/2503.00001'],
      ['Code', 'https://github.com/o/r'],
      ['👍 More like this', undefined],
      ['👎 Less like this', undefined],
      ['🔖 Save', undefined],
    ]);
    expect(message!.text).toBe('Trending papers · 2025-03-12: Attention &amp; &lt;Everything&gt;');
  });

  it('leaves out the Code button when there is no repository', () => {
    const messages = renderDigest({ feedDay: '2025-03-12', papers: [view({ codeUrl: null })] });
    expect(buttonsOf(messages).map((b) => b.text.text)).toEqual(['arXiv', 'PDF', '👍 More like this', '👎 Less like this', '🔖 Save']);
  });

  it('cuts a long summary at a word boundary, never mid-word', () => {
    const summary = Array.from({ length: 600 }, (_, i) => `word${i}`).join(' ');
    const section = sectionsOf(renderDigest({ feedDay: '2025-03-12', papers: [view({ summary })] }))[0]!;
    const shown = section.split('\n').at(-1)!;
    expect(shown.endsWith('…')).toBe(true);
    const lastWord = shown.slice(0, -1).split(' ').at(-1)!;
    expect(lastWord).toMatch(/^word\d+$/);
    expect(summary.split(' ')).toContain(lastWord);
  });

  it('splits a digest too large for one message into several', () => {
    const papers = Array.from({ length: 10 }, (_, i) => view({ id: `p${i}`, title: 'T'.repeat(10) + ' title '.repeat(80), summary: 'summary words '.repeat(200) }));
    const messages = renderDigest({ feedDay: '2025-03-12', papers });
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimits(messages);
    expect(messages[1]!.text).toContain('(continued, 2 of');
  });

  it('shows the notice when nothing qualified', () => {
    const messages = renderDigest({ feedDay: '2025-03-12', papers: [], notice: 'No new papers matched this channel\'s topics.' });
    expect(sectionsOf(messages)).toEqual(["No new papers matched this channel's topics."]);
    expect(messages[0]!.text).toContain('No new papers matched');
  });

  it('links the overflow to the feed day on Hugging Face', () => {
    const messages = renderDigest({ feedDay: '2025-03-12', papers: [view()], overflow: { count: 7, url: 'https://huggingface.co/papers/date/2025-03-12' } });
    expect(JSON.stringify(messages)).toContain('+7 more papers qualified: <https://huggingface.co/papers/date/2025-03-12|see them all on Hugging Face>');
  });
});

describe('Slack command replies', () => {
  it('gives search results Share in channel buttons and a More button that carries the cursor', () => {
    const reply: CommandReply = {
      kind: 'papers',
      visibility: 'ephemeral',
      title: 'Results for "diffusion"',
      note: 'Papers 1-2 of 9 matching.',
      papers: [view({ id: '2503.00001' }), view({ id: '2503.00002' })],
      shareable: true,
      more: { command: 'search', text: 'diffusion', cursor: '2' },
    };
    const messages = renderReply(reply);
    expectWithinLimits(messages);
    const buttons = buttonsOf(messages);
    expect(buttons.filter((b) => b.action_id === SLACK_ACTIONS.share).map((b) => b.value)).toEqual(['2503.00001', '2503.00002']);
    const more = buttons.find((b) => b.action_id === SLACK_ACTIONS.more)!;
    expect(decodeMore(more.value)).toEqual({ command: 'search', text: 'diffusion', cursor: '2' });
    expect(sectionsOf(messages)[0]).toBe('Papers 1-2 of 9 matching.');
  });

  it('shows an error with the right form in a code block, escaped', () => {
    const messages = renderReply({ kind: 'error', message: '"25:99" is not a time of day.', usage: '/papers schedule <HH:MM>' });
    expect(sectionsOf(messages)).toEqual([':warning: "25:99" is not a time of day.', '```/papers schedule &lt;HH:MM&gt;```']);
    expect(messages[0]!.text).toBe('"25:99" is not a time of day.');
  });

  it('renders a text reply as a header and escaped lines', () => {
    const messages = renderReply({ kind: 'text', visibility: 'ephemeral', title: 'Topic added', lines: ['Added "a & b".', 'Next: /papers topics'] });
    expect(messages[0]!.blocks[0]).toMatchObject({ type: 'header', text: { text: 'Topic added' } });
    expect(sectionsOf(messages)).toEqual([`Added "${escapeMrkdwn('a & b')}".\nNext: /papers topics`]);
  });

  it('splits a very long text reply into messages within every limit', () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i} ${'x'.repeat(200)}`);
    const messages = renderReply({ kind: 'text', visibility: 'ephemeral', lines });
    expect(messages.length).toBeGreaterThan(1);
    expectWithinLimits(messages);
    expect(sectionsOf(messages).join('\n').split('\n')).toHaveLength(400);
  });
});
