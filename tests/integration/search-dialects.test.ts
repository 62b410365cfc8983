import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { PgPapersStore } from '../../src/db/pg/papers-store.ts';
import { PgSearchStore } from '../../src/db/pg/search-store.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { searchStoreOf, type SearchStore } from '../../src/db/search-store.ts';
import { promised, type Async } from '../../src/db/stores.ts';
import { UsageError } from '../../src/errors.ts';
import { extractAcronyms } from '../../src/search/acronyms.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { SimilarPapers } from '../../src/search/similar.ts';
import { searchWeek, WEEK_NOW } from '../fixtures/search-week.ts';
import { BACKENDS, openBackend, type Backend, type BackendName } from '../helpers/backends.ts';

interface Side {
  name: BackendName;
  backend: Backend;
  store: SearchStore;
  search: SearchService;
  similar: SimilarPapers;
}

/** One written week on each dialect, stored and its acronyms learned as the ingest does, searched on its last feed day. */
async function open(name: BackendName): Promise<Side> {
  const backend = await openBackend(name, 'search-dialects');
  const papers: Async<PapersRepo> = backend.name === 'sqlite' ? promised(new PapersRepo(backend.db)) : new PgPapersStore(backend.pg);
  const store = backend.name === 'sqlite' ? searchStoreOf(new SearchRepo(backend.db)) : new PgSearchStore(backend.pg);
  const week = searchWeek();
  await papers.upsertPage(week.papers, week.listings);
  await store.recordAcronyms(week.papers.flatMap((p) => extractAcronyms(p.abstract)));
  return { name, backend, store, search: new SearchService(store, papers, { now: () => WEEK_NOW }), similar: new SimilarPapers(store, papers) };
}

// Cases of tests/unit/search-ranking-blend.test.ts whose order the blend decides, not the text relevance alone.
const SAME_TOP = [
  ['video generation', ['2506.01001', '2506.01002']],
  ['contrastive', ['2506.01003', '2506.01004']],
  ['hallucination', ['2506.01018', '2506.01017']],
  ['speculative decoding', ['2506.01005', '2505.01006']],
  ['knowledge distillation', ['2506.01007', '1906.01008']],
  ['reinforcement learning', ['2506.01011', '2506.01012']],
  ['segmentation', ['2506.01013', '2506.01014']],
  ['diffusion sort:new', ['2506.01036', '2506.01040', '2506.01001', '2506.01002']],
  ['diffusion sort:top', ['2506.01001', '2506.01036', '2506.01040', '2506.01002']],
  ['decoding sort:top', ['2505.01006', '2506.01005']],
  ['diffusion has:code', ['2506.01001', '2506.01036', '2506.01040']],
  ['diffusion stars:>=100', ['2506.01001']],
  ['diffusion stars:<100', ['2506.01036', '2506.01040']],
  ['language has:code sort:top', ['2506.01011', '2506.01015']],
  ['models stars:<1000', ['2506.01017', '2505.01006']],
  ['generation -video', ['2506.01024', '2506.01017', '2506.01029', '2506.01036']],
] as const;

const HOSTILE = ['"', "'", "''", '\\', ':*', '!graph', 'a & b | c', 'a <-> b', '(((', ')', 'x:A', "'; DROP TABLE papers; --", '\u0000', 'diff\u0000usion', 'é', '🙂', 'a'.repeat(3000), 'OR', '-', '"unclosed', 'author:"', 'since:2025-01-01'];

describe('search on SQLite and PostgreSQL', () => {
  const sides: Side[] = [];
  beforeAll(async () => {
    for (const name of BACKENDS) sides.push(await open(name));
  });
  afterAll(async () => {
    for (const s of sides) await s.backend.close();
  });
  const both = <T>(ask: (side: Side) => Promise<T>) => Promise.all(sides.map(ask));

  it.each(SAME_TOP)('ranks "%s" as %j on both', async (query, expected) => {
    const results = await both((s) => s.search.search(query, { limit: expected.length }));
    for (const r of results) expect(r.hits.map((h) => h.paper.id)).toEqual(expected);
    expect(results[1]!.total).toBe(results[0]!.total);
  });

  it('counts the same matches and pages the same papers for every query of the week', async () => {
    for (const query of ['diffusion', 'models', 'learning', 'transformer OR transformers', 'video -generation', 'language has:code', 'diffusion upvotes:>=20', 'since:2025-06-01 models']) {
      const [a, b] = await both(async (s) => {
        const pages = [];
        for (let offset = 0; offset < 40; offset += 7) pages.push(...(await s.search.search(query, { limit: 7, offset })).hits.map((h) => h.paper.id));
        return { total: (await s.search.search(query)).total, ids: pages.sort() };
      });
      expect(b, query).toEqual(a);
      expect(new Set(a!.ids).size, query).toBe(a!.ids.length);
    }
  });

  it('corrects misspelt words the same way on both', async () => {
    for (const query of ['difusion', 'speculativ decodng', 'halucination', 'segmentaton']) {
      const [a, b] = await both((s) => s.search.search(query));
      expect(a!.correctedQuery, query).toBeDefined();
      expect({ corrected: b!.correctedQuery, hits: b!.hits.map((h) => h.paper.id) }, query).toEqual({ corrected: a!.correctedQuery, hits: a!.hits.map((h) => h.paper.id) });
    }
  });

  it('learns the same acronyms and expands them alike', async () => {
    const [a, b] = await both(async (s) => (await s.store.learnedAcronyms()).sort((x, y) => `${x.acronym} ${x.expansion}`.localeCompare(`${y.acronym} ${y.expansion}`)));
    expect(b).toEqual(a);
    for (const query of ['RL', 'LLM', 'reinforcement learning', 'KD', 'RAG']) {
      const [ca, cb] = await both((s) => s.search.compile(query));
      expect(cb!.match, query).toEqual(ca!.match);
    }
  });

  it('compiles a topic with its corrections alike (the digest matcher)', async () => {
    const [a, b] = await both((s) => s.search.compileTopic('speculativ decoding'));
    expect(b).toEqual(a);
    expect(a!.corrected).toBe('speculative decoding');
  });

  it('finds the same similar papers', async () => {
    for (const id of ['2506.01001', '2506.01005', '2506.01011']) {
      const [a, b] = await both((s) => s.similar.find(id, 5));
      expect(b!.similar.map((x) => x.paper.id), id).toEqual(a!.similar.map((x) => x.paper.id));
    }
  });

  it('ranks a query matching more papers than the exact limit within its newest matches alike, saying so', async () => {
    const windowed = sides.map((s) => {
      const store = s.backend.name === 'sqlite' ? searchStoreOf(new SearchRepo(s.backend.db, { window: 5 })) : new PgSearchStore(s.backend.pg, { window: 5 });
      return store.rank({ groups: [[{ words: ['models'], phrase: false }]], exclude: [], authors: [] }, { limit: 5, offset: 0 }, { now: WEEK_NOW });
    });
    const [a, b] = await Promise.all(windowed);
    expect(a!.approximate).toBe(true);
    expect({ total: b!.total, approximate: b!.approximate, ids: b!.rows.map((r) => r.paper.id) }).toEqual({ total: a!.total, approximate: true, ids: a!.rows.map((r) => r.paper.id) });
  });

  it('answers hostile input on PostgreSQL as on SQLite: results or a usage error, never a database error', async () => {
    for (const text of HOSTILE) {
      const outcomes = await both((s) =>
        s.search.search(text).then(
          (r) => ({ ok: true, total: r.total }),
          (e: unknown) => {
            expect(e, JSON.stringify(text)).toBeInstanceOf(UsageError);
            return { ok: false, total: 0 };
          },
        ),
      );
      expect(outcomes[1], JSON.stringify(text)).toEqual(outcomes[0]);
    }
    const pg = sides.find((s) => s.name === 'postgres')!;
    expect(await pg.store.countMatches({ groups: [[{ words: ["'; DROP TABLE papers; --"], phrase: false }]], exclude: [], authors: [] }, 10)).toBe(0);
    expect(await pg.store.wordDocs('\u0000')).toBe(0);
    await pg.store.recordAcronyms([{ acronym: 'x\u0000', expansion: "it's \u0000 odd" }]);
  });
});
