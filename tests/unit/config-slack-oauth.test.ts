import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_SCOPES, loadConfig } from '../../src/config.ts';
import { encryptionKey } from '../../src/core/token-cipher.ts';

const key = randomBytes(32);
const oauthEnv = {
  SLACK_CLIENT_ID: '111.222',
  SLACK_CLIENT_SECRET: 'client-secret-abc',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  SLACK_SIGNING_SECRET: 'signing',
  TOKEN_ENCRYPTION_KEY: key.toString('base64'),
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('config was accepted');
}

describe('Slack OAuth mode config', () => {
  it('turns on OAuth mode with client id and secret, with the manifest scopes and the decoded key', () => {
    const config = loadConfig(oauthEnv);
    expect(config.slack?.oauth).toEqual({ clientId: '111.222', clientSecret: 'client-secret-abc', stateSecret: 'state-secret-0123456789', scopes: DEFAULT_SLACK_SCOPES });
    expect(config.slack?.botToken).toBeUndefined();
    expect(encryptionKey(config.tokenEncryptionKey!)).toEqual(key);
    expect(encryptionKey(loadConfig({ ...oauthEnv, TOKEN_ENCRYPTION_KEY: key.toString('hex') }).tokenEncryptionKey!)).toEqual(key);
  });

  it('lists every missing OAuth setting at once', () => {
    const message = problemsOf({ SLACK_CLIENT_ID: '111.222' });
    for (const name of ['SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET', 'TOKEN_ENCRYPTION_KEY', 'SLACK_SIGNING_SECRET']) expect(message).toContain(`${name}:`);
  });

  it('refuses a key that is not 32 bytes and a short state secret, without quoting either back', () => {
    const message = problemsOf({ ...oauthEnv, TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=', SLACK_STATE_SECRET: 'short' });
    expect(message).toMatch(/TOKEN_ENCRYPTION_KEY: must be 32 bytes/);
    expect(message).toMatch(/SLACK_STATE_SECRET: must be at least 16/);
    expect(message).not.toContain('c2hvcnQ=');
    expect(message).not.toContain('"short"');
  });

  it('refuses a bot token or an app token beside OAuth mode', () => {
    const message = problemsOf({ ...oauthEnv, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(message).toContain('SLACK_BOT_TOKEN: leave unset in OAuth mode');
    expect(message).toContain('SLACK_APP_TOKEN: Socket Mode serves one workspace');
  });

  it('keeps single-token mode as it was', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(config.slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: 's' });
    expect(config.slack?.oauth).toBeUndefined();
  });
});
