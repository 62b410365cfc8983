import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CompiledQuery } from '../../src/core/compiled-query.ts';
import { DayIndex } from '../../src/db/day-index.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const root = process.cwd();

function importsIn(dir: string): { file: string; from: string }[] {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs)$/.test(e.name))
    .flatMap((e) => {
      const text = readFileSync(join(root, dir, e.name), 'utf8');
      return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => ({ file: e.name, from: m[1]! }));
    });
}

const query = (over: Partial<CompiledQuery>): CompiledQuery => ({ groups: [], exclude: [], authors: [], ...over });

describe('storage takes a compiled query, not query syntax', () => {
  const { db, cleanup } = createTestDb('compiled-query');
  afterAll(cleanup);
  const papers = new PapersRepo(db);
  papers.upsertPage(
    [
      makePaper({ id: '2504.00001', title: 'Graph networks "OR" NOT', abstract: 'Message passing.', upvotes: 5, publishedAt: '2025-04-01' }),
      makePaper({ id: '2504.00002', title: 'Graph transformers', abstract: 'Attention over video.', upvotes: 50, publishedAt: '2025-03-01' }),
    ],
    [],
  );
  const repo = new SearchRepo(db);
  const ids = (q: CompiledQuery) => repo.rank(q, { limit: 10, offset: 0 }).rows.map((r) => r.paper.id);

  it('ranks groups, exclusions and filters in the SQLite dialect, quoting every user word', () => {
    expect(ids(query({ groups: [[{ words: ['graph'], phrase: false }]] }))).toEqual(['2504.00002', '2504.00001']);
    expect(ids(query({ groups: [[{ words: ['graph'], phrase: false }]], exclude: [{ words: ['video'], phrase: false }] }))).toEqual(['2504.00001']);
    expect(ids(query({ groups: [[{ words: ['graph'], phrase: false }]], since: '2025-03-15' }))).toEqual(['2504.00001']);
    expect(ids(query({ groups: [[{ words: ['graph'], phrase: false }]], upvotes: { op: '>=', value: 10 } }))).toEqual(['2504.00002']);
    // FTS5 operators and quotes inside user words are text, never syntax.
    expect(ids(query({ groups: [[{ words: ['or'], phrase: false }, { words: ['"'], phrase: false }]] }))).toEqual(['2504.00001']);
    expect(repo.matchesAny(query({ groups: [[{ words: ['not', 'graph'], phrase: true }]] }))).toBe(false);
  });

  it('matches a day index with the same compiled expression', () => {
    const index = new DayIndex([papers.get('2504.00001')!, papers.get('2504.00002')!]);
    expect(index.match(query({ groups: [[{ words: ['attention'], phrase: false }, { words: ['message', 'passing'], phrase: true }]] }))).toHaveLength(2);
    index.close();
  });

  it('keeps src/db free of src/search, and search free of the Hugging Face schema', () => {
    expect(importsIn('src/db').filter((i) => /\/search\//.test(i.from))).toEqual([]);
    expect(importsIn('src/search').filter((i) => /\/sources\//.test(i.from))).toEqual([]);
  });

  it('keeps src/core to itself: no import of our other folders, none of node:http', () => {
    expect(importsIn('src/core').filter((i) => i.from.startsWith('..') || /^(node:)?https?$/.test(i.from))).toEqual([]);
  });
});
