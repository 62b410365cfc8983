import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeHfApi } from '../fakes/hf-api.ts';
import { runCli } from '../helpers/cli.ts';
import { createEmptyTestPg } from '../helpers/pg-database.ts';

const DAY = '2025-03-17';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

/** The operator's CLI with DATABASE_URL naming PostgreSQL: the same commands and answers as on SQLite (tests/integration/cli.test.ts). */
describe('the papers CLI on PostgreSQL', () => {
  const hf = new FakeHfApi().setDay(DAY, fixture);
  let database: Awaited<ReturnType<typeof createEmptyTestPg>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    await hf.start();
    database = await createEmptyTestPg('cli-postgres');
    env = { HF_API_URL: hf.url, DATABASE_URL: database.url, HF_SEARCH_WHEN_FEWER_THAN: '0' };
    const ingest = await runCli(['ingest', '--date', DAY], env);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    expect(ingest.stdout).toContain('18 papers listed');
  }, 60_000);
  afterAll(async () => {
    await hf.stop();
    await database?.drop();
  });

  it('ingests a day and finds its papers by search, in other word forms too', async () => {
    const result = await runCli(['search', 'low-rank', 'adaptation', '--json', '--limit', '2'], env);
    expect(result.code).toBe(0);
    const items = JSON.parse(result.stdout) as { id: string; feedDay: string }[];
    expect(items[0]).toMatchObject({ id: '2106.09685', feedDay: DAY });
    const forms = JSON.parse((await runCli(['search', 'denoising', 'diffusion', '--json', '--limit', '1'], env)).stdout) as { id: string }[];
    expect(forms.map((i) => i.id)).toEqual(['2006.11239']);
  });

  it('corrects a misspelt word from the stored vocabulary', async () => {
    const result = await runCli(['search', 'difusion', '--limit', '1'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Showing results for: diffusion');
    expect(result.stdout).toMatch(/diffusion/i);
  });

  it('shows a paper and previews a digest of the day with topics', async () => {
    const shown = await runCli(['show', '2106.09685', '--json'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ id: '2106.09685' });
    const digest = await runCli(['digest', '--dry-run', '--date', DAY, '--top', '2', '--topic', 'diffusion', '--topic', 'RAG'], env);
    expect(digest.code).toBe(0);
    expect(digest.stdout).toMatch(/Digest for 2025-03-17: 2 papers/);
    expect(digest.stdout).toMatch(/topic: (diffusion|RAG)/);
  });

  it('re-ingests the day idempotently and lists no channels yet', async () => {
    const again = await runCli(['ingest', '--date', DAY], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('18 papers listed');
    const channels = await runCli(['channels'], env);
    expect(channels.stderr).toBe('');
    expect(channels.code).toBe(0);
  });
});
