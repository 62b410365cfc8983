import { describe, expect, it } from 'vitest';
import { bibtexEntries, bibtexEntry, citationKey, escapeLatex, yearOf } from '../../src/format/bibtex.ts';

const paper = (over: Partial<Parameters<typeof bibtexEntry>[0]> = {}) => ({
  id: '2503.00001',
  title: 'Diffusion Models for Protein Design',
  authors: ['Jane Smith', 'John Doe'],
  publishedAt: '2025-03-10',
  categories: ['cs.LG', 'q-bio.BM'],
  ...over,
});

describe('BibTeX entries', () => {
  it('builds an arXiv-style @misc entry from the stored fields', () => {
    expect(bibtexEntry(paper())).toBe(
      [
        '@misc{smith2025diffusion,',
        '  title = {{Diffusion Models for Protein Design}},',
        '  author = {Jane Smith and John Doe},',
        '  year = {2025},',
        '  eprint = {2503.00001},',
        '  archivePrefix = {arXiv},',
        '  primaryClass = {cs.LG},',
        '  url = {https://arxiv.org/abs/2503.00001},',
        '}',
      ].join('\n'),
    );
  });

  it('escapes every LaTeX special character in titles and names', () => {
    expect(escapeLatex('50% of R&D_costs #1 {x} $y$ a^b ~c \\d')).toBe(
      '50\\% of R\\&D\\_costs \\#1 \\{x\\} \\$y\\$ a\\textasciicircum{}b \\textasciitilde{}c \\textbackslash{}d',
    );
    const entry = bibtexEntry(paper({ title: 'Q&A at 100% {fast}', authors: ['Ann O_Neil'] }));
    expect(entry).toContain('title = {{Q\\&A at 100\\% \\{fast\\}}}');
    expect(entry).toContain('author = {Ann O\\_Neil}');
  });

  it('makes stable keys: family name folded to ASCII, year, first word that is not a stop word', () => {
    expect(citationKey(paper({ title: 'The Art of Scaling', authors: ['José Müller-Lüdenscheidt'] }))).toBe('mullerludenscheidt2025art');
    expect(citationKey(paper({ title: 'On-Policy Distillation', authors: ['Doe, John'] }))).toBe('doe2025policy');
    expect(citationKey(paper({ authors: [], title: '' }))).toBe('anon2025paper');
    expect(citationKey(paper())).toBe(citationKey(paper()));
  });

  it('takes the year from the publication date, else from the arXiv id, else leaves it out', () => {
    expect(yearOf({ id: '2401.00001', publishedAt: null })).toBe('2024');
    expect(yearOf({ id: 'hep-th/9901001', publishedAt: null })).toBeUndefined();
    const entry = bibtexEntry(paper({ id: 'hep-th/9901001', publishedAt: null, categories: [] }));
    expect(entry).toContain('@misc{smithnddiffusion,');
    expect(entry).not.toContain('year =');
    expect(entry).not.toContain('primaryClass');
  });

  it('keeps keys unique within one list', () => {
    const keys = bibtexEntries([paper(), paper({ id: '2503.00002' }), paper({ id: '2503.00003' })]).map((e) => /^@misc\{([^,]+),/.exec(e)![1]);
    expect(keys).toEqual(['smith2025diffusion', 'smith2025diffusionb', 'smith2025diffusionc']);
  });
});
