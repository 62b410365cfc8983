import { searchServiceOf } from '../helpers/search-service.ts';
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/db/client.ts';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import type { SearchService } from '../../src/search/search-service.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { runCli } from '../helpers/cli.ts';
import { main } from '../../src/cli/main.ts';
import { testDbPath } from '../helpers/db.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';

const DAY = '2025-03-17';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

describe('the papers CLI on a day of real paper abstracts', () => {
  const hf = new FakeHfApi().setDay(DAY, fixture);
  const dbPath = testDbPath('cli');
  let env: Record<string, string>;
  let db: Db;
  let search: SearchService;
  /** The same CLI entry point in-process (faster than a child process; argv may carry any bytes). */
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'papers', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`), isTty: false }, { ...env, LOG_LEVEL: 'silent' });
    return { code, stdout, stderr };
  };
  const top = async (query: string, n = 1) => (await search.search(query, { limit: n })).hits.map((h) => h.paper.id);

  beforeAll(async () => {
    await hf.start();
    env = { HF_API_URL: hf.url, DATABASE_URL: `file:${dbPath}` };
    const ingest = await runCli(['ingest', '--date', DAY], env);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('18 papers listed');
    db = openDb(dbPath);
    search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
  });
  afterAll(async () => {
    db?.close();
    await hf.stop();
    for (const file of databaseFiles(dbPath)) rmSync(file, { force: true });
  });

  it('ingest reads the contract URL, page 0 then 1, with limit=100', () => {
    const calls = hf.requests.filter((r) => r.path === '/api/daily_papers');
    expect(calls.map((r) => r.query)).toEqual([
      { date: DAY, limit: '100', p: '0' },
      { date: DAY, limit: '100', p: '1' },
    ]);
  });

  it('search --json prints a ranked JSON array with id, title, upvotes and url', async () => {
    const result = await runCli(['search', 'low-rank', 'adaptation', '--json', '--limit', '2'], env);
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout) as { id: string; title: string; upvotes: number; url: string; snippet: string }[];
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ id: '2106.09685', url: 'https://huggingface.co/papers/2106.09685' });
    expect(items[0]!.title).toMatch(/^LoRA/);
    expect(typeof items[0]!.upvotes).toBe('number');
    expect(items[0]!.snippet).toContain('**');
  });

  it('answers topic queries in other word forms with the right paper first', async () => {
    expect((await top('denoising diffusion'))).toEqual(['2006.11239']);
    expect((await top('segmenting images'))).toEqual(['2304.02643']);
    expect((await top('quantized finetuning'))).toEqual(['2305.14314']);
    expect((await top('scaling law'))).toEqual(['2001.08361']);
    expect((await top('follow instruction'))).toEqual(['2203.02155']);
    expect((await top('author:vaswani'))).toEqual(['1706.03762']);
  });

  it('corrects misspelt words from the index vocabulary and says so', async () => {
    const result = await search.search('difusion');
    expect(result.correctedQuery).toBe('diffusion');
    expect(result.hits.map((h) => h.paper.id).slice(0, 2).sort()).toEqual(['2006.11239', '2112.10752']);
    expect((await search.search('atention is all you need')).hits[0]!.paper.id).toBe('1706.03762');
    const abstractOnly = await search.search('trainable paramters');
    expect(abstractOnly.correctedQuery).toBe('trainable parameters');
    expect(abstractOnly.hits[0]!.paper.id).toBe('2106.09685');
  });

  it('finds papers by acronym and by expansion alike', async () => {
    for (const q of ['RAG', 'retrieval augmented generation']) expect((await top(q)), q).toEqual(['2005.11401']);
    for (const q of ['NeRF', 'neural radiance fields']) expect((await top(q)), q).toEqual(['2003.08934']);
    for (const q of ['MoE', 'mixture of experts']) expect((await top(q)), q).toEqual(['2401.04088']);
    for (const q of ['CoT', 'chain of thought']) expect((await top(q)), q).toEqual(['2201.11903']);
    for (const q of ['ViT', 'vision transformer']) expect((await top(q)), q).toEqual(['2010.11929']);
    for (const q of ['LoRA', 'low-rank adaptation']) expect((await top(q)), q).toEqual(['2106.09685']);
  });

  it('finds a paper by its arXiv id or its arXiv / Hugging Face link', async () => {
    for (const q of ['2106.09685', '2106.09685v2', 'arXiv:2106.09685', 'https://arxiv.org/abs/2106.09685v2', 'https://arxiv.org/pdf/2106.09685', 'https://huggingface.co/papers/2106.09685']) {
      expect((await top(q)), q).toEqual(['2106.09685']);
    }
  });

  it('meets British and American spellings', async () => {
    expect((await top('preference optimisation'))).toEqual(['2305.18290']);
    expect((await top('quantised'))).toEqual(['2305.14314']);
  });

  it('answers hostile strings with results or a usage message, never a crash', async () => {
    for (const hostile of ['"', 'NEAR(', '*', '-', 'AND', "'; DROP TABLE papers; --", '🧪🚀', '\u0000x', 'x'.repeat(5000), 'C++ "unbalanced']) {
      const result = await cli(['search', '--json', '--', hostile]);
      expect([0, 2], `${hostile.slice(0, 10)}: ${result.stderr}`).toContain(result.code);
      if (result.code === 0) expect(Array.isArray(JSON.parse(result.stdout))).toBe(true);
      else expect(result.stderr).toMatch(/^papers: /);
    }
    expect((await top('diffusion', 5))).toContain('2006.11239');
  });

  it('shows one paper and explains an unknown id', async () => {
    const shown = await runCli(['show', '2106.09685v2', '--json'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: '2106.09685', githubRepo: 'microsoft/LoRA' });
    const missing = await cli(['show', '2999.99999']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not in the database/);
  });

  it('previews a digest for a day and topics as text', async () => {
    const result = await runCli(['digest', '--dry-run', '--date', DAY, '--top', '2', '--topic', 'diffusion', '--topic', 'RAG'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Digest for 2025-03-17: 2 papers/);
    expect(result.stdout).toMatch(/topic: (diffusion|RAG)/);
    expect(result.stdout).toMatch(/\+1 more: https:\/\/huggingface\.co\/papers\/date\/2025-03-17/);
  });

  it('exits 2 with the right form for usage errors', async () => {
    const results = [await cli(['ingest']), await cli(['ingest', '--date', '2025-02-30']), await cli(['search', '--limit', '0', 'x']), await cli(['digest'])];
    for (const r of results) expect(r.code, r.stderr).toBe(2);
    expect(results[0]!.stderr).toMatch(/Choose exactly one of --date, --today or --from\/--to/);
    expect(results[1]!.stderr).toMatch(/not a date/);
  });
});

describe('papers ingest --from/--to', () => {
  const hf = new FakeHfApi();
  const dbPath = testDbPath('cli-backfill');
  const day = (d: string, from: number) => Array.from({ length: 120 }, (_, i) => hfItem({ id: `2504.${10000 + from + i}`, title: `Backfilled paper ${d} number ${i}` }));

  beforeAll(async () => {
    await hf.start();
    hf.setDay('2025-04-01', day('2025-04-01', 0)).setDay('2025-04-02', day('2025-04-02', 500));
  });
  afterAll(async () => {
    await hf.stop();
    for (const file of databaseFiles(dbPath)) rmSync(file, { force: true });
  });

  it('backfills a range through the binary, indexing on a second thread, and every paper is searchable', async () => {
    const env = { HF_API_URL: hf.url, DATABASE_URL: `file:${dbPath}` };
    const result = await runCli(['ingest', '--from', '2025-04-01', '--to', '2025-04-02'], env);
    expect(result.code).toBe(0);
    // Without a terminal, progress is a line a day on stderr instead of a bar.
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^2025-04-01: 120 papers listed/), expect.stringMatching(/^2025-04-02: 120 papers listed/)]);
    expect(result.stdout).toContain('Ingested 2025-04-01 to 2025-04-02: 240 papers listed over 2 days.');
    const db = openDb(dbPath);
    try {
      const search = searchServiceOf(new SearchRepo(db), new PapersRepo(db));
      expect((await search.search('"backfilled paper 2025-04-02 number 119"')).hits.map((h) => h.paper.id)).toEqual(['2504.10619']);
      expect(db.sqlite.prepare("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH 'backfilled'").pluck().get()).toBe(240);
    } finally {
      db.close();
    }
  });
});
