import { afterAll, describe, expect, it } from 'vitest';
import { searchWeek } from '../fixtures/search-week.ts';
import { createCoreHarness } from '../helpers/command-core.ts';

describe('/papers search with misspelt words', () => {
  const harness = createCoreHarness({ label: 'search-typos-command', now: new Date('2025-06-06T15:00:00Z') });
  const { papers, listings } = searchWeek();
  harness.ctx.papers.upsertPage(papers, listings);
  harness.ctx.search.refresh();
  afterAll(() => harness.close());

  it('says what it searched for instead, which words it changed, and how to search the words as written', async () => {
    const reply = await harness.run('search contrastve lerning');
    expect(reply.kind).toBe('papers');
    if (reply.kind !== 'papers') return;
    expect(reply.papers[0]!.id).toBe('2506.01003');
    expect(reply.note).toContain('Showing results for "contrastive learning" (contrastve → contrastive, lerning → learning).');
    expect(reply.note).toContain('Search for the words as written instead: /papers search contrastve lerning spell:off');
  });

  it('searches the words as written with spell:off, and says nothing matched', async () => {
    const reply = await harness.run('search contrastve lerning spell:off');
    expect(reply.kind).toBe('text');
    expect(reply.kind === 'text' && reply.title).toContain('No results');
  });

  it('writes the way back in Discord syntax on Discord', async () => {
    const reply = await harness.run('search gausian splating', { platform: 'discord' });
    expect(reply.kind === 'papers' && reply.note).toMatch(/Search for the words as written instead: \/papers search query:gausian splating spell:off/);
  });
});
