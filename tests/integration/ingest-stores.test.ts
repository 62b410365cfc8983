import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AcronymDefinition } from '../../src/db/acronym-store.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { PgPapersStore } from '../../src/db/pg/papers-store.ts';
import { PgSearchStore } from '../../src/db/pg/search-store.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { searchStoreOf } from '../../src/db/search-store.ts';
import { promised, type Stores } from '../../src/db/stores.ts';
import { Ingestor, type AcronymRecorder } from '../../src/ingest/ingestor.ts';
import { silentLogger } from '../../src/logger.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { HfClient } from '../../src/sources/hf-client.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

const DAY = '2025-03-17';
const NUL = '\u0000';

/** The acronym port as a recorder: what the ingestor asked to count, in order. */
class RecordingAcronyms implements AcronymRecorder {
  readonly recorded: AcronymDefinition[] = [];
  async recordAcronyms(definitions: AcronymDefinition[]): Promise<void> {
    this.recorded.push(...definitions);
  }
}

const dayItems = (upvotesOfSecond = 7) => [
  hfItem({ id: '2503.50001', title: 'Lighthouse models for coastal navigation', summary: 'We train a Low-Rank Adaptation (LoRA) of a large model.', upvotes: 40 }),
  { paper: { title: 'an item without an id' } },
  'not an item at all',
  hfItem({
    id: '2503.50002',
    title: `Null${NUL} bytes in a ti${NUL}tle`,
    summary: `An abstract with a NUL${NUL} in it.`,
    ai_summary: `Summary${NUL}.`,
    ai_keywords: [`key${NUL}word`],
    authors: [{ name: `Grace${NUL} Hopper`, hidden: false }],
    upvotes: upvotesOfSecond,
  }),
];

describe.each(BACKENDS)('ingesting a feed day into the %s stores', (name) => {
  const hf = new FakeHfApi();
  let backend: Backend;
  let papers: Stores['papers'];
  const acronyms = new RecordingAcronyms();
  const ingestor = () =>
    new Ingestor({ source: new HfClient({ apiUrl: hf.url, timeoutMs: 2_000, maxRetries: 0, logger: silentLogger() }), papers, acronyms, logger: silentLogger() });

  beforeAll(async () => {
    await hf.start();
    hf.setDay(DAY, dayItems());
    backend = await openBackend(name, `ingest-stores-${name}`);
    papers = backend.name === 'sqlite' ? promised(new PapersRepo(backend.db)) : new PgPapersStore(backend.pg);
  });
  afterAll(async () => {
    await hf.stop();
    await backend?.close();
  });

  it('stores the day, skips the malformed items with their reasons and records the day as ingested', async () => {
    const report = await ingestor().ingestDay(DAY);
    expect(report).toMatchObject({ day: DAY, items: 4, changed: 2 });
    expect(report.skipped.map((s) => s.index)).toEqual([1, 2]);
    expect((await papers.listedOn(DAY)).map((p) => p.id)).toEqual(['2503.50001', '2503.50002']);
    expect(await papers.ingestedAmong([DAY, '2025-03-16'])).toEqual(new Set([DAY]));
    expect(await papers.feedDayOf('2503.50001')).toBe(DAY);
    expect(acronyms.recorded).toEqual([{ acronym: 'lora', expansion: 'low rank adaptation' }]);
  });

  it('stores upstream text without its NUL characters', async () => {
    const stored = (await papers.get('2503.50002'))!;
    expect(stored).toMatchObject({ title: 'Null bytes in a title', abstract: 'An abstract with a NUL in it.', aiSummary: 'Summary.', aiKeywords: ['keyword'], authors: ['Grace Hopper'] });
    const raw = await rawSql(backend, 'SELECT title, abstract FROM papers WHERE id = ?', ['2503.50002']);
    expect(JSON.stringify(raw)).not.toContain('\\u0000');
  });

  it('makes the stored papers searchable once the day is done', async () => {
    const store = backend.name === 'sqlite' ? searchStoreOf(new SearchRepo(backend.db)) : new PgSearchStore(backend.pg);
    const search = new SearchService(store, papers);
    expect((await search.search('lighthouse', { limit: 10, offset: 0 })).hits.map((h) => h.paper.id)).toEqual(['2503.50001']);
    if (backend.name === 'postgres') {
      // The day's end refreshed the spelling vocabulary.
      expect(await rawSql(backend, "SELECT word FROM paper_words WHERE word = 'lighthouse'")).toHaveLength(1);
    }
  });

  it('re-ingests the day idempotently: nothing changes, nothing duplicates, no acronym counted twice', async () => {
    const again = await ingestor().ingestDay(DAY);
    expect(again).toMatchObject({ items: 4, changed: 0 });
    expect(await papers.count()).toBe(2);
    expect(await rawSql(backend, 'SELECT paper_id FROM daily_listings ORDER BY paper_id')).toEqual([{ paper_id: '2503.50001' }, { paper_id: '2503.50002' }]);
    expect(acronyms.recorded).toHaveLength(1);
  });

  it('updates upvotes on a re-ingest that brings new counts', async () => {
    hf.setDay(DAY, dayItems(70));
    const report = await ingestor().ingestDay(DAY);
    expect(report.changed).toBe(1);
    expect((await papers.listedOn(DAY)).map((p) => [p.id, p.upvotes])).toEqual([
      ['2503.50002', 70],
      ['2503.50001', 40],
    ]);
  });
});
