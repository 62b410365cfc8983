import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { databaseFiles } from '../../src/db/fts-index.ts';
import { FakeHfApi } from '../fakes/hf-api.ts';
import { runCli } from '../helpers/cli.ts';
import { testDbPath } from '../helpers/db.ts';

const DAY = '2025-03-17';
const fixture = JSON.parse(readFileSync('tests/fixtures/hf-daily-2025-03-17.json', 'utf8')) as unknown[];

describe('papers similar on a day of real paper abstracts', () => {
  const hf = new FakeHfApi().setDay(DAY, fixture);
  const dbPath = testDbPath('cli-similar');
  let env: Record<string, string>;
  /** The CLI entry point in-process (the binary itself is run once, for --json). */
  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await main(['node', 'papers', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`), isTty: false }, { ...env, LOG_LEVEL: 'silent' });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    await hf.start();
    env = { HF_API_URL: hf.url, DATABASE_URL: `file:${dbPath}` };
    const ingest = await cli(['ingest', '--date', DAY]);
    expect(ingest.code).toBe(0);
  });
  afterAll(async () => {
    await hf.stop();
    for (const file of databaseFiles(dbPath)) rmSync(file, { force: true });
  });

  it('--json prints the items of papers search --json with a score, closest first, never the paper itself', async () => {
    const [similar, search] = await Promise.all([runCli(['similar', '2106.09685', '--json', '--limit', '3'], env), runCli(['search', 'lora', '--json', '--limit', '1'], env)]);
    expect(similar.stderr).toBe('');
    expect(similar.code).toBe(0);
    const items = JSON.parse(similar.stdout) as Record<string, unknown>[];
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({ id: '2305.14314', url: 'https://huggingface.co/papers/2305.14314', feedDay: DAY });
    expect(items.map((i) => i.id)).not.toContain('2106.09685');
    const scores = items.map((i) => i.score as number);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (const s of scores) expect(s).toBeGreaterThan(0);
    const searchKeys = Object.keys((JSON.parse(search.stdout) as Record<string, unknown>[])[0]!);
    expect(Object.keys(items[0]!)).toEqual(expect.arrayContaining([...searchKeys, 'score']));
    expect(items[0]!.snippet).toContain('**');
  });

  it('takes a versioned id, an arxiv.org link or a huggingface.co/papers link alike', async () => {
    const runs = await Promise.all(
      ['2308.04079v2', 'https://arxiv.org/abs/2308.04079', 'https://huggingface.co/papers/2308.04079'].map((id) => cli(['similar', id, '--json', '--limit', '1'])),
    );
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { id: string }[]).map((i) => i.id)).toEqual(['2003.08934']);
    }
  });

  it('prints numbered papers with their similarity and shared words as text', async () => {
    const run = await cli(['similar', '2112.10752', '--limit', '2']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('Papers like 2112.10752: High-Resolution Image Synthesis with Latent Diffusion Models');
    expect(run.stdout).toMatch(/^1\. Denoising Diffusion Probabilistic Models {2}\[2006\.11239\]/);
    expect(run.stdout).toMatch(/similarity 0\.\d\d · shares .*diffusion/);
    expect(run.stdout).toContain('\n2. ');
  });

  it('says how to ingest a paper that is not stored, and exits 1', async () => {
    const run = await cli(['similar', '2501.99999']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Paper 2501.99999 is not in the database; ingest its day first (papers ingest --date YYYY-MM-DD).');
  });

  it('refuses text that is no arXiv id or paper link with the usage, and exits 2', async () => {
    const run = await cli(['similar', 'diffusion']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"diffusion" is not an arXiv id');
    expect(run.stderr).toContain('papers similar 2503.10407');
  });
});
