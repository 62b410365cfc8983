import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DigestView, PaperView } from '../../src/core/views.ts';
import {
  DISCORD_LIMITS,
  embedChars,
  moreCustomId,
  parseMoreCustomId,
  renderDigest,
  renderReply,
  splitText,
  type DiscordMessage,
} from '../../adapters/discord/discord-embeds.ts';
import { toPaperView } from '../../src/format/paper-view.ts';
import { makePaper } from '../helpers/papers.ts';

/** Every Discord limit a message must respect; returns the violations (empty when fine). */
function violations(message: DiscordMessage): string[] {
  const out: string[] = [];
  const check = (ok: boolean, what: string) => ok || out.push(what);
  const strings: string[] = [];
  check((message.content?.length ?? 0) <= DISCORD_LIMITS.content, 'content > 2000');
  const embeds = message.embeds ?? [];
  check(embeds.length <= DISCORD_LIMITS.embedsPerMessage, 'more than 10 embeds');
  check(embeds.reduce((n, e) => n + embedChars(e), 0) <= DISCORD_LIMITS.embedCharsPerMessage, 'more than 6000 embed characters');
  for (const e of embeds) {
    check((e.title?.length ?? 0) <= DISCORD_LIMITS.title, 'title > 256');
    check((e.description?.length ?? 0) <= DISCORD_LIMITS.description, 'description > 4096');
    check((e.description ?? 'x').trim().length > 0, 'blank description');
    check((e.fields?.length ?? 0) <= DISCORD_LIMITS.fields, 'more than 25 fields');
    for (const f of e.fields ?? []) {
      check(f.name.length > 0 && f.name.length <= DISCORD_LIMITS.fieldName, 'field name length');
      check(f.value.trim().length > 0 && f.value.length <= DISCORD_LIMITS.fieldValue, 'field value length');
      strings.push(f.name, f.value);
    }
    check((e.footer?.text.length ?? 0) <= DISCORD_LIMITS.footer, 'footer > 2048');
    strings.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '');
  }
  const rows = message.components ?? [];
  check(rows.length <= DISCORD_LIMITS.actionRows, 'more than 5 action rows');
  for (const row of rows) {
    check(row.components.length >= 1 && row.components.length <= DISCORD_LIMITS.buttonsPerRow, 'row size');
    for (const b of row.components) {
      check(b.label.length >= 1 && b.label.length <= DISCORD_LIMITS.buttonLabel, 'button label length');
      if ('url' in b) check(b.url.length <= DISCORD_LIMITS.buttonUrl && /^https?:\/\//.test(b.url), 'button url');
      else check(b.custom_id.length <= DISCORD_LIMITS.customId, 'custom_id > 100');
      strings.push(b.label);
    }
  }
  check((message.content ?? '').length > 0 || embeds.length > 0, 'empty message');
  strings.push(message.content ?? '');
  check(strings.every((s) => s.isWellFormed()), 'half a surrogate pair');
  return out;
}

/** Short or long (up to `max`) text, ASCII or any Unicode; long strings are generated on purpose, not left to chance. */
const anyText = (max: number) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: max, size: 'max' }),
    fc.string({ unit: 'grapheme', minLength: Math.floor(max / 2), maxLength: max, size: 'max' }),
    fc.array(fc.constantFrom('word', 'mot', '語', '😀', '**', '\n', ' '), { minLength: max / 4, maxLength: max / 2 }).map((parts) => parts.join(' ')),
  );
const optionalUrl = fc.option(fc.oneof(fc.webUrl(), anyText(600).map((s) => `https://example.org/${s}`)), { nil: null });

const paperView: fc.Arbitrary<PaperView> = fc.record({
  id: fc.stringMatching(/^\d{4}\.\d{5}$/),
  title: anyText(700),
  url: fc.webUrl(),
  arxivUrl: fc.webUrl(),
  pdfUrl: fc.webUrl(),
  codeUrl: optionalUrl,
  projectUrl: optionalUrl,
  thumbnail: optionalUrl,
  authors: fc.array(anyText(1500), { maxLength: 40 }),
  upvotes: fc.integer({ min: 0, max: 1_000_000 }),
  githubStars: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }),
  summary: anyText(6000),
  snippet: fc.option(anyText(3000), { nil: undefined }),
  matchedTopic: fc.option(anyText(3000), { nil: undefined }),
});

describe('Discord embed rendering', () => {
  it('renders any 10 papers within every Discord limit, each paper exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(paperView, { minLength: 10, maxLength: 10 }),
        fc.option(anyText(3000), { nil: undefined }),
        fc.option(fc.record({ count: fc.integer({ min: 1, max: 500 }), url: fc.webUrl() }), { nil: undefined }),
        (papers, note, overflow) => {
          const digest: DigestView = { feedDay: '2025-03-12', papers, ...(note !== undefined ? { note } : {}), ...(overflow ? { overflow } : {}) };
          const messages = renderDigest(digest);
          expect(messages.flatMap(violations)).toEqual([]);
          expect(messages.flatMap((m) => m.embeds ?? []).map((e) => e.url)).toEqual(papers.map((p) => p.url));
          const reply = renderReply({ kind: 'papers', visibility: 'ephemeral', title: note ?? 'Results', papers, shareable: true, more: { command: 'search', text: 'diffusion', cursor: '10' } });
          expect(reply.messages.flatMap(violations)).toEqual([]);
          expect(reply.messages.flatMap((m) => m.embeds ?? []).map((e) => e.url)).toEqual(papers.map((p) => p.url));
        },
      ),
      { numRuns: 60, interruptAfterTimeLimit: 15_000 },
    );
  });

  it('shows the title linked, summary, upvotes, authors, links, thumbnail and matched topic', () => {
    const paper = toPaperView(
      makePaper({ id: '2503.00001', title: 'Diffusion for proteins', aiSummary: 'Proteins, diffused.', upvotes: 42, githubRepo: 'org/repo', githubStars: 7, thumbnail: 'https://cdn.example/t.png', authors: ['A', 'B', 'C', 'D'] }),
      { matchedTopic: 'diffusion' },
    );
    const [message] = renderDigest({ feedDay: '2025-03-12', papers: [paper] });
    const embed = message!.embeds![0]!;
    expect(message!.content).toContain('2025-03-12');
    expect(embed.title).toBe('1. Diffusion for proteins');
    expect(embed.url).toBe('https://huggingface.co/papers/2503.00001');
    expect(embed.description).toBe('Proteins, diffused.');
    expect(embed.thumbnail).toEqual({ url: 'https://cdn.example/t.png' });
    expect(embed.footer).toEqual({ text: 'Topic: diffusion' });
    const fields = Object.fromEntries(embed.fields!.map((f) => [f.name, f.value]));
    expect(fields.Upvotes).toBe('▲ 42 · ★ 7 stars');
    expect(fields.Authors).toBe('A, B, C et al.');
    expect(fields.Links).toContain('[arXiv](https://arxiv.org/abs/2503.00001)');
    expect(fields.Links).toContain('[Code](https://github.com/org/repo)');
    expect(message!.components![0]!.components[0]).toEqual({ type: 2, style: 5, label: '1. Diffusion for proteins', url: 'https://huggingface.co/papers/2503.00001' });
  });

  it('splits a digest into several messages when the embeds exceed 6000 characters', () => {
    const long = 'word '.repeat(2000);
    const papers = Array.from({ length: 6 }, () => toPaperView(makePaper({ aiSummary: long, authors: [long] })));
    const messages = renderDigest({ feedDay: '2025-03-12', papers, overflow: { count: 3, url: 'https://huggingface.co/papers/date/2025-03-12' } });
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.flatMap(violations)).toEqual([]);
    expect(messages.at(-1)!.components!.flatMap((r) => r.components).at(-1)).toMatchObject({ label: 'See 3 more on Hugging Face' });
  });

  it('posts the notice alone when the digest has no papers', () => {
    const messages = renderDigest({ feedDay: '2025-03-12', papers: [], notice: 'Nothing qualified today.' });
    expect(messages).toHaveLength(1);
    expect(messages[0]!.content).toContain('Nothing qualified today.');
    expect(messages[0]!.embeds).toBeUndefined();
  });

  it('renders errors ephemerally with the right form in a code block', () => {
    const reply = renderReply({ kind: 'error', message: 'Tell me when.', usage: '/papers schedule <HH:MM>' });
    expect(reply.ephemeral).toBe(true);
    expect(reply.messages[0]!.content).toBe('⚠️ Tell me when.\n**Usage**\n```\n/papers schedule <HH:MM>\n```');
  });

  it('splits long text replies at line breaks within 2000 characters', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `Line ${i} ${'x'.repeat(50)}`);
    const reply = renderReply({ kind: 'text', visibility: 'in_channel', title: 'Topics', lines });
    expect(reply.ephemeral).toBe(false);
    expect(reply.messages.length).toBeGreaterThan(1);
    expect(reply.messages.every((m) => m.content!.length <= 2000)).toBe(true);
    expect(reply.messages.map((m) => m.content).join('\n')).toBe(['**Topics**', ...lines].join('\n'));
    expect(splitText('y'.repeat(4500))).toHaveLength(3);
  });

  it('round-trips the More button and leaves it out when it cannot fit 100 characters', () => {
    const id = moreCustomId({ command: 'search', text: 'diffusion: models', cursor: '5' })!;
    expect(parseMoreCustomId(id)).toEqual({ command: 'search', cursor: '5', text: 'diffusion: models' });
    expect(moreCustomId({ command: 'search', text: 'q'.repeat(120), cursor: '5' })).toBeUndefined();
  });
});
