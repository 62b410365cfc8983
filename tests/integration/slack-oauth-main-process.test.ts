import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlackApi } from '../fakes/slack-api.ts';
import { freePort } from '../helpers/net.ts';
import { dropPrefix, TEST_REDIS_URL, uniquePrefix } from '../helpers/redis.ts';
import { jobsContext, waitFor } from './jobs-harness.ts';
import { CLIENT_ID, CLIENT_SECRET, install, SIGNING_SECRET, slash, STATE_SECRET } from './slack-oauth-harness.ts';

const prefix = uniquePrefix('oauth-main');
const { ctx, dbPath, cleanup } = jobsContext('oauth-main', prefix);
let fake: FakeSlackApi;
let app: ChildProcess;
let stderr = '';
let port: number;
const url = (path: string) => `http://127.0.0.1:${port}${path}`;

beforeAll(async () => {
  fake = await FakeSlackApi.start();
  port = await freePort();
  fake.workspaces.app = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl: url('/slack/oauth_redirect') };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${dbPath}`,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    PORT: String(port),
    SLACK_CLIENT_ID: CLIENT_ID,
    SLACK_CLIENT_SECRET: CLIENT_SECRET,
    SLACK_STATE_SECRET: STATE_SECRET,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    SLACK_API_URL: fake.apiUrl,
    BACKFILL_DAYS: '0',
    HF_API_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  };
  delete env.SLACK_BOT_TOKEN;
  delete env.SLACK_APP_TOKEN;
  app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: process.cwd(), env, stdio: ['ignore', 'ignore', 'pipe'] });
  app.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor('npm start to answer /healthz', () => {
    if (app.exitCode !== null) throw new Error(`npm start exited ${app.exitCode}: ${stderr}`);
    return fetch(url('/healthz')).then((r) => r.ok, () => false);
  }, 25_000, 100);
});

afterAll(async () => {
  if (app && app.exitCode === null && app.signalCode === null) app.kill('SIGKILL');
  await fake?.close();
  await dropPrefix(prefix);
  cleanup();
});

describe('npm start in Slack OAuth mode', () => {
  it('serves the install routes, installs a workspace and answers its command with its own token', async () => {
    const installed = await install({ url, fake }, { teamId: 'TMAIN', name: 'Main Co' });
    expect(installed).toMatchObject({ status: 200 });
    expect(installed.html).toContain('Papers is installed in Main Co');
    expect(ctx.db.sqlite.prepare('SELECT install_id FROM installations').pluck().all()).toEqual(['TMAIN']);
    const { status, reply } = await slash({ url, fake }, 'TMAIN', 'CMAIN', 'help');
    expect(status).toBe(200);
    expect(JSON.stringify(reply)).toContain('/papers');
    const token = fake.workspaces.tokensOf('TMAIN')[0];
    expect(fake.callsTo('users.info').map((c) => c.authorization)).toEqual([`Bearer ${token}`]);
  });
});
