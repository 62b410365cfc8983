import { similarPapersOf } from '../helpers/search-service.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import type { SimilarPapers } from '../../src/search/similar.ts';
import { paperIdFrom } from '../../src/search/similar.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';
import { ingestRecordedDays } from '../helpers/search-day.ts';

const FIXTURE = { day: '2025-03-17', file: 'tests/fixtures/hf-daily-2025-03-17.json' };

describe('more like this on the recorded day (2025-03-17)', () => {
  const testDb = createTestDb('similar-day');
  let similar: SimilarPapers;
  let ids: string[];
  beforeAll(async () => {
    const { papers, searchRepo } = await ingestRecordedDays(testDb.db, [FIXTURE]);
    similar = similarPapersOf(searchRepo, papers);
    ids = papers.listedOn(FIXTURE.day).map((p) => p.id);
  });
  afterAll(testDb.cleanup);

  const nearest = async (id: string, n: number) => (await similar.find(id, n))!.similar.map((s) => s.paper.id);

  // Each paper with the one (or two) a reader would call its closest neighbours on that day.
  const cases: { paper: string; about: string; nearest: string[]; within: number }[] = [
    { paper: '2106.09685', about: 'LoRA', nearest: ['2305.14314'], within: 1 }, // QLoRA
    { paper: '2305.14314', about: 'QLoRA', nearest: ['2106.09685'], within: 1 }, // LoRA
    { paper: '2308.04079', about: '3D Gaussian Splatting', nearest: ['2003.08934'], within: 1 }, // NeRF
    { paper: '2003.08934', about: 'NeRF', nearest: ['2308.04079'], within: 1 }, // 3D Gaussian Splatting
    { paper: '2112.10752', about: 'latent diffusion', nearest: ['2006.11239'], within: 1 }, // DDPM
    { paper: '2006.11239', about: 'DDPM', nearest: ['2112.10752'], within: 1 }, // latent diffusion
    { paper: '2305.18290', about: 'DPO', nearest: ['2203.02155'], within: 1 }, // RLHF (InstructGPT)
    { paper: '2203.02155', about: 'InstructGPT', nearest: ['2305.18290'], within: 2 }, // DPO
    { paper: '2010.11929', about: 'ViT', nearest: ['2103.00020', '1706.03762'], within: 3 }, // CLIP, the Transformer
    { paper: '2304.02643', about: 'Segment Anything', nearest: ['2103.00020'], within: 2 }, // CLIP (zero-shot, promptable)
  ];
  for (const c of cases) {
    it(`finds ${c.nearest.join(' and ')} among the ${c.within} papers closest to ${c.about} (${c.paper})`, async () => {
      expect((await nearest(c.paper, c.within))).toEqual(expect.arrayContaining(c.nearest));
    });
  }

  it('never lists the paper itself, and scores every neighbour between 0 and 1, closest first', async () => {
    for (const id of ids) {
      const result = (await similar.find(id, 20))!;
      expect(result.paper.id).toBe(id);
      expect(result.similar.map((s) => s.paper.id)).not.toContain(id);
      const scores = result.similar.map((s) => s.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
    }
  });

  it('gives at most `limit` papers, each with its feed day', async () => {
    const result = (await similar.find('2106.09685', 3))!;
    expect(result.similar).toHaveLength(3);
    for (const s of result.similar) expect(s.feedDay).toBe(FIXTURE.day);
  });

  it('answers undefined for a paper that is not stored', async () => {
    expect(await similar.find('2501.99999', 5)).toBeUndefined();
  });
});

describe('more like this on the acronym day (2025-06-02)', () => {
  const testDb = createTestDb('similar-acronyms');
  let similar: SimilarPapers;
  beforeAll(async () => {
    const { papers, searchRepo } = await ingestRecordedDays(testDb.db, [{ day: '2025-06-02', file: 'tests/fixtures/search-expansion-day-2025-06-02.json' }]);
    similar = similarPapersOf(searchRepo, papers);
  });
  afterAll(testDb.cleanup);

  const pairs: [string, string, string][] = [
    ['2506.00305', '2506.00306', 'a paper writing GNN and one writing graph neural networks'],
    ['2506.00311', '2506.00312', 'a paper writing MoE and one writing mixture-of-experts'],
    ['2506.00201', '2506.00204', 'two continual learning papers'],
    ['2506.00202', '2506.00203', 'two contrastive learning papers'],
    ['2506.00101', '2506.00503', 'two human motion generation papers'],
  ];
  for (const [a, b, about] of pairs) {
    it(`finds each of ${about} closest to the other (${a}, ${b})`, async () => {
      expect((await similar.find(a, 1))!.similar.map((s) => s.paper.id)).toEqual([b]);
      expect((await similar.find(b, 1))!.similar.map((s) => s.paper.id)).toEqual([a]);
    });
  }
});

describe('more like this on a small written set', () => {
  const testDb = createTestDb('similar-written');
  const papers = new PapersRepo(testDb.db);
  const similar = similarPapersOf(new SearchRepo(testDb.db), papers);
  const written = [
    makePaper({ id: '2501.00001', title: 'Protein folding with graph neural networks', abstract: 'We predict protein structure from amino acid sequences with a graph neural network over residues.', aiKeywords: ['protein folding', 'graph neural network'] }),
    makePaper({ id: '2501.00002', title: 'Residue graphs for protein structure prediction', abstract: 'Amino acid residues become nodes of a graph; message passing predicts the folded protein structure.' }),
    makePaper({ id: '2501.00003', title: 'Folding proteins faster', abstract: 'A faster protein folding predictor from sequences alone.' }),
    makePaper({ id: '2501.00004', title: 'Speculative decoding for large language models', abstract: 'A small draft model proposes tokens that the large language model verifies, speeding up decoding.' }),
    makePaper({ id: '2501.00005', title: 'Draft models make decoding fast', abstract: 'We train draft models for speculative decoding and verify tokens in parallel.' }),
    makePaper({ id: '2501.00006', title: 'Weather forecasting with transformers', abstract: 'Global weather forecasts from reanalysis data with a transformer.' }),
  ];
  beforeAll(() => papers.upsertPage(written, []));
  afterAll(testDb.cleanup);

  it('puts the papers on the same topic first and never the paper itself', async () => {
    const ids = (await similar.find('2501.00001', 10))!.similar.map((s) => s.paper.id);
    expect(ids.slice(0, 2).sort()).toEqual(['2501.00002', '2501.00003']);
    expect(ids).not.toContain('2501.00001');
  });

  it('finds the other speculative decoding paper first', async () => {
    expect((await similar.find('2501.00005', 1))!.similar.map((s) => s.paper.id)).toEqual(['2501.00004']);
  });

  it('lists no paper that shares no distinctive word', async () => {
    expect((await similar.find('2501.00006', 10))!.similar.map((s) => s.paper.id)).toEqual([]);
  });

  it('sees a new paper at once: nothing is cached between calls', async () => {
    papers.upsertPage([makePaper({ id: '2501.00007', title: 'Weather forecasting from reanalysis', abstract: 'Medium-range global weather forecasts.' })], []);
    expect((await similar.find('2501.00006', 10))!.similar.map((s) => s.paper.id)).toEqual(['2501.00007']);
  });
});

describe('paperIdFrom', () => {
  const forms: [string, string | undefined][] = [
    ['2503.10407', '2503.10407'],
    ['2503.10407v3', '2503.10407'],
    ['arXiv:2503.10407v2', '2503.10407'],
    ['  2503.10407  ', '2503.10407'],
    ['https://arxiv.org/abs/2503.10407', '2503.10407'],
    ['https://arxiv.org/abs/2503.10407v2', '2503.10407'],
    ['http://www.arxiv.org/pdf/2503.10407v1.pdf', '2503.10407'],
    ['arxiv.org/html/2503.10407v1', '2503.10407'],
    ['https://huggingface.co/papers/2503.10407', '2503.10407'],
    ['https://huggingface.co/papers/2503.10407?utm=x#comments', '2503.10407'],
    ['<https://huggingface.co/papers/2503.10407>', '2503.10407'],
    ['<https://arxiv.org/abs/2503.10407|arxiv.org/abs/2503.10407>', '2503.10407'],
    ['https://arxiv.org/abs/cs/0112017', 'cs/0112017'],
    ['diffusion models', undefined],
    ['https://example.com/papers/2503.10407', undefined],
    ['2503.104', undefined],
    ['', undefined],
  ];
  for (const [text, id] of forms) {
    it(`reads ${JSON.stringify(text)} as ${id ?? 'no paper'}`, () => {
      expect(paperIdFrom(text)).toBe(id);
    });
  }
});
