import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** AES-256-GCM: a 32-byte key, a fresh 12-byte IV per record, a 16-byte authentication tag. */
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Sealed records start with this, so a future format can be told apart. */
const VERSION = 'v1';

/** Raised when a sealed record cannot be opened: wrong key, tampered bytes, or not a sealed record at all. */
export class TokenCipherError extends Error {
  override readonly name = 'TokenCipherError';
}

/**
 * Reads `TOKEN_ENCRYPTION_KEY`: 32 bytes written as 64 hex characters or as base64 (44 characters with
 * padding, or base64url). Returns the key, or a sentence saying what is wrong with the text.
 */
export function parseEncryptionKey(text: string): Buffer | string {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const key = Buffer.from(value, 'base64');
    if (key.length === KEY_BYTES) return key;
    return `must be 32 bytes, as 64 hex characters or base64 (got ${key.length} bytes of base64; e.g. openssl rand -base64 32)`;
  }
  return 'must be 32 bytes, as 64 hex characters or base64 (e.g. openssl rand -base64 32)';
}

/** {@link parseEncryptionKey} for a key already validated (config did): throws {@link TokenCipherError} otherwise. */
export function encryptionKey(text: string): Buffer {
  const key = parseEncryptionKey(text);
  if (typeof key === 'string') throw new TokenCipherError(`TOKEN_ENCRYPTION_KEY: ${key}`);
  return key;
}

/** Encrypts and decrypts small secrets (bot tokens, installation records) for storage at rest. */
export interface TokenCipher {
  /** `v1.<iv>.<tag>.<ciphertext>` (base64url parts); a fresh IV each call, so equal inputs never look alike. */
  seal(plaintext: string): string;
  /** The plaintext of a sealed record; throws {@link TokenCipherError} when the tag does not check out. */
  open(sealed: string): string;
}

/** A cipher on a 32-byte key (see {@link parseEncryptionKey}). */
export function createTokenCipher(key: Buffer): TokenCipher {
  if (key.length !== KEY_BYTES) throw new TokenCipherError(`the key must be ${KEY_BYTES} bytes, not ${key.length}`);
  return {
    seal(plaintext) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body, ...rest] = sealed.split('.');
      if (version !== VERSION || iv === undefined || tag === undefined || body === undefined || rest.length > 0) throw new TokenCipherError('not a sealed record');
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) throw new TokenCipherError('not a sealed record');
      try {
        const decipher = createDecipheriv(ALGORITHM, key, ivBytes, { authTagLength: TAG_BYTES });
        decipher.setAuthTag(tagBytes);
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new TokenCipherError('the record does not open with this key (wrong TOKEN_ENCRYPTION_KEY, or tampered)', { cause: error });
      }
    },
  };
}
