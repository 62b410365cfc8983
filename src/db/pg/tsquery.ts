import { sql, type SQL } from 'drizzle-orm';
import type { MatchExpression, QueryTerm, TermGroup } from '../../core/compiled-query.ts';

/** Weight labels a term may be restricted to (see SEARCH_WEIGHTS): the text fields, or the authors. */
const TEXT_FIELDS = ':ABC';
const AUTHOR_FIELD = ':D';

/**
 * `ts_rank_cd` weights for {D, C, B, A} = {authors, abstract, keywords, title}: 2, 1, 4, 10 as SQLite's bm25
 * column weights (BM25_WEIGHTS in src/db/fts-index.ts), scaled to title 1.0. Higher ranks better, unlike bm25.
 */
export const TS_RANK_WEIGHTS = [0.2, 0.1, 0.4, 1.0] as const;

/**
 * One piece of user text as a tsquery, through `papers_tsquery` (drizzle/pg/0000_search_setup.sql): the text
 * is a bound parameter, split into words as the index splits papers and quoted whole by `quote_literal`, so
 * nothing in it is tsquery syntax; several words in it are a phrase (`<->`). Text that leaves no lexeme (a word
 * over 2,047 bytes) matches nothing rather than vanishing from an AND. NUL, which PostgreSQL text cannot
 * hold, becomes a space.
 */
function lexemes(text: string, fields: '' | typeof TEXT_FIELDS | typeof AUTHOR_FIELD = ''): SQL {
  return sql`papers_tsquery(${text.replaceAll('\u0000', ' ')}::text, ${sql.raw(`'${fields}'`)})`;
}

function joined(parts: SQL[], operator: '&&' | '||'): SQL {
  return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql.raw(` ${operator} `))})`;
}

/** One alternative: its words in order (a phrase), or each of them anywhere; in the text only when `textOnly`. */
function term(t: QueryTerm): SQL {
  const fields = t.textOnly ? TEXT_FIELDS : '';
  if (t.phrase || t.words.length <= 1) return lexemes(t.words.join(' '), fields);
  return joined(
    t.words.map((w) => lexemes(w, fields)),
    '&&',
  );
}

const group = (alternatives: TermGroup): SQL => joined(alternatives.map(term), '||');

/**
 * Compiles a match expression into a PostgreSQL tsquery expression (`papers.search @@ <it>`): every group
 * (`||` of its alternatives), every author as a phrase in the authors field, all `&&`-ed, then `&& !!` the
 * exclusions. Every user word is a bound parameter inside a quoted lexeme; only our own operators are SQL.
 * Returns undefined when there is nothing to match (no group and no author).
 */
export function toTsQuery(query: MatchExpression): SQL | undefined {
  const required = [...query.groups.filter((g) => g.length > 0).map(group), ...query.authors.map((words) => lexemes(words.join(' '), AUTHOR_FIELD))];
  if (required.length === 0) return undefined;
  const positive = joined(required, '&&');
  const exclude = query.exclude.length === 0 ? undefined : group(query.exclude);
  return exclude ? sql`(${positive} && !!${exclude})` : positive;
}

/** The relevance of a match (higher is better): ts_rank_cd over `vector` with {@link TS_RANK_WEIGHTS}. */
export function tsRank(vector: SQL, tsquery: SQL): SQL<number> {
  return sql<number>`ts_rank_cd(${sql.raw(`'{${TS_RANK_WEIGHTS.join(',')}}'::float4[]`)}, ${vector}, ${tsquery})`;
}
