import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandReply } from '../../src/core/commands.ts';
import { createCoreHarness, textOf } from '../helpers/command-core.ts';
import { ingestRecordedDays } from '../helpers/search-day.ts';

const DAY = '2025-03-17';

describe('/papers similar on the recorded day', () => {
  const h = createCoreHarness({ label: 'similar-command' });
  beforeAll(async () => {
    await ingestRecordedDays(h.ctx.db, [{ day: DAY, file: 'tests/fixtures/hf-daily-2025-03-17.json' }]);
  });
  afterAll(() => h.close());

  const papersOf = (reply: CommandReply) => {
    expect(reply.kind).toBe('papers');
    return reply.kind === 'papers' ? reply : undefined;
  };

  it('lists the closest papers first, never the paper itself, privately and shareable', async () => {
    const reply = papersOf(await h.run('similar 2106.09685'))!;
    expect(reply.title).toBe('Papers like "LoRA: Low-Rank Adaptation of Large Language Models"');
    expect(reply.papers[0]!.id).toBe('2305.14314');
    expect(reply.papers.map((p) => p.id)).not.toContain('2106.09685');
    expect(reply.papers).toHaveLength(5);
    expect(reply).toMatchObject({ visibility: 'ephemeral', shareable: true });
    expect(reply.note).toMatch(/^Papers 1-5, closest first/);
    expect(reply.papers[0]!.snippet).toContain('**');
  });

  it('takes a versioned id and arxiv.org and huggingface.co links, typed or as the Discord id option', async () => {
    const replies = await Promise.all([
      h.run('similar 2308.04079v1'),
      h.run('similar https://arxiv.org/abs/2308.04079'),
      h.run('similar <https://huggingface.co/papers/2308.04079>'),
      h.core.handle(h.request({ platform: 'discord', name: 'similar', options: { id: 'https://huggingface.co/papers/2308.04079' } })),
    ]);
    for (const reply of replies) expect(papersOf(reply)!.papers[0]!.id).toBe('2003.08934');
  });

  it('pages with More through the same order, without repeating a paper', async () => {
    const first = papersOf(await h.run('similar 2010.11929'))!;
    expect(first.more).toEqual({ command: 'similar', text: '2010.11929', cursor: '5' });
    const second = papersOf(await h.core.handle(h.request({ name: 'similar', text: first.more!.text, cursor: first.more!.cursor })))!;
    expect(second.note).toMatch(/^Papers 6-/);
    const all = [...first.papers, ...second.papers].map((p) => p.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain('2010.11929');
  });

  it('says a paper that is not stored has nothing to compare with, and how its day gets ingested', async () => {
    const reply = await h.run('similar https://arxiv.org/abs/2501.99999v2');
    expect(reply.kind).toBe('error');
    expect(textOf(reply)).toContain('Paper 2501.99999 is not among the papers we have stored');
    expect(textOf(reply)).toContain('papers ingest --date YYYY-MM-DD');
  });

  it('answers text that is no id or paper link with the usage in the platform\'s own syntax', async () => {
    const typed = await h.run('similar diffusion models');
    expect(typed).toMatchObject({ kind: 'error', message: '"diffusion models" is not an arXiv id or a paper\'s arxiv.org or huggingface.co/papers link.' });
    expect(textOf(typed)).toContain('/papers similar <arXiv id or link>');
    const discord = await h.core.handle(h.request({ platform: 'discord', name: 'similar', options: { id: 'https://example.com/2106.09685' } }));
    expect(textOf(discord)).toContain('/papers similar id:<arXiv id or link>');
    expect(textOf(await h.run('similar'))).toContain('Tell me which paper');
  });

  it('is listed by help', async () => {
    expect(textOf(await h.run('help'))).toContain('/papers similar <arXiv id or link>: Papers like one paper');
  });
});
