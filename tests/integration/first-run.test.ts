import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as cliMain } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { addDays, feedDayAt } from '../../src/core/time.ts';
import { createLogger } from '../../src/logger.ts';
import { startApp, type RunningProcess } from '../../src/main.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { testDbPath } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { waitFor } from './jobs-harness.ts';

const today = feedDayAt(new Date());
const days = [today, addDays(today, -1), addDays(today, -2), addDays(today, -3)];
const prefix = uniquePrefix('first-run');
const dbPath = testDbPath('first-run');
const hf = new FakeHfApi();
days.forEach((day, d) => hf.setDay(day, [hfItem({ id: `2511.0${d}001`, title: `First run paper of ${day}` }), hfItem({ id: `2511.0${d}002`, title: `Another paper of ${day}` })]));

const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(chunk.toString());
    done();
  },
});
const messages = () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
const env = () => ({ DATABASE_URL: `file:${dbPath}`, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, HF_API_URL: hf.url, PORT: '0', BACKFILL_DAYS: '2', LOG_LEVEL: 'info' });
const start = () => startApp(loadConfig(env()), createLogger({ destination: sink }));

async function cli(...args: string[]): Promise<string> {
  let out = '';
  await cliMain(['node', 'papers', ...args], { out: (t) => (out += `${t}\n`), err: () => {}, isTty: false }, { ...env(), LOG_LEVEL: 'silent' });
  return out;
}

let running: RunningProcess | undefined;
beforeAll(() => hf.start());
afterAll(async () => {
  await running?.shutdown({ force: true });
  await hf.stop();
  await dropPrefix(prefix);
});

describe('the first start on an empty database', () => {
  it('makes an empty search say that nothing is ingested yet, and how to fix it', async () => {
    expect(await cli('search', 'paper', '--no-hf')).toContain('Nothing ingested yet: run `npx papers ingest --today`');
  });

  it("ingests the feed's today at once and backfills BACKFILL_DAYS before it in the background, logging progress", async () => {
    running = await start();
    await waitFor('the backfill to finish', () => messages().includes('first run: backfill done'), 20_000);
    expect(messages()).toContain('first run: today ingested, papers are searchable now');
    expect(messages().filter((m) => m === 'first run: backfill 1/2 days' || m === 'first run: backfill 2/2 days')).toHaveLength(2);
    // Today and the two days before it; not the third.
    expect(hf.pagesRequested(today).length).toBeGreaterThan(0);
    expect(hf.pagesRequested(days[1]!).length).toBeGreaterThan(0);
    expect(hf.pagesRequested(days[2]!).length).toBeGreaterThan(0);
    expect(hf.pagesRequested(days[3]!)).toEqual([]);
    expect(await cli('search', 'first', 'run', 'paper', '--no-hf')).toContain(`First run paper of ${days[2]}`);
    // The running bot's instruments saw it: papers ingested and the Hugging Face pages fetched.
    const metrics = await (await fetch(`http://127.0.0.1:${running.http!.port}/metrics`)).text();
    expect(metrics).toMatch(/^papers_ingested_papers_total\{change="added"\} 6$/m);
    expect(metrics).toMatch(/^papers_huggingface_request_duration_seconds_count\{operation="daily_papers",result="ok"\} [1-9]\d*$/m);
  });

  it('does nothing of the kind on the next start: the database has papers', async () => {
    await running!.shutdown();
    running = undefined;
    const asked = hf.requests.length;
    lines.length = 0;
    running = await start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(messages().some((m) => m.startsWith('first run') || m.startsWith('nothing ingested yet'))).toBe(false);
    expect(hf.requests.length).toBe(asked);
  });
});
