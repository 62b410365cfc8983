import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Clock } from '../../src/core/ports.ts';

/** How far a request's `X-Signature-Timestamp` may be from our clock, either way. */
export const MAX_TIMESTAMP_SKEW_SECONDS = 300;

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing headers' | 'malformed signature' | 'stale timestamp' | 'bad signature' };

/** The application's Ed25519 public key (64 hex characters, as shown in the developer portal) as a key object. */
export function publicKeyFromHex(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('An Ed25519 public key is 64 hex characters');
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') }, format: 'jwk' });
}

/**
 * Checks a Discord interaction request: Ed25519 over `timestamp + raw body` with the app's public key,
 * and a timestamp within {@link MAX_TIMESTAMP_SKEW_SECONDS} of now (replays of old requests are refused).
 */
export function createSignatureVerifier(publicKeyHex: string, clock: Clock) {
  const key = publicKeyFromHex(publicKeyHex);
  return (signature: string | undefined, timestamp: string | undefined, rawBody: Buffer): VerifyResult => {
    if (!signature || !timestamp) return { ok: false, reason: 'missing headers' };
    if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed signature' };
    const skew = Math.abs(clock.now().getTime() / 1000 - Number(timestamp));
    if (skew > MAX_TIMESTAMP_SKEW_SECONDS) return { ok: false, reason: 'stale timestamp' };
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), rawBody]);
    return verify(null, signed, key, Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'bad signature' };
  };
}

export type SignatureVerifier = ReturnType<typeof createSignatureVerifier>;
