import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordsOf } from '../../src/core/words.ts';
import { singleWord, type MatchExpression, type QueryTerm } from '../../src/core/compiled-query.ts';
import { PG_MIGRATIONS_FOLDER, type PgDb } from '../../src/db/pg/client.ts';
import { SEPARATORS } from '../../src/db/pg/schema.ts';
import { toTsQuery, tsRank } from '../../src/db/pg/tsquery.ts';
import { refreshVocabulary, similarWords } from '../../src/db/pg/vocabulary.ts';
import { UsageError } from '../../src/errors.ts';
import { parseQuery, type Clause } from '../../src/search/query.ts';
import { createTestPg } from '../helpers/pg-database.ts';

interface Seed {
  id: string;
  title: string;
  abstract?: string;
  authors?: string[];
  keywords?: string[];
}

const SEEDS: Seed[] = [
  { id: 'title', title: 'Diffusion models for images', abstract: 'We generate pictures.' },
  { id: 'abstract', title: 'Image generation at scale', abstract: 'A diffusion approach.' },
  { id: 'abstract3', title: 'Image generation at speed', abstract: 'A diffusion approach; diffusion helps; more diffusion.' },
  { id: 'keywords', title: 'Generative pictures', abstract: 'Nothing about it here.', keywords: ['diffusion'] },
  { id: 'author', title: 'Sampling tricks', abstract: 'Faster sampling.', authors: ['Dana Diffusion'] },
  { id: 'graph', title: 'Graph networks "OR" NOT', abstract: 'Message passing over molecules.', authors: ['Yann LeCun'] },
  { id: 'graph2', title: 'Graph transformers', abstract: 'Attention over video; passing message.' },
  { id: 'sam', title: 'Scaling laws', abstract: 'Compute budgets.', authors: ['Sam McCandlish'] },
  { id: 'segment', title: 'Segment anything (SAM) revisited', abstract: 'SAM masks, modelling objects.' },
  { id: 'schrodinger', title: 'Schrödinger bridges', abstract: 'GPT-4 solves 3.5 problems on arxiv.org.' },
  { id: 'yann-title', title: 'Yann and LeCun: a history', abstract: 'Not by them.' },
];

const word = (w: string, over: Partial<QueryTerm> = {}): QueryTerm => ({ words: [w], phrase: false, ...over });
const phrase = (...words: string[]): QueryTerm => ({ words, phrase: true });
const expr = (over: Partial<MatchExpression>): MatchExpression => ({ groups: [], exclude: [], authors: [], ...over });

describe('PostgreSQL search', () => {
  let db: PgDb;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ db, cleanup } = await createTestPg('pg-search'));
    for (const s of SEEDS) {
      await db.pool.query('INSERT INTO papers (id, title, abstract, authors, ai_keywords) VALUES ($1, $2, $3, $4, $5)', [
        s.id,
        s.title,
        s.abstract ?? '',
        JSON.stringify(s.authors ?? []),
        JSON.stringify(s.keywords ?? []),
      ]);
    }
    await refreshVocabulary(db.pool);
  });
  afterAll(async () => cleanup?.());

  /** The matching ids, best first (ts_rank_cd, then id). */
  async function ranked(query: MatchExpression): Promise<string[]> {
    const q = toTsQuery(query)!;
    const { rows } = await db.orm.execute<{ id: string }>(sql`SELECT id FROM papers WHERE search @@ ${q} ORDER BY ${tsRank(sql.raw('search'), q)} DESC, id`);
    return rows.map((r) => r.id);
  }
  const matched = async (query: MatchExpression) => (await ranked(query)).sort();

  it('ranks a title match above a keyword match, the keywords above the authors, the authors above an abstract match', async () => {
    const order = await ranked(singleWord('diffusion'));
    expect(order.filter((id) => id !== 'abstract3')).toEqual(['title', 'keywords', 'author', 'abstract']);
    expect(order.indexOf('abstract3')).toBeGreaterThan(order.indexOf('title'));
  });

  it('finds "diffusion" for "difusion" by trigram similarity over the title vocabulary', async () => {
    const words = await similarWords(db.pool, 'difusion');
    expect(words[0]).toMatchObject({ word: 'diffusion', doc: 1 });
    expect(words[0]!.similarity).toBeGreaterThan(0.5);
  });

  it('needs every group, any alternative of a group, and none of the exclusions', async () => {
    expect(await matched(expr({ groups: [[word('graph')], [word('attention')]] }))).toEqual(['graph2']);
    expect(await matched(expr({ groups: [[word('molecules'), word('video')]] }))).toEqual(['graph', 'graph2']);
    expect(await matched(expr({ groups: [[word('graph')]], exclude: [word('video')] }))).toEqual(['graph']);
    expect(await matched(expr({ groups: [[word('graph')]], exclude: [word('video'), word('molecules')] }))).toEqual([]);
    expect(await matched(expr({ groups: [[{ words: ['graph', 'video'], phrase: false }]] }))).toEqual(['graph2']);
  });

  it('matches a phrase only with its words next to each other, in order', async () => {
    expect(await matched(expr({ groups: [[phrase('message', 'passing')]] }))).toEqual(['graph']);
    expect(await matched(expr({ groups: [[phrase('passing', 'message')]] }))).toEqual(['graph2']);
    expect(await matched(expr({ groups: [[phrase('graph', 'transformers')]], exclude: [phrase('passing', 'message')] }))).toEqual([]);
  });

  it('stems words, folds diacritics and splits hyphens and dots as the query words are split', async () => {
    expect(await matched(singleWord('model'))).toEqual(['segment', 'title']);
    expect(await matched(singleWord('schrodinger'))).toEqual(['schrodinger']);
    expect(await matched(expr({ groups: [[phrase('gpt', '4')], [phrase('3', '5')], [phrase('arxiv', 'org')]] }))).toEqual(['schrodinger']);
    // No stop words, as in SQLite: "not" is a word like any other.
    expect(await matched(singleWord('not'))).toEqual(['graph', 'yann-title']);
  });

  it('matches authors in the author field only, and terms marked textOnly never in it', async () => {
    expect(await matched(expr({ authors: [['yann', 'lecun']] }))).toEqual(['graph']);
    expect(await matched(singleWord('yann'))).toEqual(['graph', 'yann-title']);
    expect(await matched(expr({ groups: [[word('sam')]] }))).toEqual(['sam', 'segment']);
    expect(await matched(expr({ groups: [[word('sam', { textOnly: true })]] }))).toEqual(['segment']);
    expect(await matched(expr({ groups: [[word('graph')]], authors: [['lecun']] }))).toEqual(['graph']);
  });

  it('reads tsquery operators and quotes in user words as text, never as syntax', async () => {
    expect(await matched(expr({ groups: [[word('or'), word('"')]] }))).toEqual(['graph']);
    expect(await matched(expr({ groups: [[word('or & not')]] }))).toEqual(['graph']);
    for (const hostile of ["'", "''", '\\', "E'x'", ':*', '!graph', 'graph | video', 'a <-> b', 'graph:A', '(', "'; DROP TABLE papers; --", '\u0000']) {
      await expect(ranked(expr({ groups: [[word(hostile)]] }))).resolves.toBeInstanceOf(Array);
    }
    const q = new PgDialect().sqlToQuery(toTsQuery(expr({ groups: [[word("'; DROP TABLE papers; --")]], authors: [['x:*']] }))!);
    expect(q.sql).not.toContain('DROP');
    expect(q.sql).not.toContain('x:*');
    expect(q.params).toEqual(["'; DROP TABLE papers; --", 'x:*']);
    expect((await db.pool.query('SELECT count(*) AS n FROM papers')).rows[0].n).toBe(SEEDS.length);
  });

  it('lets a word no index can hold match nothing, rather than vanish from the query', async () => {
    const long = 'x'.repeat(3000);
    expect(await matched(singleWord(long))).toEqual([]);
    expect(await matched(expr({ groups: [[word('graph')], [word(long)]] }))).toEqual([]);
    expect(await matched(expr({ groups: [[word('graph'), word(long)]] }))).toEqual(['graph', 'graph2']);
    expect(await matched(expr({ groups: [[word('graph')]], exclude: [word(long)] }))).toEqual(['graph', 'graph2']);
  });

  it('splits papers, queries and the vocabulary with the same separators', () => {
    const migrations = readdirSync(PG_MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql')).map((f) => readFileSync(join(PG_MIGRATIONS_FOLDER, f), 'utf8')).join('\n');
    const used = [...migrations.matchAll(/translate\((?:title|abstract|authors|ai_keywords|words), '([^']*)', '( *)'\)/g)];
    expect(used.map((m) => m[1])).toEqual(Array(used.length).fill(SEPARATORS));
    expect(used.map((m) => m[2]!.length)).toEqual(Array(used.length).fill(SEPARATORS.length));
    expect(used.length).toBe(4 + 1 + 2);
  });

  it('gives nothing to match for an expression without groups or authors', () => {
    expect(toTsQuery(expr({ exclude: [word('graph')] }))).toBeUndefined();
  });

  const run = async (query: MatchExpression): Promise<void> => {
    const q: SQL | undefined = toTsQuery(query);
    if (!q) return;
    await db.orm.execute(sql`SELECT count(*), max(${tsRank(sql.raw('search'), q)}) FROM papers WHERE search @@ ${q}`);
  };

  it('never fails on any words in any expression (property)', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30, unit: 'binary' }),
      fc.constantFrom("'", '\\', ':*', '&', '|', '!', '<->', '<2>', '(', ')', ':A', '', ' ', '\u0000', 'é', '中文', '🧪', 'graph'),
    );
    const termArb = fc.record({ words: fc.array(text, { minLength: 0, maxLength: 4 }), phrase: fc.boolean(), textOnly: fc.boolean() });
    const exprArb = fc.record({
      groups: fc.array(fc.array(termArb, { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
      exclude: fc.array(termArb, { maxLength: 2 }),
      authors: fc.array(fc.array(text, { minLength: 1, maxLength: 3 }), { maxLength: 2 }),
    });
    await fc.assert(fc.asyncProperty(exprArb, run), { numRuns: 300 });
  });

  it('never fails on any string a person can type, parsed as our search syntax (property)', async () => {
    const toTerm = (c: Clause): QueryTerm => ({ words: c.words, phrase: c.kind === 'phrase' });
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120, unit: 'binary' }), async (input) => {
        let parsed;
        try {
          parsed = parseQuery(input);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          return;
        }
        await run({ groups: parsed.groups.map((g) => g.map(toTerm)), exclude: parsed.exclude.map(toTerm), authors: parsed.authors.map(wordsOf) });
      }),
      { numRuns: 300 },
    );
  });
});
