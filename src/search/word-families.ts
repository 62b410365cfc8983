import { stemmer } from 'stemmer';

/**
 * Derivational families that Porter stemming keeps apart: the agent noun and the action it performs
 * ("detector" / "detection", "planner" / "planning", "classifier" / "classification"). Porter already
 * joins most -ize/-ization and -ator/-ation pairs ("optimizer" / "optimization"); these rules cover the rest.
 * Each rule rewrites a suffix; a variant that stems like the word itself is dropped (it adds nothing).
 */

/**
 * [suffix, replacement, shortest stem left] on the singular word; both directions are listed. The stem
 * bound spares short words ("her", "user", "tutor"); -ization has no -izator to go to.
 */
const RULES: [string, string, number][] = [
  ['ification', 'ifier', 2],
  ['ifier', 'ification', 2],
  ['ify', 'ification', 2],
  ['ization', '', 0],
  ['isation', '', 0],
  ['tion', 'tor', 4],
  ['tor', 'tion', 4],
  ['ssion', 'ssor', 4],
  ['ssor', 'ssion', 4],
  // Agent to action only: a paper on a "planner" says "planning" anyway, and -ing words are full of
  // false friends ("following", "containing", "computing").
  ['er', 'ing', 4],
];

/** Families the rules cannot spell. Each list is one family; any member finds the others. */
const IRREGULAR: string[][] = [
  ['recognizer', 'recognition'],
  ['recogniser', 'recognition'],
  ['synthesizer', 'synthesis'],
  ['synthesize', 'synthesis'],
  ['synthesise', 'synthesis'],
  ['analyzer', 'analysis'],
  ['analyser', 'analysis'],
  ['analyze', 'analysis'],
  ['analyse', 'analysis'],
  ['hypothesize', 'hypothesis'],
  ['explainer', 'explanation'],
  ['explain', 'explanation'],
  ['processor', 'processing'],
  ['perceiver', 'perception'],
  ['perceive', 'perception'],
  ['receiver', 'reception'],
  ['descriptor', 'description'],
  ['describe', 'description'],
  ['producer', 'production'],
  ['solver', 'solution'],
];

/**
 * Words whose look-alike is another meaning, not a family member ("vision" is not "visor", "user" is not
 * "using", "tensor" is not "tension"), or whose action is in nearly every paper ("learner" would find all
 * of "learning"); neither side of such a pair is rewritten.
 */
const FALSE_FRIENDS = new Set(
  [
    'action actor motion motor section sector direction director mention mentor caption captor function functor',
    'edition editor tension tensor vision visor station stator equation equator version mission question portion',
    'nation fusion decision precision position condition emission addition relation relator auction fiction',
    'lotion notion ration potion option factor faction doctor processor procession profession professor',
    'learner trainer teacher reader writer player runner',
    'user using layer laying computer computing container containing worker working speaker speaking follower',
    'following paper number water order other under power better letter matter timer timing later after never',
    'over however whether together rather either further member border buffer answer filter cluster character',
    'parameter meter master winter river cover lower upper inner outer outing owner manager leader reader',
    'heading header folder folding holder holding bring string thing during being morning evening ring king',
    'sing wing spring nothing something anything everything ceiling setting meaning beginning gender cancer',
    'finger danger hunger tiger liver silver super paper poster monster sister brother mother father daughter',
    'corner counter cancer offer differ suffer transfer prefer refer infer wonder ponder tender',
  ].join(' ').split(' '),
);

function singular(word: string): string {
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('sis') ? word.slice(0, -1) : word;
}

const irregularFamily = new Map<string, string[]>();
for (const family of IRREGULAR) {
  for (const member of family) irregularFamily.set(member, [...(irregularFamily.get(member) ?? []), ...family.filter((m) => m !== member)]);
}

/**
 * Other members of `word`'s derivational family (lower case), those Porter does not already conflate with
 * it: "detector" gives ["detection"], "planner" gives ["planning"], "classifier" gives ["classification"].
 * Empty for a false friend ("vision", "user") or a word no rule fits. Variants may be words no paper uses
 * ("attentor"): they then match nothing.
 */
export function wordFamily(word: string): string[] {
  const base = singular(word);
  const out = new Set<string>(irregularFamily.get(base) ?? []);
  for (const [suffix, replacement, minStem] of RULES) {
    if (FALSE_FRIENDS.has(base) || FALSE_FRIENDS.has(word)) break;
    if (!base.endsWith(suffix) || base.length - suffix.length < minStem) continue;
    if (!replacement) break;
    // A plain swap keeps a doubled consonant on both sides: planning / planner, parsing / parser.
    const variant = base.slice(0, -suffix.length) + replacement;
    if (!FALSE_FRIENDS.has(variant)) out.add(variant);
    break;
  }
  const own = stemmer(word);
  return [...out].filter((v) => v !== word && stemmer(v) !== own);
}
