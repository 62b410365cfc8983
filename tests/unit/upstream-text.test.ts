import { describe, expect, it } from 'vitest';
import { storablePaper, withoutNul } from '../../src/ingest/upstream-text.ts';
import { makePaper } from '../helpers/papers.ts';

describe('upstream text made storable', () => {
  it('removes every NUL character from a text and leaves other control characters as they are', () => {
    expect(withoutNul('a\u0000b\u0000\u0000c\td')).toBe('abc\td');
    expect(withoutNul('plain')).toBe('plain');
  });

  it('removes NUL from every text field of a paper, lists included, and keeps its id and numbers', () => {
    const p = makePaper({ id: '2501.00001', title: 'T\u0000itle', abstract: 'A\u0000', authors: ['A\u0000da', 'Bob'], aiSummary: '\u0000S', aiKeywords: ['k\u0000'], categories: ['cs.\u0000LG'], githubRepo: 'o/r\u0000', projectPage: 'https://p\u0000', thumbnail: null, upvotes: 4 });
    expect(storablePaper(p)).toEqual({ ...p, title: 'Title', abstract: 'A', authors: ['Ada', 'Bob'], aiSummary: 'S', aiKeywords: ['k'], categories: ['cs.LG'], githubRepo: 'o/r', projectPage: 'https://p' });
  });

  it('gives back the very same paper when it holds no NUL (nothing copied on the usual path)', () => {
    const p = makePaper({ id: '2501.00002' });
    expect(storablePaper(p)).toBe(p);
  });
});
