import { afterAll, describe, expect, it } from 'vitest';
import { recordedDay, writtenWeek } from '../helpers/search-days.ts';

// [typed, query run after correction, paper expected first]
const WEEK: [string, string, string][] = [
  ['difusion transformer', 'diffusion transformer', '2506.01001'],
  ['segmentaton', 'segmentation', '2506.01013'],
  ['quantizaton', 'quantization', '2506.01015'],
  ['halucination', 'hallucination', '2506.01018'],
  ['retreival augmented', 'retrieval augmented', '2506.01017'],
  ['mixtrue of experts', 'mixture experts', '2506.01016'],
  ['nerual radiance', 'neural radiance', '2506.01010'],
  ['multilingual tranlsation', 'multilingual translation', '2506.01020'],
  ['calibraton', 'calibration', '2506.01038'],
  ['trajectory predicton', 'trajectory prediction', '2506.01034'],
  ['muisc generation', 'music generation', '2506.01024'],
  ['adversarail attacks', 'adversarial attacks', '2506.01028'],
  ['equivariant difusion', 'equivariant diffusion', '2506.01036'],
  ['linaer attention', 'linear attention', '2506.01031'],
  ['robot navigaiton', 'robot navigation', '2506.01033'],
  // The first letter wrong, dropped, doubled or swapped.
  ['qaussian', 'gaussian', '2506.01009'],
  ['biffusion', 'diffusion', '2506.01001'],
  ['kokenizer', 'tokenizer', '2506.01019'],
  ['eeasoning', 'reasoning', '2506.01011'],
  ['easoning', 'reasoning', '2506.01011'],
  ['xreasoning', 'reasoning', '2506.01011'],
  ['rpotein structure', 'protein structure', '2506.01035'],
  ['vransformer', 'transformers', '2506.01001'],
  ['ransformer', 'transformers', '2506.01001'],
  // Two typos in one query.
  ['contrastve lerning', 'contrastive learning', '2506.01003'],
  ['speculatve decodng', 'speculative decoding', '2506.01005'],
  ['gausian splating', 'gaussian splatting', '2506.01009'],
  ['wether forcasting', 'weather forecasting', '2506.01026'],
  ['protien strucutre', 'protein structure', '2506.01035'],
  ['federatd privcy', 'federated privacy', '2506.01039'],
  ['hallucinaton benchmrk', 'hallucination benchmark', '2506.01018'],
];

const RECORDED: [string, string, string][] = [
  ['atention', 'attention', '1706.03762'],
  ['reinforcement lerning', 'reinforcement learning', '2501.12948'],
  ['segmnet anything', 'segment anything', '2304.02643'],
  ['segment anyting', 'segment anything', '2304.02643'],
  ['mamaba', 'mamba', '2312.00752'],
  ['qlroa', 'qlora', '2305.14314'],
  ['direct preferenc optimisation', 'direct preference optimisation', '2305.18290'],
  ['scalng laws', 'scaling laws', '2001.08361'],
  ['kaussian splatting', 'gaussian splatting', '2308.04079'],
  ['latnet difusion', 'latent diffusion', '2112.10752'],
  ['mixtral of exprets', 'mixtral experts', '2401.04088'],
  ['chian of thoguht', 'chain thought', '2201.11903'],
  ['denoising difusion probabilistc', 'denoising diffusion probabilistic', '2006.11239'],
  ['neural radiance feilds', 'neural radiance fields', '2003.08934'],
];

describe('typos anywhere in the query, on a written week', () => {
  const week = writtenWeek();
  afterAll(week.cleanup);

  it.each(WEEK)('corrects "%s" to "%s" and finds %s first', async (typed, corrected, first) => {
    const result = await week.search.search(typed);
    expect(result.correctedQuery).toBe(corrected);
    expect(result.hits[0]?.paper.id).toBe(first);
  });

  it('says which words it replaced and how to search the original words instead', async () => {
    const result = await week.search.search('contrastve lerning');
    expect(result.corrections).toEqual([
      { from: 'contrastve', to: 'contrastive' },
      { from: 'lerning', to: 'learning' },
    ]);
    expect(result.original).toBe('contrastve lerning spell:off');
    const asWritten = await week.search.search(result.original!);
    expect(asWritten.correctedQuery).toBeUndefined();
    expect(asWritten.hits).toEqual([]);
    expect(asWritten.query).toBe('contrastve lerning spell:off');
  });

  it('searches the words as written when asked to by option', async () => {
    const result = await week.search.search('contrastve lerning', { correct: false });
    expect(result.correctedQuery).toBeUndefined();
    expect(result.hits).toEqual([]);
  });

  it('leaves words the index has alone, and words with digits', async () => {
    for (const query of ['diffusion', 'gaussian splatting', 'speculative decoding', 'reasoning']) {
      expect((await week.search.search(query)).correctedQuery, query).toBeUndefined();
    }
    expect((await week.search.search('diffusion gpt4x')).correctedQuery).toBeUndefined();
  });

  it('changes the first letter of long words only: a short word is too often another word', async () => {
    // "hool" is one edit from "tool" and "pool"-like words, but only by its first letter.
    expect((await week.search.search('hool')).correctedQuery).toBeUndefined();
    expect((await week.search.search('tpol')).correctedQuery).toBe('tool');
  });

  it('corrects an unknown word beside an OR that already finds papers', async () => {
    const result = await week.search.search('halucination OR calibraton');
    expect(result.correctedQuery).toBe('hallucination OR calibration');
    expect(result.hits.map((h) => h.paper.id).sort()).toEqual(['2506.01017', '2506.01018', '2506.01038']);
  });

  it('pages a corrected query as the corrected query', async () => {
    const first = await week.search.search('difusion', { limit: 2 });
    const second = await week.search.search('difusion', { limit: 2, offset: 2 });
    expect(second.correctedQuery).toBe('diffusion');
    const all = (await week.search.search('diffusion', { limit: 4 })).hits.map((h) => h.paper.id);
    expect([...first.hits, ...second.hits].map((h) => h.paper.id)).toEqual(all);
  });

  it('keeps the filters and order of a corrected query', async () => {
    const result = await week.search.search('difusion has:code sort:top');
    expect(result.correctedQuery).toBe('diffusion has:code sort:top');
    expect(result.hits.map((h) => h.paper.id)).toEqual(['2506.01001', '2506.01036', '2506.01040']);
  });

  it('matches a misspelt topic as search corrects it', async () => {
    expect((await week.search.compileTopic('speculatve decodng')).corrected).toBe('speculative decoding');
    expect((await week.search.compileTopic('speculatve decodng spell:off')).corrected).toBeUndefined();
  });
});

describe('typos anywhere in the query, on the recorded feed day', () => {
  const day = recordedDay();
  afterAll(day.cleanup);

  it.each(RECORDED)('corrects "%s" to "%s" and finds %s first', async (typed, corrected, first) => {
    const result = await day.search.search(typed);
    expect(result.correctedQuery).toBe(corrected);
    expect(result.hits[0]?.paper.id).toBe(first);
  });
});
