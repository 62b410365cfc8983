/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run (this machine is
 * shared and noisy, so ratios matter more than absolute figures). `BENCH_PAPERS` shrinks the corpus.
 */
import { run as cliStartUp } from './cli-start-up.ts';
import { run as searchIngest, typoAndOperatorLines } from './search-ingest.ts';
import { run as searchPg } from './search-pg.ts';
import { run as similar } from './similar.ts';

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  if (wanted('search')) {
    const papers = Number(process.env.BENCH_PAPERS ?? 200_000);
    console.log(`\n== ingest and search: ${papers.toLocaleString('en')} synthetic papers ==`);
    const r = await searchIngest({ papers });
    const runsOf = (xs: number[]) => xs.map((x) => x.toLocaleString('en')).join(', ');
    console.log(`ingest: ${r.ingest.oursPerSec.toLocaleString('en')} papers/s, median of ${runsOf(r.ingest.oursRuns)} (ours: validate + map + upsert + listings + acronyms + FTS on a second thread)`);
    console.log(`        ${r.ingest.baselinePerSec.toLocaleString('en')} papers/s, median of ${runsOf(r.ingest.baselineRuns)} (baseline: plain INSERT loop into the same tables, no FTS); ours/baseline = ${r.ingest.ratio}`);
    const st = r.search.steady;
    console.log(`search back to back, round robin over the mix (target: p99 at most 25 ms): whole mix p50 ${st.all.p50} ms, p99 ${st.all.p99} ms; common p50 ${st.common.p50} / p99 ${st.common.p99}; selective p50 ${st.selective.p50} / p99 ${st.selective.p99}; operators p50 ${st.operators.p50} / p99 ${st.operators.p99} ms`);
    console.log('interleaved with the raw baselines (for the ratios):');
    console.log(`search, whole mix:  p50 ${r.search.all.p50} ms, p99 ${r.search.all.p99} ms   (raw MATCH ORDER BY rank LIMIT 10: p50 ${r.search.rawAll.p50} ms, p99 ${r.search.rawAll.p99} ms)`);
    console.log(`  common terms:     p50 ${r.search.common.p50} ms, p99 ${r.search.common.p99} ms   (raw p99 ${r.search.common.rawP99} ms)`);
    console.log(`  selective terms:  p50 ${r.search.selective.p50} ms, p99 ${r.search.selective.p99} ms   (raw p50 ${r.search.selective.rawP50} ms, p99 ${r.search.selective.rawP99} ms)`);
    console.log(`  selective, ours / raw rowid+rank query:          median ${r.search.selective.medianRatio}x, worst ${r.search.selective.worstMedianRatio}x`);
    console.log(`  selective, ours / raw query returning the same rows and snippets: median ${r.search.selective.medianRatioVsRows}x, worst ${r.search.selective.worstRatioVsRows}x`);
    for (const line of typoAndOperatorLines(r)) console.log(line);
    console.table(r.search.perQuery);
    // The same corpus size as SQLite's unless told (loading 200,000 papers into PostgreSQL takes about two minutes).
    const pgPapers = Number(process.env.BENCH_PG_PAPERS ?? papers);
    const pg = await searchPg({ papers: pgPapers });
    const kinds = Object.entries(pg.byKind).map(([k, s]) => `${k} p50 ${s.p50} / p99 ${s.p99}`).join('; ');
    console.log(`\n== search on PostgreSQL: ${pg.papers.toLocaleString('en')} synthetic papers (loaded in ${pg.loadSec} s, ${Math.round(pg.papers / pg.loadSec).toLocaleString('en')} papers/s through the papers store; BENCH_PG_PAPERS sets the size) ==`);
    console.log(`search back to back, round robin over the same mix (target: p99 at most 50 ms): whole mix p50 ${pg.all.p50} ms, p99 ${pg.all.p99} ms; ${kinds} ms`);
  }
  if (wanted('similar')) {
    const r = await similar({ papers: Number(process.env.BENCH_PAPERS ?? 200_000) });
    console.log(`\n== more like this: ${r.corpus.toLocaleString('en')} synthetic papers, ${r.asked} papers asked ==`);
    console.log(`similar (10 of each, ${r.found} found on average): p50 ${r.similar.p50} ms, p99 ${r.similar.p99} ms`);
    console.log(`  search for the same paper's title: p50 ${r.search.p50} ms, p99 ${r.search.p99} ms; similar / it = ${r.ratio.p50}x at p50, ${r.ratio.p99}x at p99`);
    console.log(`  one-word selective search:         p50 ${r.oneWord.p50} ms, p99 ${r.oneWord.p99} ms; similar / it = ${r.ratioOneWord.p50}x at p50, ${r.ratioOneWord.p99}x at p99`);
  }
  if (wanted('cli')) {
    console.log('\n== CLI start-up: papers search through the bin (dist/) against node -e \'\' ==');
    const r = cliStartUp({ runs: Number(process.env.BENCH_CLI_RUNS ?? 15) });
    console.log(`papers search: ${r.searchMs} ms, node -e '': ${r.nodeMs} ms (medians of ${r.runs} interleaved runs); search/node = ${r.ratio}x (target: at most 400 ms)`);
  }
  if (wanted('taste')) await (await import('./taste.ts')).main();
  if (wanted('dashboard')) await (await import('./dashboard.ts')).main();
  if (wanted('fanout-processes')) await (await import('./fanout-processes.ts')).main();
  if (wanted('fanout')) {
    const fanout = './fanout.ts';
    const module = (await import(fanout).catch(() => undefined)) as { main?: () => Promise<void> } | undefined;
    await module?.main?.();
  }
}

await main();
