import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { toFtsMatch } from '../../src/db/fts-query.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const { db, cleanup } = createTestDb('expansion-pruning');
afterAll(cleanup);
const papers = new PapersRepo(db);
const search = searchServiceOf(new SearchRepo(db), papers);
const compiled = async (text: string) => toFtsMatch((await search.compile(text)).match);

describe('expansions the corpus cannot match', () => {
  it('leaves out a spelling no stored paper has, and searches it again once one does', async () => {
    papers.upsertPage([makePaper({ id: '2501.00001', title: 'How to optimise a colour model', abstract: 'We optimise.' })], []);
    expect((await compiled('optimise'))).toBe('"optimise"');
    expect((await search.search('optimise')).hits.map((h) => h.paper.id)).toEqual(['2501.00001']);

    papers.upsertPage([makePaper({ id: '2501.00002', title: 'Optimize everything', abstract: 'An American paper.' })], []);
    search.refresh();
    expect((await compiled('optimise'))).toBe('("optimise" OR {title abstract ai_keywords} : "optimize")');
    expect((await search.search('optimise')).hits.map((h) => h.paper.id).sort()).toEqual(['2501.00001', '2501.00002']);
  });

  it('keeps the words a person typed even when no paper has them', async () => {
    expect((await compiled('zzyzx spell:off'))).toBe('"zzyzx"');
  });
});
