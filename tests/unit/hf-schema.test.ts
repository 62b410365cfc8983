import { describe, expect, it } from 'vitest';
import { FIELD_CAPS } from '../../src/sources/field-caps.ts';
import { canonicalArxivId, mapDailyItem, normaliseGithubRepo } from '../../src/sources/hf-schema.ts';
import { hfItem } from '../fakes/hf-api.ts';

const BASE = 'https://huggingface.co';

describe('Hugging Face item mapping', () => {
  it('strips version suffixes and arXiv prefixes from ids, and rejects what is not an arXiv id', () => {
    expect(canonicalArxivId('2503.10407v2')).toBe('2503.10407');
    expect(canonicalArxivId('arXiv:2503.10407')).toBe('2503.10407');
    expect(canonicalArxivId('hep-th/9901001v1')).toBe('hep-th/9901001');
    expect(canonicalArxivId('2503.1040')).toBe('2503.1040');
    expect(canonicalArxivId('../../etc/passwd')).toBeUndefined();
    expect(canonicalArxivId('')).toBeUndefined();
  });

  it('normalises GitHub repositories written as URLs or owner/repo', () => {
    expect(normaliseGithubRepo('https://github.com/microsoft/LoRA')).toBe('microsoft/LoRA');
    expect(normaliseGithubRepo('https://github.com/owner/repo.git')).toBe('owner/repo');
    expect(normaliseGithubRepo('http://www.github.com/owner/repo/tree/main/src')).toBe('owner/repo');
    expect(normaliseGithubRepo('owner/repo')).toBe('owner/repo');
    expect(normaliseGithubRepo('https://gitlab.com/owner/repo')).toBeNull();
    expect(normaliseGithubRepo('')).toBeNull();
    expect(normaliseGithubRepo(null)).toBeNull();
  });

  it('reads paper fields first, falls back to the wrapper, drops hidden authors and collapses whitespace', () => {
    const raw = hfItem(
      {
        id: '2501.00001v3',
        title: undefined,
        summary: 'Line one\n  of the   abstract.\n',
        authors: [{ name: 'Visible One' }, { name: 'Secret', hidden: true }, { name: '  Visible   Two ' }],
        upvotes: 42,
        ai_summary: ' A  summary. ',
        ai_keywords: ['diffusion', ' video '],
        githubRepo: 'https://github.com/a/b',
        githubStars: 7,
      },
      { title: 'Wrapper\n Title', numComments: 5, thumbnail: '/thumbs/x.png' },
    );
    const mapped = mapDailyItem(raw, '2025-03-17', 4, BASE);
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    expect(mapped.paper).toMatchObject({
      id: '2501.00001',
      title: 'Wrapper Title',
      abstract: 'Line one of the abstract.',
      authors: ['Visible One', 'Visible Two'],
      upvotes: 42,
      comments: 5,
      aiSummary: 'A summary.',
      aiKeywords: ['diffusion', 'video'],
      githubRepo: 'a/b',
      githubStars: 7,
      publishedAt: '2025-03-14',
      thumbnail: 'https://huggingface.co/thumbs/x.png',
    });
    expect(mapped.listing).toEqual({ paperId: '2501.00001', feedDay: '2025-03-17', rank: 4, upvotes: 42 });
  });

  it('returns a reason instead of throwing for malformed items', () => {
    for (const raw of [null, 42, 'x', {}, { paper: {} }, { paper: { id: 17 } }, { paper: { id: 'not-an-id', title: 'x' } }, { paper: { id: '2501.00002' } }]) {
      const mapped = mapDailyItem(raw, '2025-03-17', 0, BASE);
      expect(mapped.ok).toBe(false);
      if (!mapped.ok) expect(mapped.reason.length).toBeGreaterThan(5);
    }
  });

  it('tolerates odd optional fields rather than dropping the paper', () => {
    const mapped = mapDailyItem(hfItem({ id: '2501.00003', upvotes: -4, ai_keywords: 'nope', projectPage: 'javascript:alert(1)' }), '2025-03-17', 0, BASE);
    expect(mapped.ok).toBe(true);
    if (mapped.ok) {
      expect(mapped.paper.upvotes).toBe(0);
      expect(mapped.paper.aiKeywords).toEqual([]);
      expect(mapped.paper.projectPage).toBeNull();
      expect(mapped.notes).toEqual([{ field: 'upvotes', problem: 'impossible number', value: '-4' }]);
    }
  });

  it('cuts every oversized field to its cap, on a word boundary, and notes each field once with its original size', () => {
    const mapped = mapDailyItem(
      hfItem({
        id: '2501.00004',
        title: 'Long '.repeat(1_000),
        summary: `${'abstract '.repeat(20_000)}\n\n`,
        authors: Array.from({ length: 600 }, (_, i) => ({ name: `${'N'.repeat(300)} ${i}` })),
        ai_summary: 'ai '.repeat(5_000),
        ai_keywords: [...Array.from({ length: 60 }, (_, i) => `k${i}`)],
        githubRepo: `https://github.com/a/${'b'.repeat(3_000)}`,
        thumbnail: `https://cdn.example/${'t'.repeat(3_000)}.png`,
      }, { thumbnail: undefined }),
      '2025-03-17',
      0,
      BASE,
    );
    expect(mapped.ok).toBe(true);
    if (!mapped.ok) return;
    const { paper, notes } = mapped;
    expect(paper.title.length).toBeLessThanOrEqual(FIELD_CAPS.title);
    expect(paper.title).toMatch(/^Long( Long)*…$/);
    expect(paper.abstract.length).toBeLessThanOrEqual(FIELD_CAPS.abstract);
    expect(paper.abstract).toMatch(/^abstract( abstract)*…$/);
    expect(paper.authors).toHaveLength(FIELD_CAPS.authors);
    expect(paper.authors.every((a) => a.length <= FIELD_CAPS.authorName)).toBe(true);
    expect(paper.aiSummary!.length).toBeLessThanOrEqual(FIELD_CAPS.aiSummary);
    expect(paper.aiKeywords).toHaveLength(FIELD_CAPS.aiKeywords);
    expect(paper.githubRepo).toBeNull();
    expect(paper.thumbnail).toBeNull();
    expect(notes.map((n) => n.field)).toEqual(['title', 'authors', 'aiKeywords', 'abstract', 'authorName', 'aiSummary', 'githubRepo', 'thumbnail']);
    expect(notes.find((n) => n.field === 'abstract')).toEqual({ field: 'abstract', problem: 'too long', originalSize: 9 * 20_000 + 2, cap: FIELD_CAPS.abstract });
    expect(notes.find((n) => n.field === 'authors')).toEqual({ field: 'authors', problem: 'too long', originalSize: 600, cap: FIELD_CAPS.authors });
  });

  it('keeps plausible counts and notes impossible ones (negative, fractional, infinite, absurd, not a number)', () => {
    const notesFor = (fields: Record<string, unknown>, wrapper: Record<string, unknown> = {}) => {
      const mapped = mapDailyItem(hfItem({ id: '2501.00005', ...fields }, wrapper), '2025-03-17', 0, BASE);
      return mapped.ok ? { paper: mapped.paper, notes: mapped.notes } : undefined;
    };
    expect(notesFor({ upvotes: 12, githubStars: 0 }, { numComments: 3 })).toMatchObject({ paper: { upvotes: 12, githubStars: 0, comments: 3 }, notes: [] });
    expect(notesFor({ upvotes: Infinity })!.notes).toEqual([{ field: 'upvotes', problem: 'impossible number', value: 'Infinity' }]);
    expect(notesFor({ upvotes: 2.5 })!.paper.upvotes).toBe(0);
    expect(notesFor({ upvotes: '12' })!.notes).toEqual([{ field: 'upvotes', problem: 'impossible number', value: '"12"' }]);
    expect(notesFor({ githubStars: 1e12 })).toMatchObject({ paper: { githubStars: null }, notes: [{ field: 'githubStars', value: '1000000000000' }] });
    expect(notesFor({}, { numComments: -1 })).toMatchObject({ paper: { comments: 0 }, notes: [{ field: 'numComments', value: '-1' }] });
    expect(notesFor({ upvotes: null })).toMatchObject({ paper: { upvotes: 0 }, notes: [] });
  });
});
