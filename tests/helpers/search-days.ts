import { searchServiceOf } from './search-service.ts';
import { readFileSync } from 'node:fs';
import type { Listing, Paper } from '../../src/core/types.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import type { SearchService } from '../../src/search/search-service.ts';
import { mapDailyItem } from '../../src/sources/hf-schema.ts';
import { searchWeek, WEEK_NOW } from '../fixtures/search-week.ts';
import { createTestDb } from './db.ts';

/** A search service over one loaded day (or week), with its clock fixed, and a way to drop its database. */
export interface SearchDay {
  search: SearchService;
  /** Ids in plain bm25 order (FTS5's own rank, no blend) for a MATCH of these words. */
  bm25Ids: (words: string[]) => string[];
  ids: (query: string) => Promise<string[]>;
  cleanup: () => void;
}

function load(label: string, papers: Paper[], listings: Listing[], now: Date): SearchDay {
  const { db, cleanup } = createTestDb(label);
  new PapersRepo(db).upsertPage(papers, listings);
  const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db), { now: () => now });
  const bm25 = db.sqlite.prepare('SELECT p.id FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid WHERE papers_fts MATCH ? ORDER BY papers_fts.rank').pluck();
  const bm25Ids = (words: string[]) => bm25.all(words.map((w) => `"${w}"`).join(' AND ')) as string[];
  return { search, bm25Ids, ids: async (query) => (await search.search(query, { limit: 20 })).hits.map((h) => h.paper.id), cleanup };
}

/** The recorded Hugging Face feed day 2025-03-17 (tests/fixtures/hf-daily-2025-03-17.json), searched that afternoon. */
export function recordedDay(): SearchDay {
  const day = '2025-03-17';
  const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];
  const papers: Paper[] = [];
  const listings: Listing[] = [];
  fixture.forEach((raw, rank) => {
    const item = mapDailyItem(raw, day, rank, 'https://huggingface.co');
    if (!item.ok) return;
    papers.push(item.paper);
    listings.push(item.listing);
  });
  return load('recorded-day', papers, listings, new Date(`${day}T15:00:00Z`));
}

/** The written week of tests/fixtures/search-week.ts, searched on its last feed day. */
export function writtenWeek(): SearchDay {
  const { papers, listings } = searchWeek();
  return load('written-week', papers, listings, WEEK_NOW);
}
