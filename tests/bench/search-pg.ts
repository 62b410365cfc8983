import type { Listing, Paper } from '../../src/core/types.ts';
import { PgPapersStore } from '../../src/db/pg/papers-store.ts';
import { PgSearchStore } from '../../src/db/pg/search-store.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { mapDailyItem } from '../../src/sources/hf-schema.ts';
import { createTestPg } from '../helpers/pg-database.ts';
import { syntheticCorpus } from './corpus.ts';
import { hfItemOf, queryMix } from './search-ingest.ts';

export interface PgSearchReport {
  papers: number;
  loadSec: number;
  all: { p50: number; p99: number };
  byKind: Record<string, { p50: number; p99: number }>;
}

const BATCH = 1_000;

function stats(xs: number[]): { p50: number; p99: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return { p50: Math.round(at(50) * 100) / 100, p99: Math.round(at(99) * 100) / 100 };
}

/**
 * Search on PostgreSQL over the synthetic corpus of the SQLite search bench (same papers, same query mix):
 * the papers stored through the PostgreSQL papers store in pages, then the mix searched back to back, round
 * robin, `runs` times, through SearchService on PgSearchStore (p50/p99 as a service sees them).
 */
export async function run(options: { papers?: number; runs?: number } = {}): Promise<PgSearchReport> {
  const count = options.papers ?? 50_000;
  const runs = options.runs ?? 10;
  const corpus = syntheticCorpus(count);
  const { db, cleanup } = await createTestPg('bench-search');
  try {
    const store = new PgPapersStore(db);
    const t = performance.now();
    for (let from = 0; from < count; from += BATCH) {
      const papers: Paper[] = [];
      const listings: Listing[] = [];
      corpus.papers.slice(from, from + BATCH).forEach((p, i) => {
        const m = mapDailyItem(hfItemOf(p, from + i), '2025-01-15', from + i, 'https://huggingface.co');
        if (m.ok) {
          papers.push(m.paper);
          listings.push(m.listing);
        }
      });
      await store.upsertPage(papers, listings, { deferIndex: true });
    }
    await store.indexPending();
    await db.pool.query('ANALYZE papers');
    const loadSec = Math.round((performance.now() - t) / 100) / 10;
    const search = new SearchService(new PgSearchStore(db), store);
    const cases = queryMix(corpus.words);
    for (const c of cases) await search.search(c.query);
    const all: number[] = [];
    const byKind = new Map<string, number[]>();
    for (let r = 0; r < runs; r++) {
      for (const c of cases) {
        const started = performance.now();
        await search.search(c.query);
        const ms = performance.now() - started;
        all.push(ms);
        byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), ms]);
      }
    }
    return { papers: count, loadSec, all: stats(all), byKind: Object.fromEntries([...byKind].map(([k, xs]) => [k, stats(xs)])) };
  } finally {
    await cleanup();
  }
}
