import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createContext } from '../../src/context.ts';
import { openDb } from '../../src/db/client.ts';
import { storedAcronymsVersion } from '../../src/db/acronym-store.ts';
import { createLogger } from '../../src/logger.ts';
import { ACRONYM_EXTRACTOR_VERSION } from '../../src/search/acronyms.ts';
import { createTestDb } from '../helpers/db.ts';
import { makePaper } from '../helpers/papers.ts';

const test = createTestDb('acronyms-relearn');
afterAll(() => test.cleanup());

function logged(): { logger: ReturnType<typeof createLogger>; messages: () => string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ destination }), messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

describe('acronyms learned by an older extractor', () => {
  it('are learned again from the stored abstracts at the next start, once, so the new definitions are searchable', async () => {
    const first = createContext(loadConfig({}), logged().logger, { db: test.db });
    const paper = makePaper({ id: '2503.30001', title: 'Fast sampling for image generation', abstract: 'We study text-to-image (T2I) generation with few steps.' });
    first.papers.upsertPage([paper], [{ paperId: paper.id, feedDay: '2025-03-17', rank: 0, upvotes: 1 }]);
    // As a database written before versions were kept: an old extractor's table, no version row.
    test.db.sqlite.prepare('DELETE FROM acronyms').run();
    test.db.sqlite.prepare("INSERT INTO acronyms (acronym, expansion, count) VALUES ('old', 'stale definition', 3)").run();
    test.db.sqlite.prepare('DELETE FROM derived_state').run();
    first.planner.invalidate();

    const again = logged();
    const ctx = createContext(loadConfig({}), again.logger, { db: openDb(test.path) });
    expect(again.messages()).toContain('acronyms learned again from the stored abstracts');
    expect(storedAcronymsVersion(ctx.db)).toBe(ACRONYM_EXTRACTOR_VERSION);
    const learned = ctx.searchRepo.learnedAcronyms();
    expect(learned).toEqual(expect.arrayContaining([expect.objectContaining({ acronym: 't2i' })]));
    expect(learned.some((d) => d.acronym === 'old')).toBe(false);
    expect((await ctx.search.search('T2I', { limit: 5 })).hits.map((h) => h.paper.id)).toEqual(['2503.30001']);

    const third = logged();
    createContext(loadConfig({}), third.logger, { db: openDb(test.path) }).db.close();
    expect(third.messages()).not.toContain('acronyms learned again from the stored abstracts');
    ctx.db.close();
  });
});
