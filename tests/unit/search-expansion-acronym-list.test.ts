import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { wordsOf } from '../../src/core/words.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { ACRONYM_LIST } from '../../src/search/acronym-list.ts';
import { AcronymLexicon, senseKey } from '../../src/search/acronym-lexicon.ts';
import { longFormFor } from '../../src/search/acronyms.ts';
import { isStopWord } from '../../src/search/query.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const entries = Object.entries(ACRONYM_LIST);

/** Acronyms whose letters do not spell their expansion in order, as the field writes them anyway. */
const NOT_SPELT_OUT = new Set(['xai', 'a2c', 'a3c', 'v2x']);

/** Common words that must never be built-in acronyms: their expansion would match every paper using the word. */
const COMMON_WORDS = new Set(
  'a an as at be by do go he if in is it me my no of on or so to up us we al et vs eg map art cat net pet fit run act aim arm bag ban bin box car cut dog ear eye fan few gap hat key law let lot man may mix new now old one own pay put raw red row see set sit six sun ten top two use way win yes clip cam rope lime sift hog dino sam got can fig tab ours'.split(
    ' ',
  ),
);

describe('the built-in acronym list', () => {
  it('has hundreds of the field\'s acronyms, each well-formed: lower-case index words, two-word expansions, no duplicate senses', () => {
    expect(entries.length).toBeGreaterThanOrEqual(300);
    for (const [acronym, expansions] of entries) {
      expect(acronym, acronym).toMatch(/^[a-z0-9]+( [a-z0-9]+)?$/);
      expect(wordsOf(acronym).join(' '), acronym).toBe(acronym);
      expect(/[a-z]/.test(acronym), acronym).toBe(true);
      expect(COMMON_WORDS.has(acronym) || isStopWord(acronym), `${acronym} is a common word`).toBe(false);
      expect(expansions.length, acronym).toBeGreaterThan(0);
      const keys = new Set<string>();
      for (const expansion of expansions) {
        expect(wordsOf(expansion).join(' '), `${acronym}: ${expansion}`).toBe(expansion);
        expect(expansion.split(' ').length, `${acronym}: ${expansion}`).toBeGreaterThanOrEqual(2);
        keys.add(senseKey(expansion.split(' ')));
      }
      // Two spellings of one sense are fine ("pretrained" and "pre trained"); two ways of saying it are not.
      const spellings = new Set(expansions.map((e) => e.replace(/ /g, '')));
      expect(keys.size, `${acronym} lists one sense twice`).toBe(spellings.size);
    }
  });

  it('spells each acronym out of its expansion, letter by letter, as a paper defining it would', () => {
    const unspelt = entries.flatMap(([acronym, expansions]) =>
      expansions.filter((e) => !NOT_SPELT_OUT.has(acronym) && longFormFor(acronym, e.split(' '))?.join(' ') !== e).map((e) => `${acronym}: ${e}`),
    );
    expect(unspelt).toEqual([]);
  });

  it('round-trips every entry in the lexicon: acronym to its expansions, each expansion back to the acronym', () => {
    const lexicon = new AcronymLexicon();
    const shared: string[] = [];
    for (const [acronym, expansions] of entries) {
      const key = acronym.replace(' ', '');
      for (const expansion of expansions) {
        expect(lexicon.expand(key), acronym).toContain(expansion);
        const back = lexicon.acronymFor(expansion.split(' '));
        if (back !== key) shared.push(`${expansion} -> ${back} (not ${key})`);
      }
    }
    // Only a plural entry may share its expansion with the singular one ("large language models" is llm's).
    expect(shared).toEqual(['large language models -> llm (not llms)']);
  });
});

describe('the built-in acronym list in search', () => {
  const { db, cleanup } = createTestDb('acronym-list');
  afterAll(cleanup);
  const lexicon = new AcronymLexicon();
  // Per sense: one paper that only uses the acronym (beside the sense's own words when it is ambiguous, as
  // real papers do) and one that only spells the sense out.
  const cases = entries.flatMap(([acronym, expansions], i) =>
    expansions.map((expansion, j) => {
      const key = acronym.replace(' ', '');
      const distinctive = expansions.length > 1 ? lexicon.distinctiveFor(key, expansion.split(' ')).join(' ') : '';
      const n = String(i * 10 + j).padStart(5, '0');
      return {
        acronym,
        expansion,
        short: makePaper({ id: `2601.${n}`, title: `Notes on ${acronym.toUpperCase().replace(' ', '-')}`, abstract: `We use it here. ${distinctive}` }),
        long: makePaper({ id: `2602.${n}`, title: `Notes on ${expansion}`, abstract: 'We report results.' }),
      };
    }),
  );
  new PapersRepo(db).upsertPage(cases.flatMap((c) => [c.short, c.long]), []);
  const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
  const found = async (query: string) => new Set((await search.search(query, { limit: 200 })).hits.map((h) => h.paper.id));

  it('finds, for every entry, the papers spelling it out from the acronym and the papers using the acronym from the expansion', async () => {
    const missed: string[] = [];
    for (const c of cases) {
      // As typed: VQ-VAE is one token to the user, two words to the index.
      const byAcronym = await found(c.acronym.toUpperCase().replace(' ', '-'));
      if (!byAcronym.has(c.short.id) || !byAcronym.has(c.long.id)) missed.push(`${c.acronym} -> ${c.expansion}`);
      const byExpansion = await found(c.expansion);
      if (!byExpansion.has(c.short.id) || !byExpansion.has(c.long.id)) missed.push(`${c.expansion} -> ${c.acronym}`);
    }
    expect(missed).toEqual([]);
  });

  it('keeps the senses of an ambiguous acronym apart when searching by one expansion', async () => {
    const leaked: string[] = [];
    for (const c of cases) {
      for (const other of cases) {
        if (other.acronym !== c.acronym || senseKey(other.expansion.split(' ')) === senseKey(c.expansion.split(' '))) continue;
        if ((await found(c.expansion)).has(other.short.id)) leaked.push(`${c.expansion} found ${other.acronym} meaning ${other.expansion}`);
      }
    }
    expect(leaked).toEqual([]);
  });
});
