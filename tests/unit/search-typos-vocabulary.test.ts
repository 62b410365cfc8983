import { searchServiceOf } from '../helpers/search-service.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

describe('the spelling vocabulary', () => {
  const { db, cleanup } = createTestDb('spelling-vocabulary');
  afterAll(cleanup);
  const papers = new PapersRepo(db);
  const repo = new SearchRepo(db);
  const stored = () => db.sqlite.prepare('SELECT count(*) FROM fts.spelling_words').pluck().get() as number;

  it('is stored on first use, so that the next process reads it instead of walking the index', async () => {
    papers.upsertPage([makePaper({ id: '2508.00001', title: 'Hyperbolic embeddings of graphs' })], []);
    expect(stored()).toBe(0);
    expect((await searchServiceOf(repo, papers).search('hyperbolc')).correctedQuery).toBe('hyperbolic');
    expect(stored()).toBeGreaterThan(3);
    expect(repo.titleWords()).toContainEqual({ term: 'hyperbolic', doc: 1 });
  });

  it('follows the index: a paper indexed later is a word correction knows, and a deleted one is forgotten', async () => {
    papers.upsertPage([makePaper({ id: '2508.00002', title: 'Tensor networks for physics' })], []);
    expect(stored()).toBe(0);
    expect((await searchServiceOf(repo, papers).search('tensr networks')).correctedQuery).toBe('tensor networks');
    db.sqlite.prepare("DELETE FROM papers WHERE id = '2508.00002'").run();
    papers.indexPending();
    expect(repo.titleWords().map((w) => w.term)).not.toContain('tensor');
  });
});
