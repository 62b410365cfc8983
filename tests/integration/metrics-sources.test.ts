import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PapersRepo } from '../../src/db/papers-repo.ts';
import { promised } from '../../src/db/stores.ts';
import { SearchRepo } from '../../src/db/search-repo.ts';
import { Ingestor } from '../../src/ingest/ingestor.ts';
import { silentLogger } from '../../src/logger.ts';
import { createPrometheusMetrics } from '../../src/server/prometheus-metrics.ts';
import { HfClient } from '../../src/sources/hf-client.ts';
import { FakeHfApi, hfItem } from '../fakes/hf-api.ts';
import { createTestDb } from '../helpers/db.ts';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus-text.ts';

const DAY = '2025-03-17';
const items = (n: number, upvotes = 10) => Array.from({ length: n }, (_, i) => hfItem({ id: `2503.${String(20000 + i)}`, title: `Paper number ${i}`, upvotes: upvotes + i }));

describe('instruments on the Hugging Face client and the ingestor', () => {
  const hf = new FakeHfApi();
  const { db, cleanup } = createTestDb('metrics-sources');
  const metrics = createPrometheusMetrics();
  const client = () => new HfClient({ apiUrl: hf.url, timeoutMs: 2_000, maxRetries: 1, baseDelayMs: 10, searchTimeoutMs: 1_000, logger: silentLogger(), metrics });
  const ingestor = () => new Ingestor({ source: client(), papers: promised(new PapersRepo(db)), acronyms: promised(new SearchRepo(db)), logger: silentLogger(), metrics });
  const scrape = async () => parsePrometheusText(await metrics.text());

  beforeAll(async () => {
    await hf.start();
  });

  afterAll(async () => {
    await hf.stop();
    cleanup();
  });

  it('times each Daily Papers page and counts the papers an ingest adds, then those a re-ingest updates', async () => {
    hf.setDay(DAY, items(150));
    await ingestor().ingestDay(DAY);
    let samples = await scrape();
    // Pages 0 and 1 hold papers; page 2 is the empty one that ends the day.
    expect(sampleValue(samples, 'papers_huggingface_request_duration_seconds_count', { operation: 'daily_papers', result: 'ok' })).toBe(3);
    expect(sampleValue(samples, 'papers_ingested_papers_total', { change: 'added' })).toBe(150);
    expect(sampleValue(samples, 'papers_ingested_papers_total', { change: 'updated' })).toBe(0);

    hf.setDay(DAY, items(150, 500));
    await ingestor().ingestDay(DAY);
    samples = await scrape();
    expect(sampleValue(samples, 'papers_ingested_papers_total', { change: 'added' })).toBe(150);
    expect(sampleValue(samples, 'papers_ingested_papers_total', { change: 'updated' })).toBe(150);
  });

  it('counts a page that failed after its retries by error code, with its latency', async () => {
    hf.fail({ date: '2025-03-18', page: 0, status: 503 }).fail({ date: '2025-03-18', page: 0, status: 503 });
    await expect(client().fetchDay('2025-03-18', () => {})).rejects.toThrow();
    const samples = await scrape();
    expect(sampleValue(samples, 'papers_huggingface_request_errors_total', { operation: 'daily_papers', code: 'UPSTREAM_HTTP' })).toBe(1);
    expect(sampleValue(samples, 'papers_huggingface_request_duration_seconds_count', { operation: 'daily_papers', result: 'error' })).toBe(1);
  });

  it('times Hugging Face searches, the failed ones by code', async () => {
    hf.setSearchable(items(3));
    expect((await client().search('paper number', 5)).found).toHaveLength(3);
    hf.failSearch({ status: 500 });
    await expect(client().search('paper number', 5)).rejects.toThrow();
    const samples = await scrape();
    expect(sampleValue(samples, 'papers_huggingface_request_duration_seconds_count', { operation: 'search', result: 'ok' })).toBe(1);
    expect(sampleValue(samples, 'papers_huggingface_request_errors_total', { operation: 'search', code: 'UPSTREAM_HTTP' })).toBe(1);
  });
});
