/**
 * CLI start-up: `papers search <q>` through the bin (from a fresh dist/) against `node -e ''`, interleaved
 * in the same run so machine noise hits both alike.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { databaseFiles } from '../../src/db/fts-index.ts';

export interface CliStartUpResult {
  runs: number;
  searchMs: number;
  nodeMs: number;
  ratio: number;
}

function wallMs(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - started;
  if (child.status !== 0) throw new Error(`${args.join(' ')} failed: ${child.stderr.toString()}`);
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Builds dist/ (so the bin runs the current code compiled), then times `runs` pairs. */
export function run({ runs = 15, query = 'transformer' } = {}): CliStartUpResult {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
  const dir = join(process.cwd(), 'tests', '.tmp');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, `bench-cli-${randomUUID()}.db`);
  // Start-up only: an empty database would otherwise also ask Hugging Face's search (a network round trip).
  const env = { ...process.env, DATABASE_URL: `file:${db}`, LOG_LEVEL: 'warn', HF_SEARCH_WHEN_FEWER_THAN: '0' };
  const bin = ['src/cli/bin.mjs', 'search', query];
  try {
    wallMs(bin, env); // creates and migrates the database: not start-up
    const search: number[] = [];
    const node: number[] = [];
    for (let i = 0; i < runs; i++) {
      search.push(wallMs(bin, env));
      node.push(wallMs(['-e', ''], env));
    }
    const searchMs = Math.round(median(search));
    const nodeMs = Math.round(median(node));
    return { runs, searchMs, nodeMs, ratio: Math.round((searchMs / nodeMs) * 10) / 10 };
  } finally {
    for (const file of databaseFiles(db)) rmSync(file, { force: true });
  }
}
