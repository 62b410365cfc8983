/**
 * A synthetic but realistic corpus for benchmarks: titles and abstracts built from templates, with words
 * drawn from a Zipf distribution over the field's vocabulary plus thousands of rarer words, so that some
 * terms match most papers (model, learning) and others a handful.
 */
const DOMAIN = `model models learning language large data training performance method approach task tasks results
network neural show propose proposed based using use generation image images text dataset datasets benchmark
benchmarks transformer transformers attention diffusion reasoning reinforcement policy reward agents agent
multimodal vision video visual retrieval evaluation fine tuning pretraining pretrained inference efficient
efficiency scaling parameters tokens context long memory knowledge graph graphs representation representations
embedding embeddings encoder decoder architecture layer layers loss optimization optimisation gradient stochastic
alignment preference human feedback instruction instructions prompting prompt chain thought mathematical math
code coding program synthesis speech audio music robot robotics manipulation navigation planning control
segmentation detection object objects scene 3d point cloud rendering radiance field gaussian splatting mesh
quantization pruning distillation compression sparse mixture experts routing adapter lora low rank adaptation
safety robustness adversarial attack privacy federated fairness bias hallucination factuality calibration
uncertainty bayesian causal time series forecasting tabular medical clinical biology protein molecules
chemistry materials physics weather climate earth satellite remote sensing autonomous driving trajectory
simulation world video generation editing style transfer super resolution denoising restoration inpainting
tokenizer vocabulary multilingual translation summarization question answering dialogue conversational chat
assistant tool tools api web search engine recommendation ranking retrieval augmented rag agentic workflow
evaluation leaderboard open source weights release state space mamba recurrent convolutional kernel hardware
gpu memory throughput latency serving decoding speculative cache kv quantized precision fp8 training stability`
  .split(/\s+/)
  .filter(Boolean);

const FILLER = `we our this paper work in of the a an to and for with on by from that is are be as at which can
these new novel significantly improves outperforms existing prior methods across wide range demonstrate
experiments extensive furthermore moreover however while both also further study analysis framework system
introduce present achieve achieves state art competitive strong baseline baselines simple effective`
  .split(/\s+/)
  .filter(Boolean);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = 'ka lo mi ne ru ta vo zi pe qua fle gro tri spa nor bel cor dex fin hal jun kes lum mor pix ron sil tek vur wex yal zor'.split(' ');

/** Words ranked by frequency: the field's words first, then rarer invented ones. */
function vocabulary(size: number, random: () => number): string[] {
  const words = [...DOMAIN];
  const seen = new Set(words);
  while (words.length < size) {
    const n = 2 + Math.floor(random() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(random() * SYLLABLES.length)];
    if (!seen.has(w)) {
      seen.add(w);
      words.push(w);
    }
  }
  return words;
}

function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / Math.pow(i + 1, s);
    cdf[i] = total;
  }
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export interface SyntheticPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  upvotes: number;
}

export interface Corpus {
  papers: SyntheticPaper[];
  /** Vocabulary words by frequency rank (0 = most common). */
  words: string[];
}

const FIRST = 'Wei Li Ana Maria Chen Yu Sara John Priya Omar Lena Ivan Kenji Fatima Lucas Mei Noah Aisha Elena Jun'.split(' ');
const LAST = 'Zhang Wang Smith Garcia Kumar Ivanova Tanaka Muller Rossi Kim Nguyen Silva Cohen Okafor Larsen Novak Haddad Park Lopez Chen'.split(' ');

/** Builds `count` papers deterministically from `seed`. */
export function syntheticCorpus(count: number, seed = 42): Corpus {
  const random = rng(seed);
  const words = vocabulary(30_000, random);
  const sample = zipfSampler(words.length, 1.05, random);
  const filler = () => FILLER[Math.floor(random() * FILLER.length)]!;
  const term = () => words[sample()]!;
  const sentence = (len: number) => {
    const parts: string[] = [];
    for (let i = 0; i < len; i++) parts.push(random() < 0.45 ? filler() : term());
    const s = parts.join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + '.';
  };
  const papers: SyntheticPaper[] = [];
  for (let i = 0; i < count; i++) {
    const titleWords = Array.from({ length: 5 + Math.floor(random() * 6) }, () => (random() < 0.25 ? filler() : term()));
    const title = titleWords.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
    const sentences = Array.from({ length: 6 + Math.floor(random() * 4) }, () => sentence(14 + Math.floor(random() * 14)));
    const authors = Array.from({ length: 1 + Math.floor(random() * 6) }, () => `${FIRST[Math.floor(random() * FIRST.length)]} ${LAST[Math.floor(random() * LAST.length)]}`);
    const yymm = 2300 + Math.floor(i / 20000) * 1 + 1;
    papers.push({ id: `${yymm}.${String(i % 100000).padStart(5, '0')}`, title, abstract: sentences.join(' '), authors, upvotes: Math.floor(Math.pow(random(), 3) * 300) });
  }
  return { papers, words };
}
