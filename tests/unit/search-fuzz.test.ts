import { searchServiceOf } from '../helpers/search-service.ts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { UsageError } from '../../src/errors.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const hostile = fc.constantFrom(
  '"', '""', "'", '(', ')', '*', '-', '+', '^', ':', 'AND', 'OR', 'NOT', 'NEAR(', 'NEAR', '{', '}', '[', ']', ',', '\\',
  '\u0000', '\u202e', '🧪', '🚀', 'title:', 'authors:', 'author:', 'since:', 'upvotes:>=', "'; DROP TABLE papers; --",
  'SELECT * FROM papers', 'diffusion', 'LoRA', 'x'.repeat(300), ' ', '\n', '\t', 'é', 'Ω', '中文', '0', '-"',
  // The ranking and correction operators, well-formed and not, and misspelt words that correction rewrites.
  'sort:new', 'sort:top', 'sort:relevance', 'sort:', 'sort:"new"', 'sort:old', 'SORT:NEW', 'has:code', 'has:', 'has:"code"', 'has:data',
  '-has:code', 'stars:>=10', 'stars:>10', 'stars:<=5', 'stars:=0', 'stars:', 'stars:>=', 'stars:lots', 'stars:>=99999999999',
  'spell:off', 'spell:on', 'spell:', 'spell:"off"', 'difusion', 'dfifusion', 'xiffusion', 'modles', 'lroa', 'adaptaton',
);

describe('search never breaks on hostile input', () => {
  const { db, cleanup } = createTestDb('fuzz');
  const service = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
  const windowed = searchServiceOf(new SearchRepo(db, { window: 0 }), new PapersRepo(db));
  beforeAll(() => {
    new PapersRepo(db).upsertPage(
      [makePaper({ id: '2501.00001', title: 'Diffusion models', abstract: 'Low-Rank Adaptation (LoRA) for diffusion.', githubRepo: 'o/diffusion', githubStars: 12 })],
      [],
    );
  });
  afterAll(cleanup);

  it('answers any string with results or a usage message, never an FTS5 or SQL error, in both query plans', async () => {
    const answered = { service: 0, windowed: 0, found: 0 };
    const input = fc.oneof(fc.string({ maxLength: 80, unit: 'binary' }), fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join(' ')), fc.array(hostile, { maxLength: 12 }).map((parts) => parts.join('')));
    await fc.assert(
      fc.asyncProperty(input, async (text) => {
        for (const [name, s] of [['service', service], ['windowed', windowed]] as const) {
          try {
            const result = await s.search(text);
            expect(Array.isArray(result.hits)).toBe(true);
            answered[name]++;
            if (result.hits.length > 0) answered.found++;
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
          }
        }
      }),
      { numRuns: 1500 },
    );
    // Not a suite where everything is refused: many inputs are searched, and the hostile words that name
    // the stored paper (diffusion, LoRA) find it in both plans.
    expect(answered.service).toBeGreaterThan(500);
    expect(answered.windowed).toBe(answered.service);
    expect(answered.found).toBeGreaterThan(0);
  });

  it('answers every operator combined with misspelt words, in both query plans', async () => {
    const parts = fc.array(fc.constantFrom('sort:new', 'sort:top', 'has:code', 'stars:>=10', 'stars:<5', 'spell:off', 'difusion', 'modles', 'lroa', 'diffusion', '-models', 'OR', '"low rank"'), { minLength: 1, maxLength: 6 });
    let found = 0;
    await fc.assert(
      fc.asyncProperty(parts, async (words) => {
        for (const s of [service, windowed]) {
          try {
            const result = await s.search(words.join(' '));
            if (result.hits.length > 0) found++;
            for (const hit of result.hits) expect(hit.feedDay === null || typeof hit.feedDay === 'string').toBe(true);
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError);
          }
        }
      }),
      { numRuns: 400 },
    );
    expect(found).toBeGreaterThan(0);
  });

  it('leaves the database intact after hostile queries', async () => {
    await expect(service.search("'; DROP TABLE papers; --")).resolves.toBeDefined();
    expect(new PapersRepo(db).count()).toBe(1);
    expect((await service.search('diffusion')).hits.map((h) => h.paper.id)).toEqual(['2501.00001']);
  });

  it('answers a 5,000-character query with a clear message', async () => {
    await expect(service.search('attention '.repeat(500))).rejects.toThrow(/keep it under 500/);
  });
});
