import { describe, expect, it } from 'vitest';
import { makeSnippet, queryStems } from '../../src/search/snippet.ts';

describe('search snippets', () => {
  it('marks every form of the query words and keeps the text as written', () => {
    expect(makeSnippet('Diffusion models model the data; modelling helps.', queryStems(['model']))).toBe(
      'Diffusion **models** **model** the data; **modelling** helps.',
    );
  });

  it('shows the densest run of matches, with ellipses where it cut', () => {
    const text = `${'filler '.repeat(40)}low rank adaptation of large models ${'tail '.repeat(40)}`;
    const snippet = makeSnippet(text, queryStems(['low', 'rank', 'adaptation']), 10);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain('**low** **rank** **adaptation**');
  });

  it('returns the opening words when nothing matches, and nothing for empty text', () => {
    expect(makeSnippet('One two three four', queryStems(['zebra']), 2)).toBe('One two…');
    expect(makeSnippet('', queryStems(['x']))).toBe('');
  });
});
