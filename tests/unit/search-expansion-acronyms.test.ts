import { describe, expect, it } from 'vitest';
import { DayIndex } from '../../src/db/day-index.ts';
import { toFtsMatch } from '../../src/db/fts-query.ts';
import { makePaper } from '../helpers/papers.ts';
import { AcronymLexicon } from '../../src/search/acronym-lexicon.ts';
import { extractAcronyms } from '../../src/search/acronyms.ts';
import { expandQuery } from '../../src/search/expand.ts';
import { parseQuery } from '../../src/search/query.ts';
import { spellingVariant } from '../../src/search/spelling-variants.ts';
import { wordFamily } from '../../src/search/word-families.ts';

const defs = (text: string) => extractAcronyms(text).map((d) => `${d.acronym} = ${d.expansion}`);

describe('learning acronym definitions from abstracts', () => {
  it.each([
    ['We study text-to-image (T2I) generation.', 't2i = text to image'],
    ['Image-to-Video (I2V) models animate a still.', 'i2v = image to video'],
    ['We build on 3D Gaussian Splatting (3DGS) for scenes.', '3dgs = 3d gaussian splatting'],
    ['Extending 4D Gaussian Splatting (4DGS) to long videos.', '4dgs = 4d gaussian splatting'],
    ['the Vision Transformer (ViT) attains', 'vit = vision transformer'],
    ['Large Language Model Meta AI (LLaMA) is open.', 'llama = large language model meta ai'],
    ['We propose Visual Chain-of-Thought (VCoT) prompting.', 'vcot = visual chain of thought'],
    ['Tree of Thoughts (ToT) searches over thoughts.', 'tot = tree of thoughts'],
    ['Self-supervised learning (SSL) learns from raw audio.', 'ssl = self supervised learning'],
    ['A Sparse Mixture of Experts (SMoE) language model.', 'smoe = sparse mixture of experts'],
    ['Kolmogorov-Arnold Networks (KANs) place activations on edges.', 'kan = kolmogorov arnold networks'],
    ['Reinforcement learning from human feedback (RLHF) is unstable.', 'rlhf = reinforcement learning from human feedback'],
    ['We train a Multi-Token Prediction (MTP) head.', 'mtp = multi token prediction'],
    ['We study T2I (text-to-image) models.', 't2i = text to image'],
  ])('reads "%s" as %s', (text, expected) => {
    expect(defs(text)).toEqual([expected]);
  });

  it('keeps the acronym as the index splits it, so a hyphenated one matches literally', () => {
    expect(defs('Generative Pre-trained Transformer 4 (GPT-4) is strong.')).toEqual(['gpt 4 = generative pre trained transformer 4']);
    expect(defs('the Segment Anything Model 2 (SAM-2) tracks')).toEqual(['sam 2 = segment anything model 2']);
  });

  it('ignores parentheses that are not definitions: figures, years, plain words, lists', () => {
    expect(defs('as shown (Fig. 3), in 2024 (2024) and (see GPU) or (Ours) (a) (b) (ii)')).toEqual([]);
    expect(defs('methods (e.g. LoRA) help')).toEqual([]);
  });
});

describe('expanding acronyms in a query', () => {
  const lexicon = new AcronymLexicon([
    { acronym: 't2m', expansion: 'text to motion', count: 2 },
    { acronym: 'cl', expansion: 'continual learning', count: 6 },
    { acronym: 'cl', expansion: 'contrastive learning', count: 2 },
    { acronym: 'vlm', expansion: 'vision language models', count: 20 },
    { acronym: 'vlm', expansion: 'visual language model', count: 1 },
    { acronym: 'gpt 4o', expansion: 'generative pretrained transformer 4 omni', count: 1 },
  ]);
  const compile = (text: string) => toFtsMatch(expandQuery(parseQuery(text), lexicon));

  it('expands a learned acronym with digits, in any case', () => {
    expect(compile('T2M')).toBe('("t2m" OR {title abstract ai_keywords} : "text to motion")');
    expect(compile('t2m')).toBe(compile('T2M'));
    expect(compile('text-to-motion')).toBe('(("text" AND "to" AND "motion") OR {title abstract ai_keywords} : "t2m")');
  });

  it('matches a hyphenated acronym as the two words the index has', () => {
    expect(compile('GPT-4o')).toBe('("gpt 4o" OR {title abstract ai_keywords} : "generative pretrained transformer 4 omni")');
    expect(compile('generative pretrained transformer 4 omni')).toContain('(("generative" AND "pretrained" AND "transformer" AND "4" AND "omni") OR {title abstract ai_keywords} : "gpt 4o")');
  });

  it('finds an ambiguous acronym from one expansion only beside a word of that sense', () => {
    expect(compile('contrastive learning')).toBe('(("contrastive" AND "learning") OR {title abstract ai_keywords} : ("cl" AND "contrastive"))');
    expect(compile('continual learning')).toBe('(("continual" AND "learning") OR {title abstract ai_keywords} : ("cl" AND "continual"))');
  });

  it('lets a sense the corpus barely uses stay noise: the acronym stands alone for the usual sense', () => {
    expect(compile('vision language model')).toBe('(("vision" AND "language" AND "model") OR {title abstract ai_keywords} : "vlm")');
  });

  it('weights the senses of an ambiguous acronym by how often each is defined, and by the other words of the query', () => {
    const alone = expandQuery(parseQuery('CL'), lexicon).groups[0]!.map((a) => a.words.join(' '));
    expect(alone.filter((w) => w === 'continual learning')).toHaveLength(2);
    expect(alone.filter((w) => w === 'contrastive learning')).toHaveLength(1);
    expect(alone[0]).toBe('cl');
    const withContext = expandQuery(parseQuery('CL contrastive augmentations'), lexicon).groups[0]!.map((a) => a.words.join(' '));
    expect(withContext.filter((w) => w === 'contrastive learning')).toHaveLength(2);
    expect(withContext.filter((w) => w === 'continual learning')).toHaveLength(1);
  });

  it('merges the ways one sense is written: plural, hyphens, spaces', () => {
    const merged = new AcronymLexicon([
      { acronym: 'xfm', expansion: 'cross fusion models', count: 2 },
      { acronym: 'xfm', expansion: 'cross fusion model', count: 3 },
      { acronym: 'xfm', expansion: 'crossfusion model', count: 1 },
    ]);
    expect(merged.senses('xfm')).toHaveLength(1);
    expect(merged.senses('xfm')[0]!.count).toBe(6);
    expect(merged.expand('xfm')[0]).toBe('cross fusion model');
  });
});

describe('word families beyond Porter', () => {
  it.each([
    ['detector', ['detection']],
    ['detection', ['detector']],
    ['detectors', ['detection']],
    ['predictor', ['prediction']],
    ['extractor', ['extraction']],
    ['compressor', ['compression']],
    ['regressor', ['regression']],
    ['classifier', ['classification']],
    ['classification', ['classifier']],
    ['classify', ['classification']],
    ['verifier', ['verification']],
    ['planner', ['planning']],
    ['tracker', ['tracking']],
    ['ranker', ['ranking']],
    ['parser', ['parsing']],
    ['recognizer', ['recognition']],
    ['processor', ['processing']],
    ['solver', ['solution']],
  ])('folds %s into %j', (word, family) => {
    expect(wordFamily(word)).toEqual(expect.arrayContaining(family));
  });

  it.each(['optimizer', 'optimization', 'tokenizer', 'generator', 'estimator', 'encoder', 'transformer', 'simulator', 'reranker'])(
    'adds nothing for %s, which Porter already joins with its family',
    (word) => {
      expect(wordFamily(word)).toEqual([]);
    },
  );

  it.each(['vision', 'tensor', 'tension', 'motion', 'motor', 'action', 'actor', 'user', 'layer', 'computer', 'section', 'mention', 'function', 'learner', 'paper'])(
    'leaves the false friend %s alone',
    (word) => {
      expect(wordFamily(word)).toEqual([]);
    },
  );

  it('never spells an agent noun the British way ("detectour")', () => {
    expect(spellingVariant('detector')).toBeUndefined();
    expect(spellingVariant('compressors')).toBeUndefined();
    expect(spellingVariant('behavior')).toBe('behaviour');
  });

  it('turns a query word into the OR of its family, and nothing for a quoted phrase', () => {
    const lexicon = new AcronymLexicon();
    expect(toFtsMatch(expandQuery(parseQuery('object detector'), lexicon))).toBe('"object" AND ("detector" OR {title abstract ai_keywords} : "detection")');
    expect(toFtsMatch(expandQuery(parseQuery('"object detector"'), lexicon))).toBe('"object detector"');
    expect(toFtsMatch(expandQuery(parseQuery('object detector'), lexicon, { wordFamilies: false }))).toBe('"object" AND "detector"');
  });
});

describe('what an expansion adds is matched in the text, never in author names', () => {
  const lexicon = new AcronymLexicon([{ acronym: 'sam', expansion: 'segment anything model', count: 3 }]);
  const index = new DayIndex([
    makePaper({ id: '2501.00001', title: 'Scaling laws for neural language models', abstract: 'Loss falls as a power law.', authors: ['Sam McCandlish'] }),
    makePaper({ id: '2501.00002', title: 'Medical SAM for tumours', abstract: 'We adapt a promptable segmenter.', authors: ['Ada Lovelace'] }),
    makePaper({ id: '2501.00003', title: 'Color constancy', abstract: 'White balance.', authors: ['Optimize Jones'] }),
  ]);
  const matches = (text: string) => index.match(expandQuery(parseQuery(text), lexicon)).sort();

  it('finds the acronym in titles for its spelt-out words, not a paper by an author named Sam', () => {
    expect(matches('segment anything model')).toEqual(['2501.00002']);
  });

  it('still finds an author by the name a person typed', () => {
    expect(matches('sam')).toEqual(['2501.00001', '2501.00002']);
  });

  it('matches a spelling variant in the text only', () => {
    expect(matches('optimise')).toEqual([]);
    expect(matches('colour')).toEqual(['2501.00003']);
  });
});
