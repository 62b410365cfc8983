import { describe, expect, it } from 'vitest';
import { toFtsMatch } from '../../src/db/fts-query.ts';
import { AcronymLexicon, expandQuery } from '../../src/search/expand.ts';
import { extractAcronyms } from '../../src/search/acronyms.ts';
import { formatQuery, parseQuery } from '../../src/search/query.ts';
import { spellingVariant } from '../../src/search/spelling-variants.ts';
import { UsageError } from '../../src/errors.ts';

const compile = (text: string) => toFtsMatch(expandQuery(parseQuery(text), new AcronymLexicon()));

describe('our search syntax', () => {
  it('reads words, phrases, exclusions, OR and filters', () => {
    const q = parseQuery('diffusion "video generation" -survey author:"Yann LeCun" since:2025-01-01 upvotes:>=20 a OR b');
    expect(q.groups.map((g) => g.map((c) => c.words.join(' ')))).toEqual([['diffusion'], ['video generation'], ['a', 'b']]);
    expect(q.exclude.map((c) => c.text)).toEqual(['survey']);
    expect(q.authors).toEqual(['Yann LeCun']);
    expect(q.since).toBe('2025-01-01');
    expect(q.upvotes).toEqual({ op: '>=', value: 20 });
    expect(formatQuery(q)).toBe('diffusion "video generation" a OR b -survey author:"Yann LeCun" since:2025-01-01 upvotes:>=20');
  });

  it('reads the ranking and correction operators and writes them back', () => {
    const q = parseQuery('diffusion has:code stars:>=100 sort:top spell:off');
    expect(q).toMatchObject({ hasCode: true, stars: { op: '>=', value: 100 }, sort: 'top', asWritten: true });
    expect(formatQuery(q)).toBe('diffusion stars:>=100 has:code sort:top spell:off');
    expect(parseQuery('diffusion SORT:new stars:5').stars).toEqual({ op: '>=', value: 5 });
    expect(parseQuery('diffusion sort:new sort:relevance').sort).toBeUndefined();
    expect(parseQuery(formatQuery(q))).toEqual(q);
  });

  it('quotes every user token, so FTS5 operators and punctuation are plain text', () => {
    expect(compile('AND')).toBe('"and"');
    expect(compile('NEAR(a b)')).toBe('"near a" AND "b"');
    expect(compile('LLaMA-3 C++')).toBe('"llama 3" AND "c"');
    expect(compile('title:foo')).toBe('"title foo"');
    expect(compile("don't")).toBe('"don t"');
  });

  it('leaves out papers with -word and keeps stop words only when nothing else is left', () => {
    expect(compile('the diffusion of -video')).toBe('("diffusion") NOT "video"');
    expect(compile('the')).toBe('"the"');
  });

  it('refuses empty, operator-only, malformed and over-long queries with a usage message', () => {
    for (const text of ['', '   ', '-foo', 'since:2025-01-01', '"" *** ---', 'since:yesterday foo', 'upvotes:lots x', 'x'.repeat(501), '\u0000\u0001']) {
      expect(() => parseQuery(text), text.slice(0, 20)).toThrow(UsageError);
    }
  });

  it.each([
    ['diffusion author:', /^author: needs a name/],
    ['author: diffusion', /^author: needs a name/],
    ['diffusion author:""', /^author: needs a name/],
    ['diffusion since:', /^since: needs a date/],
    ['diffusion upvotes:>=', /^upvotes:>= needs a number/],
    ['diffusion upvotes:', /^upvotes: needs a number/],
  ])('refuses the empty filter in "%s" as a usage error instead of searching the word', (text, message) => {
    expect(() => parseQuery(text)).toThrow(UsageError);
    expect(() => parseQuery(text)).toThrow(message);
  });

  it('still searches a word that merely ends in a colon', () => {
    expect(parseQuery('attention: all you need').groups[0]![0]!.words).toEqual(['attention']);
  });

  it('widens British and American spellings both ways', () => {
    expect(spellingVariant('optimisation')).toBe('optimization');
    expect(spellingVariant('optimization')).toBe('optimisation');
    expect(spellingVariant('colour')).toBe('color');
    expect(spellingVariant('modelling')).toBe('modeling');
    expect(spellingVariant('analyse')).toBe('analyze');
    expect(spellingVariant('four')).toBeUndefined();
    expect(spellingVariant('noise')).toBeUndefined();
    expect(compile('optimise')).toBe('("optimise" OR {title abstract ai_keywords} : "optimize")');
  });

  it('expands acronyms and finds acronyms from their expansions', () => {
    expect(compile('LoRA')).toBe('("lora" OR {title abstract ai_keywords} : "low rank adaptation")');
    expect(compile('low-rank adaptation')).toBe('(("low" AND "rank" AND "adaptation") OR {title abstract ai_keywords} : "lora")');
    expect(compile('mixture of experts routing')).toBe('(("mixture" AND "experts") OR {title abstract ai_keywords} : "moe") AND "routing"');
    const learned = new AcronymLexicon([{ acronym: 'gfm', expansion: 'graph foundation model', count: 3 }]);
    expect(toFtsMatch(expandQuery(parseQuery('GFM'), learned))).toBe('("gfm" OR {title abstract ai_keywords} : "graph foundation model")');
  });

  it('learns acronym definitions from abstracts', () => {
    expect(extractAcronyms('We introduce Retrieval-Augmented Generation (RAG) models.')).toEqual([{ acronym: 'rag', expansion: 'retrieval augmented generation' }]);
    expect(extractAcronyms('using Graph Foundation Models (GFMs) at scale')).toEqual([{ acronym: 'gfm', expansion: 'graph foundation models' }]);
    expect(extractAcronyms('as shown (Fig. 3) and (see GPU)')).toEqual([]);
  });
});
