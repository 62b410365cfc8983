/**
 * British and American spellings of one word, so that either finds both ("optimise" / "optimize",
 * "colour" / "color", "modelling" / "modeling"). Rules on suffixes plus a few irregular pairs.
 */
const IRREGULAR: Record<string, string> = {
  grey: 'gray',
  aluminium: 'aluminum',
  programme: 'program',
  programmes: 'programs',
  catalogue: 'catalog',
  catalogues: 'catalogs',
  dialogue: 'dialog',
  dialogues: 'dialogs',
  analogue: 'analog',
  defence: 'defense',
  licence: 'license',
  offence: 'offense',
  judgement: 'judgment',
  acknowledgement: 'acknowledgment',
  artefact: 'artifact',
  artefacts: 'artifacts',
  sceptical: 'skeptical',
  manoeuvre: 'maneuver',
  oestrogen: 'estrogen',
  paediatric: 'pediatric',
  haemoglobin: 'hemoglobin',
  anaesthesia: 'anesthesia',
  foetus: 'fetus',
  enrolment: 'enrollment',
  fulfil: 'fulfill',
  skilful: 'skillful',
};
const REVERSE_IRREGULAR = Object.fromEntries(Object.entries(IRREGULAR).map(([uk, us]) => [us, uk]));

/** [British suffix, American suffix], longest first. */
const SUFFIXES: [string, string][] = [
  ['isations', 'izations'],
  ['isation', 'ization'],
  ['ising', 'izing'],
  ['ised', 'ized'],
  ['iser', 'izer'],
  ['isers', 'izers'],
  ['ises', 'izes'],
  ['ise', 'ize'],
  ['yse', 'yze'],
  ['ysed', 'yzed'],
  ['yses', 'yzes'],
  ['ysing', 'yzing'],
  ['ysers', 'yzers'],
  ['yser', 'yzer'],
  ['elling', 'eling'],
  ['elled', 'eled'],
  ['eller', 'eler'],
  ['ellers', 'elers'],
  ['our', 'or'],
  ['ours', 'ors'],
  ['oured', 'ored'],
  ['ouring', 'oring'],
  ['ourable', 'orable'],
  ['tre', 'ter'],
  ['tres', 'ters'],
];

/** Words where a rule would make a wrong word ("rise" is not "rize", "four" is not "for"). */
const NOT_VARIANTS = new Set([
  'rise', 'wise', 'precise', 'concise', 'noise', 'raise', 'praise', 'promise', 'premise', 'exercise', 'advise', 'devise',
  'revise', 'supervise', 'surprise', 'compromise', 'enterprise', 'expertise', 'franchise', 'merchandise', 'otherwise',
  'likewise', 'clockwise', 'pairwise', 'elementwise', 'pointwise', 'stepwise', 'layerwise', 'rowwise', 'denoise',
  'arise', 'paradise', 'disguise', 'cruise', 'bruise', 'poise', 'treatise', 'incise', 'excise', 'chastise', 'despise',
  'size', 'prize', 'seize', 'capsize', 'baize', 'maize', 'citizen', 'denizen',
  'four', 'hour', 'your', 'tour', 'pour', 'sour', 'flour', 'our', 'ours', 'yours', 'hours', 'tours', 'detour', 'contour',
  'for', 'or', 'nor', 'doctor', 'actor', 'factor', 'vector', 'tensor', 'sensor', 'author', 'error', 'mirror', 'motor',
  'major', 'minor', 'prior', 'tutor', 'editor', 'operator', 'generator', 'predictor', 'estimator', 'encoder', 'decoder',
  'metre', 'litre', 'after', 'filter', 'water', 'later', 'better', 'letter', 'matter', 'computer', 'parameter', 'cluster',
  'master', 'register', 'chapter', 'character', 'counter', 'enter', 'inter', 'winter', 'printer', 'pointer',
  'adapter', 'router', 'twitter', 'quarter', 'faster', 'poster', 'monster', 'easter', 'sister',
]);

/** Agent nouns in -tor/-sor ("detector", "compressor") never take the British -our. */
const AGENT_NOUN = /(t|s)ors?$/;

function applySuffixRules(word: string): string | undefined {
  for (const [uk, us] of SUFFIXES) {
    if (us.startsWith('or') && word.endsWith(us) && AGENT_NOUN.test(word)) continue;
    if (word.length - uk.length >= 3 && word.endsWith(uk)) return word.slice(0, -uk.length) + us;
    if (word.length - us.length >= 3 && word.endsWith(us)) return word.slice(0, -us.length) + uk;
  }
  return undefined;
}

/** The other spelling of `word` (lower case), or undefined when it has none. */
export function spellingVariant(word: string): string | undefined {
  const irregular = IRREGULAR[word] ?? REVERSE_IRREGULAR[word];
  if (irregular) return irregular;
  if (word.length < 5 || NOT_VARIANTS.has(word)) return undefined;
  const variant = applySuffixRules(word);
  return variant && !NOT_VARIANTS.has(variant) ? variant : undefined;
}
