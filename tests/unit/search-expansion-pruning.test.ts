import { afterAll, describe, expect, it } from 'vitest';
import { toFtsMatch } from '../../src/db/fts-query.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const { db, cleanup } = createTestDb('expansion-pruning');
afterAll(cleanup);
const papers = new PapersRepo(db);
const search = new SearchService(new SearchRepo(db), papers);
const compiled = (text: string) => toFtsMatch(search.compile(text).match);

describe('expansions the corpus cannot match', () => {
  it('leaves out a spelling no stored paper has, and searches it again once one does', () => {
    papers.upsertPage([makePaper({ id: '2501.00001', title: 'How to optimise a colour model', abstract: 'We optimise.' })], []);
    expect(compiled('optimise')).toBe('"optimise"');
    expect(search.search('optimise').hits.map((h) => h.paper.id)).toEqual(['2501.00001']);

    papers.upsertPage([makePaper({ id: '2501.00002', title: 'Optimize everything', abstract: 'An American paper.' })], []);
    search.refresh();
    expect(compiled('optimise')).toBe('("optimise" OR {title abstract ai_keywords} : "optimize")');
    expect(search.search('optimise').hits.map((h) => h.paper.id).sort()).toEqual(['2501.00001', '2501.00002']);
  });

  it('keeps the words a person typed even when no paper has them', () => {
    expect(compiled('zzyzx spell:off')).toBe('"zzyzx"');
  });
});
