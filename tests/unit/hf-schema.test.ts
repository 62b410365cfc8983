import { describe, expect, it } from 'vitest';
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
    }
  });
});
