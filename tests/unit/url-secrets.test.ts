import { describe, expect, it } from 'vitest';
import { redactUrl, urlSecrets } from '../../src/core/url-secrets.ts';
import { redactDatabaseUrl } from '../../src/db/database-url.ts';

describe('secrets in a URL', () => {
  it.each([
    ['postgres://papers:s3cret@db.internal:5432/papers', ['s3cret'], 'postgres://papers:***@db.internal:5432/papers'],
    ['postgres://papers@db.internal/papers?password=qsecret99&sslmode=require', ['qsecret99'], 'postgres://papers@db.internal/papers?password=***&sslmode=require'],
    ['postgres://u:1234/abc@h/db', ['1234/abc'], 'postgres://u:***@h/db'],
    ['postgres://u:12#x9@h/db', ['12#x9'], 'postgres://u:***@h/db'],
    ['postgres://u:p@ss@h/db', ['p@ss'], 'postgres://u:***@h/db'],
    ['redis://:only-pass@127.0.0.1:6379', ['only-pass'], 'redis://:***@127.0.0.1:6379'],
    ['postgres://papers@db.internal/papers', [], 'postgres://papers@db.internal/papers'],
    ['postgres://db.internal/papers', [], 'postgres://db.internal/papers'],
  ])('finds and hides the password of %s', (url, secrets, shown) => {
    expect(urlSecrets(url)).toEqual(secrets);
    expect(redactDatabaseUrl(url)).toBe(shown);
    for (const secret of secrets) expect(redactUrl(url, '[redacted]')).not.toContain(secret);
  });
});
