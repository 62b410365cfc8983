import { wordsOf } from './query.ts';

/** The field's common acronyms, for when the corpus has not defined them yet. Expansions in lower case. */
export const COMMON_ACRONYMS: Record<string, string[]> = {
  llm: ['large language model'],
  llms: ['large language models'],
  mllm: ['multimodal large language model'],
  vlm: ['vision language model'],
  vla: ['vision language action'],
  rag: ['retrieval augmented generation'],
  rl: ['reinforcement learning'],
  rlhf: ['reinforcement learning from human feedback'],
  rlvr: ['reinforcement learning with verifiable rewards'],
  dpo: ['direct preference optimization'],
  ppo: ['proximal policy optimization'],
  grpo: ['group relative policy optimization'],
  sft: ['supervised fine tuning'],
  peft: ['parameter efficient fine tuning'],
  lora: ['low rank adaptation'],
  moe: ['mixture of experts'],
  cot: ['chain of thought'],
  nerf: ['neural radiance field'],
  gan: ['generative adversarial network'],
  vae: ['variational autoencoder'],
  vit: ['vision transformer'],
  dit: ['diffusion transformer'],
  gnn: ['graph neural network'],
  cnn: ['convolutional neural network'],
  rnn: ['recurrent neural network'],
  lstm: ['long short term memory'],
  mlp: ['multilayer perceptron'],
  ssm: ['state space model'],
  nlp: ['natural language processing'],
  asr: ['automatic speech recognition'],
  tts: ['text to speech'],
  ocr: ['optical character recognition'],
  vqa: ['visual question answering'],
  kd: ['knowledge distillation'],
  mcts: ['monte carlo tree search'],
  gs: ['gaussian splatting'],
  '3dgs': ['3d gaussian splatting'],
  icl: ['in context learning'],
  prm: ['process reward model'],
  orm: ['outcome reward model'],
  agi: ['artificial general intelligence'],
  sota: ['state of the art'],
};

export interface AcronymDefinition {
  acronym: string;
  expansion: string;
}

const DEFINITION = /\(([A-Za-z][A-Za-z0-9-]{1,11}?)(s)?\)/g;

function isAcronymLike(candidate: string): boolean {
  const upper = (candidate.match(/[A-Z]/g) ?? []).length;
  return upper >= 2 && /[A-Za-z]/.test(candidate[0]!) && !/^[A-Z][a-z]+$/.test(candidate);
}

/**
 * Finds the long form that an acronym abbreviates, Schwartz & Hearst style: walk the acronym's letters
 * backwards through the preceding words; the first letter must start a word. Returns the long form's words.
 */
function longFormFor(acronym: string, precedingWords: string[]): string[] | undefined {
  const letters = acronym.toLowerCase().replace(/[^a-z0-9]/g, '');
  const maxWords = Math.min(precedingWords.length, Math.max(letters.length + 3, letters.length * 2));
  const window = precedingWords.slice(precedingWords.length - maxWords).map((w) => w.toLowerCase());
  const text = window.join(' ');
  let li = letters.length - 1;
  let ti = text.length - 1;
  while (li >= 0) {
    const ch = letters[li]!;
    while (ti >= 0 && (text[ti] !== ch || (li === 0 && ti > 0 && text[ti - 1] !== ' '))) ti--;
    if (ti < 0) return undefined;
    li--;
    ti--;
  }
  const start = text.lastIndexOf(' ', ti + 1) + 1;
  const longForm = text.slice(start).split(' ').filter(Boolean);
  if (longForm.length < 2 || longForm.length > letters.length + 2) return undefined;
  return longForm;
}

/** Acronym definitions written in `text` ("Low-Rank Adaptation (LoRA)" gives lora = low rank adaptation). */
export function extractAcronyms(text: string): AcronymDefinition[] {
  const found: AcronymDefinition[] = [];
  for (const match of text.matchAll(DEFINITION)) {
    const candidate = match[1]!;
    if (!isAcronymLike(candidate)) continue;
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    const clause = before.split(/[.;:()[\]]/).pop() ?? '';
    const words = clause.split(/[\s-–/]+/).filter(Boolean);
    const longForm = longFormFor(candidate, words);
    if (!longForm) continue;
    const expansion = wordsOf(longForm.join(' ')).join(' ');
    const acronym = wordsOf(candidate).join('');
    if (expansion && acronym && expansion.split(' ').length >= 2) found.push({ acronym, expansion });
  }
  return found;
}
