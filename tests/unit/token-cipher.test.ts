import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTokenCipher, parseEncryptionKey, TokenCipherError } from '../../src/core/token-cipher.ts';

const key = randomBytes(32);

describe('token cipher (AES-256-GCM)', () => {
  it('opens what it sealed, and the sealed text does not contain the token', () => {
    const cipher = createTokenCipher(key);
    const sealed = cipher.seal('xoxb-secret-token-123');
    expect(sealed).not.toContain('xoxb');
    expect(cipher.open(sealed)).toBe('xoxb-secret-token-123');
  });

  it('uses a fresh 12-byte IV for every record, so the same token never seals the same way twice', () => {
    const cipher = createTokenCipher(key);
    const a = cipher.seal('xoxb-same');
    const b = cipher.seal('xoxb-same');
    expect(a).not.toBe(b);
    expect(Buffer.from(a.split('.')[1]!, 'base64url')).toHaveLength(12);
  });

  it('refuses a record whose ciphertext or tag was changed', () => {
    const cipher = createTokenCipher(key);
    const [v, iv, tag, body] = cipher.seal('xoxb-secret').split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.open([v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(TokenCipherError);
    const badTag = Buffer.from(tag, 'base64url');
    badTag[0] = badTag[0]! ^ 1;
    expect(() => cipher.open([v, iv, badTag.toString('base64url'), body].join('.'))).toThrow(TokenCipherError);
  });

  it('refuses a record sealed with another key, and text that is no record', () => {
    const sealed = createTokenCipher(key).seal('xoxb-secret');
    expect(() => createTokenCipher(randomBytes(32)).open(sealed)).toThrow(/wrong TOKEN_ENCRYPTION_KEY/);
    expect(() => createTokenCipher(key).open('xoxb-plain')).toThrow(TokenCipherError);
  });

  it('reads a 32-byte key written in hex or base64, and says what is wrong with any other', () => {
    expect(parseEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(parseEncryptionKey(key.toString('base64url'))).toEqual(key);
    expect(parseEncryptionKey(randomBytes(16).toString('base64'))).toMatch(/32 bytes.*got 16 bytes/);
    expect(parseEncryptionKey('not a key!')).toMatch(/must be 32 bytes/);
  });
});
