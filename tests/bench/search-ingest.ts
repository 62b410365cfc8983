import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { PaperSource, SourcePage } from '../../src/core/ports.ts';
import { openDb, type Db } from '../../src/db/client.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { BackgroundIndexer } from '../../src/db/background-indexer.ts';
import { silentLogger } from '../../src/logger.ts';
import { SearchService } from '../../src/search/search-service.ts';
import { makeSnippet, queryStems } from '../../src/search/snippet.ts';
import { mapDailyItem } from '../../src/sources/hf-schema.ts';
import { syntheticCorpus, type SyntheticPaper } from './corpus.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';

const PAGE = 100;

function hfItemOf(p: SyntheticPaper): unknown {
  return {
    paper: { id: p.id, title: p.title, summary: p.abstract, authors: p.authors.map((name) => ({ name })), upvotes: p.upvotes, publishedAt: '2025-01-01T00:00:00Z' },
    numComments: 0,
  };
}

/** Serves the corpus as raw Hugging Face items, 100 per page, through the same mapping as the real client. */
class CorpusSource implements PaperSource {
  constructor(private readonly raw: unknown[]) {}
  async fetchDay(day: string, onPage: (page: SourcePage, index: number) => void | Promise<void>) {
    for (let p = 0; p * PAGE < this.raw.length; p++) {
      const page: SourcePage = { papers: [], listings: [], skipped: [] };
      this.raw.slice(p * PAGE, (p + 1) * PAGE).forEach((item, i) => {
        const m = mapDailyItem(item, day, p * PAGE + i, 'https://huggingface.co');
        if (m.ok) {
          page.papers.push(m.paper);
          page.listings.push(m.listing);
        }
      });
      await onPage(page, p);
    }
    return { pages: Math.ceil(this.raw.length / PAGE), items: this.raw.length };
  }
}

function freshDb(label: string): { db: Db; drop: () => void } {
  const path = join(tmpdir(), `papers-bench-${label}-${process.pid}.db`);
  for (const file of databaseFiles(path)) rmSync(file, { force: true });
  const db = openDb(path, { migrate: true });
  return { db, drop: () => { db.close(); for (const file of databaseFiles(path)) rmSync(file, { force: true }); } };
}

function plainInsertLoop(db: Db, papers: SyntheticPaper[]): void {
  const insert = db.sqlite.prepare('INSERT INTO papers (id, title, abstract, authors, upvotes) VALUES (?, ?, ?, ?, ?)');
  const page = db.sqlite.transaction((rows: SyntheticPaper[]) => {
    for (const p of rows) insert.run(p.id, p.title, p.abstract, JSON.stringify(p.authors), p.upvotes);
  });
  for (let i = 0; i < papers.length; i += PAGE) page(papers.slice(i, i + PAGE));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function timeEach(fn: () => void, runs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export interface QueryCase {
  query: string;
  kind: 'selective' | 'common';
}

/** The query mix: words across the frequency range, pairs, and a phrase. */
function queryMix(words: string[]): QueryCase[] {
  const at = (rank: number) => words[rank]!;
  return [
    ...[0, 1, 2, 3, 5, 8].map((r) => ({ query: at(r), kind: 'common' as const })),
    { query: `${at(0)} ${at(1)}`, kind: 'common' },
    { query: `${at(2)} ${at(4)} ${at(6)}`, kind: 'common' },
    ...[300, 800, 2000, 5000, 12000, 25000].map((r) => ({ query: at(r), kind: 'selective' as const })),
    { query: `${at(0)} ${at(1500)}`, kind: 'selective' },
    { query: `"${at(400)} ${at(0)}"`, kind: 'selective' },
    { query: `${at(600)} ${at(700)}`, kind: 'selective' },
  ];
}

function rawMatch(query: string): string {
  const phrase = /^"(.*)"$/.exec(query);
  if (phrase) return `"${phrase[1]}"`;
  return query.split(' ').map((w) => `"${w}"`).join(' AND ');
}

export interface SearchIngestReport {
  corpus: number;
  ingest: { oursPerSec: number; baselinePerSec: number; ratio: number; oursRuns: number[]; baselineRuns: number[] };
  search: {
    all: { p50: number; p99: number };
    rawAll: { p50: number; p99: number };
    common: { p50: number; p99: number; rawP99: number };
    selective: { p50: number; p99: number; rawP50: number; rawP99: number; worstMedianRatio: number; medianRatio: number; medianRatioVsRows: number; worstRatioVsRows: number };
    perQuery: { query: string; kind: string; matches: number | string; oursMs: number; rawMs: number; rawWithRowsMs: number }[];
  };
}

export async function run(options: { papers?: number; runs?: number; ingestRuns?: number } = {}): Promise<SearchIngestReport> {
  const count = options.papers ?? 200_000;
  const runs = options.runs ?? 30;
  const corpus = syntheticCorpus(count);
  const raw = corpus.papers.map(hfItemOf);

  // Ingest is measured three times against the baseline, interleaved, and the medians compared: one run on
  // this shared machine can be 30% off either way.
  const ingestRuns = options.ingestRuns ?? 3;
  const baselineSecs: number[] = [];
  const oursSecs: number[] = [];
  let ours: { db: Db; drop: () => void } | undefined;
  for (let r = 0; r < ingestRuns; r++) {
    const base = freshDb('baseline');
    let t = performance.now();
    plainInsertLoop(base.db, corpus.papers);
    baselineSecs.push((performance.now() - t) / 1000);
    base.drop();
    ours?.drop();
    ours = freshDb('ours');
    // As `papers ingest --from/--to` runs a backfill: the search index is built on a second thread.
    const indexer = new BackgroundIndexer(ours.db.path);
    const ingestor = new Ingestor({ source: new CorpusSource(raw), papers: new PapersRepo(ours.db), searchRepo: new SearchRepo(ours.db), logger: silentLogger(), indexer });
    t = performance.now();
    await ingestor.ingestDay('2025-01-01');
    oursSecs.push((performance.now() - t) / 1000);
    await indexer.close();
  }
  const final = ours!;
  final.db.sqlite.pragma('optimize');
  const searchRepo = new SearchRepo(final.db);
  const baselineSec = median(baselineSecs);
  const oursSec = median(oursSecs);

  const search = new SearchService(searchRepo, new PapersRepo(final.db));
  const rawStmt = final.db.sqlite.prepare('SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 10');
  const rawFullStmt = final.db.sqlite.prepare(
    `SELECT p.*, papers_fts.rank AS rank
     FROM papers_fts JOIN papers p ON p.seq = papers_fts.rowid WHERE papers_fts MATCH ? ORDER BY papers_fts.rank LIMIT 10`,
  );
  const countStmt = final.db.sqlite.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
  const cases = queryMix(corpus.words);
  const perQuery: SearchIngestReport['search']['perQuery'] = [];
  const samples = { ours: [] as number[], raw: [] as number[], common: [] as number[], commonRaw: [] as number[], sel: [] as number[], selRaw: [] as number[] };
  const ratios: number[] = [];
  const fullRatios: number[] = [];
  for (const c of cases) {
    search.search(c.query);
    rawStmt.all(rawMatch(c.query));
    const o = timeEach(() => search.search(c.query), runs);
    const r = timeEach(() => rawStmt.all(rawMatch(c.query)), runs);
    // The index keeps no text (contentless), so snippets come from the rows, made as search makes them.
    const stems = queryStems(c.query.replace(/"/g, '').split(' '));
    const rf = timeEach(() => (rawFullStmt.all(rawMatch(c.query)) as { abstract: string }[]).map((r) => makeSnippet(r.abstract, stems)), runs);
    samples.ours.push(...o);
    samples.raw.push(...r);
    (c.kind === 'common' ? samples.common : samples.sel).push(...o);
    (c.kind === 'common' ? samples.commonRaw : samples.selRaw).push(...r);
    const om = percentile([...o].sort((a, b) => a - b), 50);
    const rm = percentile([...r].sort((a, b) => a - b), 50);
    const rfm = percentile([...rf].sort((a, b) => a - b), 50);
    if (c.kind === 'selective') {
      ratios.push(om / rm);
      fullRatios.push(om / rfm);
    }
    perQuery.push({ query: c.query, kind: c.kind, matches: (countStmt.get(rawMatch(c.query)) as { n: number }).n, oursMs: round(om), rawMs: round(rm), rawWithRowsMs: round(rfm) });
  }
  final.drop();
  const stats = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { p50: round(percentile(s, 50)), p99: round(percentile(s, 99)) };
  };
  const sel = stats(samples.sel);
  const selRaw = stats(samples.selRaw);
  return {
    corpus: count,
    ingest: {
      oursPerSec: Math.round(count / oursSec),
      baselinePerSec: Math.round(count / baselineSec),
      ratio: round(baselineSec / oursSec),
      oursRuns: oursSecs.map((sec) => Math.round(count / sec)),
      baselineRuns: baselineSecs.map((sec) => Math.round(count / sec)),
    },
    search: {
      all: stats(samples.ours),
      rawAll: stats(samples.raw),
      common: { ...stats(samples.common), rawP99: stats(samples.commonRaw).p99 },
      selective: { ...sel, rawP50: selRaw.p50, rawP99: selRaw.p99, worstMedianRatio: round(Math.max(...ratios)),
        medianRatio: round(percentile([...ratios].sort((a, b) => a - b), 50)),
        medianRatioVsRows: round(percentile([...fullRatios].sort((a, b) => a - b), 50)),
        worstRatioVsRows: round(Math.max(...fullRatios)),
      },
      perQuery,
    },
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
