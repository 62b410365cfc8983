import { searchServiceOf, similarPapersOf } from '../helpers/search-service.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { openDb } from '../../src/db/client.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { syntheticCorpus } from './corpus.ts';

export interface SimilarReport {
  corpus: number;
  asked: number;
  /** A fresh finder per call, as `/papers similar` and `papers similar` run it. */
  similar: { p50: number; p99: number };
  /** Baseline, same run: a search for the same paper's title (all its words), as a reader would try by hand. */
  search: { p50: number; p99: number };
  /** Baseline, same run: a one-word search for a mid-frequency word (the search bench's selective kind). */
  oneWord: { p50: number; p99: number };
  ratio: { p50: number; p99: number };
  ratioOneWord: { p50: number; p99: number };
  /** Mean neighbours found per paper (of 10 asked). */
  found: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number) => Math.round(x * 100) / 100;

/**
 * `npm run bench -- similar`: more-like-this latency at `papers` synthetic papers (default 200,000) against
 * a plain search in the same run, interleaved paper by paper so the machine's noise hits both alike.
 */
export async function run(options: { papers?: number; asked?: number } = {}): Promise<SimilarReport> {
  const count = options.papers ?? 200_000;
  const asked = options.asked ?? 200;
  const path = join(tmpdir(), `papers-bench-similar-${process.pid}.db`);
  for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const db = openDb(path, { migrate: true });
  try {
    const corpus = syntheticCorpus(count);
    const insert = db.sqlite.prepare('INSERT INTO papers (id, title, abstract, authors, upvotes) VALUES (?, ?, ?, ?, ?)');
    db.sqlite.transaction(() => {
      for (const p of corpus.papers) insert.run(p.id, p.title, p.abstract, JSON.stringify(p.authors), p.upvotes);
    })();
    const papers = new PapersRepo(db);
    papers.indexPending();
    db.sqlite.pragma('optimize');
    const searchRepo = new SearchRepo(db);
    const search = searchServiceOf(searchRepo, papers);
    const step = Math.max(1, Math.floor(count / asked));
    const ids = Array.from({ length: Math.min(asked, count) }, (_, i) => corpus.papers[i * step]!);
    // Warm-up: statements prepared, the index's pages in the cache, the JIT settled.
    for (const p of ids.slice(0, 20)) {
      await similarPapersOf(searchRepo, papers).find(p.id, 10);
      await search.search(p.title);
    }
    const word = corpus.words[Math.min(2000, corpus.words.length - 1)]!;
    const ours: number[] = [];
    const base: number[] = [];
    const one: number[] = [];
    let found = 0;
    for (const p of ids) {
      let t = performance.now();
      found += (await similarPapersOf(searchRepo, papers).find(p.id, 10))!.similar.length;
      ours.push(performance.now() - t);
      t = performance.now();
      await search.search(p.title);
      base.push(performance.now() - t);
      t = performance.now();
      await search.search(word);
      one.push(performance.now() - t);
    }
    const stats = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
    };
    const s = stats(ours);
    const b = stats(base);
    const o = stats(one);
    const ratio = (x: { p50: number; p99: number }) => ({ p50: round(s.p50 / x.p50), p99: round(s.p99 / x.p99) });
    return { corpus: count, asked: ids.length, similar: s, search: b, oneWord: o, ratio: ratio(b), ratioOneWord: ratio(o), found: round(found / ids.length) };
  } finally {
    db.close();
    for (const file of databaseFiles(path)) rmSync(file, { force: true });
  }
}
