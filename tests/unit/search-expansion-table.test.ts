import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchRepo } from '../../src/db/search-repo.ts';
import { AcronymLexicon } from '../../src/search/acronym-lexicon.ts';
import { expandQuery } from '../../src/search/expand.ts';
import { parseQuery } from '../../src/search/query.ts';
import type { SearchService } from '../../src/search/search-service.ts';
import { createTestDb } from '../helpers/db.ts';
import { ingestRecordedDays } from '../helpers/search-day.ts';

type Kind = 'learned acronym' | 'ambiguous acronym' | 'built-in acronym' | 'word family' | 'false friend';

/**
 * One query and the papers a researcher would call relevant to it (those using its concept in the same
 * sense, whatever the word form); `never` are papers it must not find (the other sense, the look-alike).
 */
interface Case {
  kind: Kind;
  query: string;
  relevant: string[];
  never?: string[];
  /** The papers that may come first. */
  first?: string[];
}

const c = (kind: Kind, query: string, relevant: string[], extra: Partial<Case> = {}): Case => ({ kind, query, relevant, ...extra });
const id = (n: number) => `2506.${String(n).padStart(5, '0')}`;
const ids = (...ns: number[]) => ns.map(id);

/** The recorded fixture day (Hugging Face, 2025-03-17). */
const FIXTURE_DAY: Case[] = [
  c('learned acronym', 'ViT', ['2010.11929']),
  c('learned acronym', 'vision transformer', ['2010.11929']),
  c('learned acronym', 'SMoE', ['2401.04088']),
  c('learned acronym', 'sparse mixture of experts', ['2401.04088']),
  c('learned acronym', 'LDM', ['2112.10752']),
  c('learned acronym', 'SSM', ['2312.00752']),
  c('learned acronym', 'SAM', ['2304.02643']),
  c('learned acronym', 'SFT', ['2501.12948']),
  c('built-in acronym', 'MoE', ['2401.04088']),
  c('built-in acronym', 'RLHF', ['2305.18290', '2203.02155']),
  c('built-in acronym', 'reinforcement learning from human feedback', ['2305.18290', '2203.02155']),
  c('built-in acronym', 'DPO', ['2305.18290']),
  c('built-in acronym', 'direct preference optimization', ['2305.18290']),
  c('built-in acronym', 'CoT', ['2201.11903']),
  c('built-in acronym', 'chain-of-thought', ['2201.11903']),
  c('built-in acronym', '3DGS', ['2308.04079']),
  c('built-in acronym', '3D gaussian splatting', ['2308.04079']),
  c('built-in acronym', 'NeRF', ['2003.08934']),
  c('built-in acronym', 'neural radiance fields', ['2003.08934', '2308.04079']),
  c('built-in acronym', 'RAG', ['2005.11401']),
  c('built-in acronym', 'retrieval-augmented generation', ['2005.11401']),
  c('built-in acronym', 'LoRA', ['2106.09685', '2305.14314']),
  c('built-in acronym', 'low-rank adaptation', ['2106.09685', '2305.14314']),
  c('word family', 'classifier', ['2010.11929', '2305.18290', '2103.00020']),
  c('word family', 'image classifier', ['2010.11929', '2103.00020']),
  c('word family', 'recognizer', ['2010.11929', '2103.00020']),
  c('word family', 'predictor', ['2103.00020']),
  c('word family', 'optimizer', ['2305.18290', '2305.14314', '2308.04079', '2003.08934', '2112.10752']),
  c('word family', 'optimiser', ['2305.18290', '2305.14314', '2308.04079', '2003.08934', '2112.10752']),
  c('word family', 'optimisation', ['2305.18290', '2305.14314', '2308.04079', '2003.08934', '2112.10752']),
];

/** A second day written for these kinds (tests/fixtures/search-expansion-day-2025-06-02.json). */
const SECOND_DAY: Case[] = [
  ...['T2M', 'text-to-motion', 'text to motion'].map((q) => c('learned acronym', q, ids(101, 102))),
  ...['V2A', 'video-to-audio'].map((q) => c('learned acronym', q, ids(103, 104))),
  ...['VCoT', 'visual chain-of-thought'].map((q) => c('learned acronym', q, ids(105, 106))),
  ...['ReFT', 'representation finetuning'].map((q) => c('learned acronym', q, ids(107, 108))),
  ...['KAN', 'Kolmogorov-Arnold networks'].map((q) => c('learned acronym', q, ids(109, 110))),
  ...['TTRL', 'test-time reinforcement learning'].map((q) => c('learned acronym', q, ids(111, 112))),
  ...['contrastive lerning', 'contrastive learning'].map((q) =>
    c('ambiguous acronym', q, ids(202, 203), { never: ids(201, 204, 205), first: ids(202, 203) }),
  ),
  c('ambiguous acronym', 'continual learning', ids(201, 204, 205), { never: ids(202, 203) }),
  c('ambiguous acronym', 'CL', ids(201, 202, 203, 204, 205), { first: ids(201, 204, 205) }),
  c('ambiguous acronym', 'CL forgetting', ids(201, 204), { never: ids(202, 203) }),
  c('ambiguous acronym', 'large concept model', ids(206), { never: ids(207) }),
  c('ambiguous acronym', 'latent consistency model', ids(207), { never: ids(206) }),
  c('ambiguous acronym', 'LCM', ids(206, 207)),
  c('ambiguous acronym', 'chain of draft', ids(208), { never: ids(209) }),
  c('ambiguous acronym', 'camouflaged object detection', ids(209), { never: ids(208) }),
  c('ambiguous acronym', 'CoD', ids(208, 209)),
  c('ambiguous acronym', 'masked autoencoder', ids(210), { never: ids(211) }),
  c('ambiguous acronym', 'mean absolute error', ids(211), { never: ids(210) }),
  c('ambiguous acronym', 'MAE', ids(210, 211)),
  c('ambiguous acronym', 'self-supervised learning', ids(212), { never: ids(213) }),
  c('ambiguous acronym', 'semi-supervised learning', ids(213), { never: ids(212) }),
  c('ambiguous acronym', 'SSL', ids(212, 213)),
  ...[
    ['OOD', 'out-of-distribution', 301],
    ['PINN', 'physics-informed neural networks', 303],
    ['GNN', 'graph neural networks', 305],
    ['MDP', 'markov decision process', 307],
    ['PEFT', 'parameter-efficient fine-tuning', 309],
    ['MoE', 'mixture-of-experts', 311],
    ['SGD', 'stochastic gradient descent', 313],
  ].flatMap(([short, long, n]) => [c('built-in acronym', short as string, ids(n as number, (n as number) + 1)), c('built-in acronym', long as string, ids(n as number, (n as number) + 1))]),
  c('word family', 'detector', ids(401, 402, 301, 209)),
  c('word family', 'detection', ids(401, 402, 301, 209)),
  c('word family', 'object detector', ids(401, 209)),
  ...['optimizer', 'optimiser', 'optimisation'].map((q) => c('word family', q, ids(403, 404))),
  c('word family', 'learned optimizer', ids(403)),
  c('word family', 'planner', ids(405, 406, 308)),
  c('word family', 'verifier', ids(407, 408)),
  c('word family', 'classifier', ids(409, 410)),
  c('word family', 'classification', ids(409, 410)),
  c('word family', 'compressor', ids(411, 412, 501)),
  c('word family', 'reranker', ids(413, 414, 407)),
  c('word family', 'predictor', ids(415, 416, 206)),
  c('word family', 'prediction', ids(415, 416, 206)),
  c('word family', 'recognizer', ids(505, 210, 310, 212)),
  c('false friend', 'tensor', ids(501), { never: ids(502) }),
  c('false friend', 'tension', ids(502), { never: ids(501) }),
  c('false friend', 'motion', ids(101, 102, 103, 405, 503), { never: ids(504) }),
  c('false friend', 'motor', ids(504), { never: ids(503) }),
  c('false friend', 'action', ids(505, 509, 210, 307, 102), { never: ids(506) }),
  c('false friend', 'actor', ids(506), { never: ids(505) }),
  c('false friend', 'user', ids(507), { never: ids(111) }),
  c('false friend', 'learner', ids(210), { never: ids(201) }),
];

interface Tally {
  found: number;
  relevantFound: number;
  relevant: number;
}

const add = (t: Tally, found: string[], relevant: string[]) => {
  t.found += found.length;
  t.relevantFound += found.filter((f) => relevant.includes(f)).length;
  t.relevant += relevant.length;
};
const figures = (t: Tally) => `precision ${(t.relevantFound / t.found).toFixed(3)} (${t.relevantFound}/${t.found}), recall ${(t.relevantFound / t.relevant).toFixed(3)}`;

function runTable(name: string, files: { day: `${number}-${number}-${number}`; file: string }[], cases: Case[]) {
  describe(`query expansion on ${name}`, () => {
    const { db, cleanup } = createTestDb('expansion-table');
    let search: SearchService;
    let repo: SearchRepo;
    beforeAll(async () => {
      ({ search, searchRepo: repo } = await ingestRecordedDays(db, files));
    });
    afterAll(cleanup);

    it.each(cases.map((k) => [k.kind, k.query, k] as const))('%s: "%s" finds every relevant paper and none it must not', async (_kind, query, k) => {
      const found = (await search.search(query, { limit: 100 })).hits.map((h) => h.paper.id);
      expect(found).toEqual(expect.arrayContaining(k.relevant));
      for (const never of k.never ?? []) expect(found).not.toContain(never);
      if (k.first) expect(k.first).toContain(found[0]);
    });

    it('folds word families without losing precision on the word-form and false-friend cases', () => {
      const lexicon = new AcronymLexicon(repo.learnedAcronyms());
      const before: Tally = { found: 0, relevantFound: 0, relevant: 0 };
      const after: Tally = { found: 0, relevantFound: 0, relevant: 0 };
      for (const k of cases.filter((x) => x.kind === 'word family' || x.kind === 'false friend')) {
        const run = (wordFamilies: boolean) =>
          repo.rank(expandQuery(parseQuery(k.query), lexicon, { wordFamilies }), { limit: 100, offset: 0 }).rows.map((r) => r.paper.id);
        add(before, run(false), k.relevant);
        add(after, run(true), k.relevant);
      }
      console.info(`${name}: word forms without families: ${figures(before)}; with families: ${figures(after)}`);
      expect(after.relevantFound / after.found).toBeGreaterThanOrEqual(before.relevantFound / before.found);
      expect(after.relevantFound).toBeGreaterThan(before.relevantFound);
    });

    it('reaches every relevant paper of every acronym case', async () => {
      const tally: Tally = { found: 0, relevantFound: 0, relevant: 0 };
      for (const k of cases.filter((x) => x.kind.endsWith('acronym'))) {
        add(tally, (await search.search(k.query, { limit: 100 })).hits.map((h) => h.paper.id), k.relevant);
      }
      console.info(`${name}: acronym cases: ${figures(tally)}`);
      expect(tally.relevantFound).toBe(tally.relevant);
    });
  });
}

runTable('the recorded fixture day', [{ day: '2025-03-17', file: 'tests/fixtures/hf-daily-2025-03-17.json' }], FIXTURE_DAY);
runTable('a second day written for these kinds', [{ day: '2025-06-02', file: 'tests/fixtures/search-expansion-day-2025-06-02.json' }], SECOND_DAY);
