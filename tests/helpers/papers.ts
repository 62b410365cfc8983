import type { Paper } from '../../src/core/types.ts';

let counter = 0;

/** A valid paper with overrides; ids are unique per call unless given. */
export function makePaper(overrides: Partial<Paper> = {}): Paper {
  counter += 1;
  return {
    id: `2501.${String(10000 + counter).padStart(5, '0')}`,
    title: `A study of things number ${counter}`,
    abstract: 'We present a method. It works well on benchmarks.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    publishedAt: '2025-01-15',
    upvotes: 10,
    comments: 0,
    aiSummary: null,
    aiKeywords: [],
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    thumbnail: null,
    categories: [],
    ...overrides,
  };
}
