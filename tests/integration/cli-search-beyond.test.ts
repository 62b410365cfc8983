import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { testDbPath } from '../helpers/db.ts';

const DAY = '2025-03-17';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

/** Papers only Hugging Face's search knows: one listed on an earlier feed day, one never on the feed. */
const elsewhere = [
  hfItem({ id: '2401.00001', title: 'Quantum annealing for protein folding', summary: 'We fold proteins with quantum annealing.', upvotes: 40, submittedOnDailyAt: '2024-01-03T01:00:00.000Z' }),
  hfItem({ id: '2401.00002', title: 'Annealing schedules for quantum circuits', summary: 'Quantum annealing schedules, studied.', upvotes: 7, submittedOnDailyAt: undefined }),
];

describe("papers search beyond the stored papers (Hugging Face's own search)", () => {
  const hf = new FakeHfApi().setDay(DAY, fixture).setSearchable([...fixture, ...elsewhere]);
  const dbPath = testDbPath('cli-search-beyond');
  const env = { HF_API_URL: '', DATABASE_URL: `file:${dbPath}`, HF_SEARCH_TIMEOUT_MS: '400', LOG_LEVEL: 'silent' };
  const cli = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'papers', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`), isTty: false }, env);
    return { code, stdout, stderr };
  };
  const json = async (...args: string[]) => {
    const result = await cli(...args, '--json');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as { id: string; feedDay: string | null; source?: string; newToUs?: boolean }[];
  };
  const searchesSince = (before: number) => hf.searches().slice(before);

  beforeAll(async () => {
    await hf.start();
    env.HF_API_URL = hf.url;
    expect((await cli('ingest', '--date', DAY)).code).toBe(0);
  });
  afterAll(async () => {
    await hf.stop();
    for (const file of databaseFiles(dbPath)) rmSync(file, { force: true });
  });

  it('gives every stored result its feed day in --json, and --json alone never asks Hugging Face', async () => {
    const before = hf.searches().length;
    const items = await json('search', 'low-rank', 'adaptation', '--limit', '2');
    expect(items[0]).toMatchObject({ id: '2106.09685', feedDay: DAY });
    expect(items.every((i) => i.source === undefined)).toBe(true);
    expect(searchesSince(before)).toEqual([]);
  });

  it('asks Hugging Face when few stored papers match, shows what is new to us, and stores it for search and topics', async () => {
    const result = await cli('search', 'quantum', 'annealing');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No papers match');
    expect(result.stdout).toContain("From Hugging Face's search");
    expect(result.stdout).toMatch(/Quantum annealing for protein folding[\s\S]*new to us, stored now · on the feed 2024-01-03/);
    expect(result.stdout).toMatch(/Annealing schedules for quantum circuits[\s\S]*not on the Daily Papers feed/);
    expect((await cli('show', '2401.00001')).stdout).toContain('Quantum annealing for protein folding');
    // Stored now: the next search finds them locally, and a topic can match the one listed on a feed day.
    const local = await json('search', 'quantum', 'annealing', '--no-hf');
    expect(local.map((i) => i.id).sort()).toEqual(['2401.00001', '2401.00002']);
    expect(local.find((i) => i.id === '2401.00001')!.feedDay).toBe('2024-01-03');
    const digest = await cli('digest', '--dry-run', '--date', '2024-01-03', '--topic', 'quantum annealing');
    expect(digest.stdout).toContain('Quantum annealing for protein folding');
  });

  it('with --hf --json, adds Hugging Face papers marked by source after the stored ones, none twice', async () => {
    const items = await json('search', 'quantum', 'annealing', '--hf');
    expect(items.map((i) => [i.id, i.source ?? 'stored'])).toEqual([
      ['2401.00001', 'stored'],
      ['2401.00002', 'stored'],
    ]);
    const fresh = await json('search', 'low-rank', 'adaptation', '--hf', '--limit', '1');
    expect(fresh[0]).toMatchObject({ id: '2106.09685' });
    expect(fresh.filter((i) => i.id === '2106.09685')).toHaveLength(1);
    expect(fresh.slice(1).every((i) => i.source === 'huggingface' && i.newToUs === false)).toBe(true);
  });

  it('sends Hugging Face plain words only: no operators, exclusions or filters of ours', async () => {
    const before = hf.searches().length;
    const result = await cli('search', '--hf', '--', '"protein', 'folding"', 'author:Lovelace', 'since:2020-01-01', '-video', 'upvotes:>=1');
    expect(result.code).toBe(0);
    expect(searchesSince(before)).toEqual(['protein folding']);
  });

  it('cuts a long query to 250 characters at a word boundary, as Hugging Face requires', async () => {
    const before = hf.searches().length;
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`);
    const result = await cli('search', ...words, '--hf');
    expect(result.code).toBe(0);
    const [sent] = searchesSince(before);
    expect(sent!.length).toBeLessThanOrEqual(250);
    expect(words.join(' ').startsWith(sent!)).toBe(true);
    expect(sent!.endsWith(' ')).toBe(false);
  });

  it.each([
    ['down (HTTP 503)', { status: 503 }],
    ['not JSON', { body: '<html>oops</html>' }],
    ['an object instead of a list', { body: '{"error":"rate limited"}' }],
  ])('falls back to the stored papers with a note when Hugging Face is %s', async (_what, failure) => {
    hf.failSearch(failure);
    const result = await cli('search', 'low-rank', 'adaptation', '--hf');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('LoRA');
    expect(result.stderr).toMatch(/Hugging Face's search could not be reached \(.+\); showing stored papers only/);
  });

  it('gives up on a slow Hugging Face within its timeout and answers with the stored papers', async () => {
    hf.failSearch({ delayMs: 5_000 });
    const started = Date.now();
    const result = await cli('search', 'low-rank', 'adaptation', '--hf');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.stdout).toContain('LoRA');
    expect(result.stderr).toContain("Hugging Face's search could not be reached");
  });

  it('skips malformed search results and keeps the rest', async () => {
    hf.failSearch({ body: JSON.stringify([{ paper: { id: 'not-an-id', title: 'x' } }, { nonsense: true }, elsewhere[0]]) });
    const items = await json('search', 'zzzunmatched', '--hf');
    expect(items.map((i) => i.id)).toEqual(['2401.00001']);
  });
});
