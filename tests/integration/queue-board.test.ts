import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { startApp, type RunningProcess } from '../../src/main.ts';
import { FakeHfApi } from '../fakes/hf-api.ts';
import { testDbPath } from '../helpers/db.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

const hf = new FakeHfApi();
const prefixes: string[] = [];
const running: RunningProcess[] = [];

async function start(extra: Record<string, string> = {}): Promise<string> {
  const prefix = uniquePrefix('queue-board');
  prefixes.push(prefix);
  const config = loadConfig({ DATABASE_URL: `file:${testDbPath('queue-board')}`, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, HF_API_URL: hf.url, PORT: '0', BACKFILL_DAYS: '0', ...extra });
  const app = await startApp(config, silentLogger());
  running.push(app);
  return `http://127.0.0.1:${app.http!.port}`;
}

beforeAll(() => hf.start());
afterAll(async () => {
  await Promise.all(running.map((r) => r.shutdown({ force: true })));
  await hf.stop();
  await Promise.all(prefixes.map((p) => dropPrefix(p)));
});

describe('the queue board at /admin/queues', () => {
  it('shows our queues to loopback without ADMIN_TOKEN, read-only', async () => {
    const base = await start();
    const page = await fetch(`${base}/admin/queues`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const api = (await (await fetch(`${base}/admin/queues/api/queues`)).json()) as { queues: { name: string; readOnlyMode: boolean }[] };
    expect(api.queues.map((q) => q.name).sort()).toEqual(expect.arrayContaining(['digest', 'maintenance']));
    expect(api.queues.every((q) => q.readOnlyMode)).toBe(true);
    const pause = await fetch(`${base}/admin/queues/api/queues/digest/pause`, { method: 'PUT' });
    expect(pause.status).toBe(403);
  });

  it('answers 401 without a session when ADMIN_TOKEN is set, and never the queues', async () => {
    const base = await start({ ADMIN_TOKEN: 'a-long-admin-token-for-tests' });
    const api = await fetch(`${base}/admin/queues/api/queues`);
    expect(api.status).toBe(401);
    expect(await api.text()).not.toContain('maintenance');
  });
});
