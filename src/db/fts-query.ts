import type { MatchExpression, QueryTerm, TermGroup } from '../core/compiled-query.ts';

/** Quotes one string as an FTS5 string: the only way user text enters a MATCH expression. */
export function ftsString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The paper's text columns (every column but `authors`), for alternatives matched in the text only. */
const TEXT_COLUMNS = '{title abstract ai_keywords}';

function alternative(alt: QueryTerm): string {
  if (alt.phrase || alt.words.length === 1) return ftsString(alt.words.join(' '));
  return `(${alt.words.map(ftsString).join(' AND ')})`;
}

/** Any alternative; those matched in the text only come last, under one column filter. */
function group(alts: TermGroup): string {
  const everywhere = alts.filter((a) => !a.textOnly).map(alternative);
  const inText = alts.filter((a) => a.textOnly).map(alternative);
  const parts = inText.length === 0 ? everywhere : [...everywhere, `${TEXT_COLUMNS} : ${inText.length === 1 ? inText[0] : `(${inText.join(' OR ')})`}`];
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/**
 * Compiles a match expression into the SQLite FTS5 MATCH syntax. Every piece of user text is a quoted FTS5
 * string; only our own operators (AND, OR, NOT, parentheses, the `authors` column filter) are bare.
 */
export function toFtsMatch(query: MatchExpression): string {
  const required = [
    ...query.groups.map(group),
    ...query.authors.map((words) => `authors : ${ftsString(words.join(' '))}`),
  ];
  const positive = required.join(' AND ');
  if (query.exclude.length === 0) return positive;
  return `(${positive}) NOT ${group(query.exclude)}`;
}

function wordForms(word: string): string {
  const forms = new Set([word, word.endsWith('s') ? word.slice(0, -1) : `${word}s`].filter((w) => w.length > 1));
  return forms.size === 1 ? ftsString(word) : `(${[...forms].map(ftsString).join(' OR ')})`;
}

/**
 * An expression over single words (no phrases) for the unstemmed title-word index: every group must have an
 * alternative whose words all appear, each as written or with/without a plural `s`. Used only to rank.
 */
export function toTitleWordsMatch(query: Pick<MatchExpression, 'groups'>): string | undefined {
  if (query.groups.length === 0) return undefined;
  return query.groups
    .map((alts) => `(${alts.map((alt) => `(${alt.words.map(wordForms).join(' AND ')})`).join(' OR ')})`)
    .join(' AND ');
}
