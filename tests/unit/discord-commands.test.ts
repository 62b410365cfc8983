import { DISCORD_WORDING } from '../../adapters/discord/discord-wording.ts';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { timeZoneChoices } from '../../adapters/discord/autocomplete.ts';
import { nonceFor } from '../../adapters/discord/discord-chat.ts';
import { canManageFrom, toCommandRequest } from '../../adapters/discord/command-request.ts';
import { createSignatureVerifier } from '../../adapters/discord/verify-signature.ts';
import { publicKeyHex, signedHeaders } from '../fakes/discord-payloads.ts';

const invocation = (subcommand: string, options: Record<string, string | number | boolean>, permissions: string | null = null) =>
  toCommandRequest({ guildId: 'G1', channelId: 'C1', userId: 'U1', subcommand, options, permissions });

describe('Discord invocation to command request', () => {
  it("maps the guild to the workspace and the subcommand to the name, in Discord's wording", () => {
    expect(invocation('search', { query: 'llm' })).toEqual({
      platform: 'discord',
      workspaceId: 'G1',
      channelId: 'C1',
      userId: 'U1',
      name: 'search',
      text: '',
      options: { query: 'llm' },
      canManage: false,
      wording: DISCORD_WORDING,
      userScope: '@me',
    });
  });

  it('grants management to Manage Channels or Administrator only', () => {
    expect(canManageFrom(String(1n << 4n))).toBe(true);
    expect(canManageFrom(String(1n << 3n))).toBe(true);
    expect(canManageFrom(String((1n << 10n) | (1n << 11n)))).toBe(false);
    expect(canManageFrom(null)).toBe(false);
    expect(canManageFrom('not a number')).toBe(false);
  });
});

describe('Discord helpers', () => {
  it('derives short stable nonces, distinct per message part', () => {
    const long = 'delivery-0f8a4c1e-8d2b-4a57-9a3e-5b1f2c7d9e01';
    expect(nonceFor('d-42', 0)).toBe('d-42');
    expect(nonceFor('d-42', 1)).toBe('d-42.1');
    expect(nonceFor(long, 0)).toHaveLength(22);
    expect(nonceFor(long, 12).length).toBeLessThanOrEqual(25);
    expect(new Set([0, 1, 2].map((i) => nonceFor(long, i))).size).toBe(3);
    expect(nonceFor(long, 1)).toBe(nonceFor(long, 1));
  });

  it('suggests time zones by city, any case, at most 25', () => {
    expect(timeZoneChoices('new_y')[0]).toEqual({ name: 'America/New_York', value: 'America/New_York' });
    expect(timeZoneChoices('new york')[0]!.value).toBe('America/New_York');
    expect(timeZoneChoices('')).toHaveLength(25);
    expect(timeZoneChoices('utc')[0]!.value).toBe('UTC');
    expect(timeZoneChoices('kolkata').map((c) => c.value)).toContain('Asia/Kolkata');
    expect(timeZoneChoices('calcutta')).toEqual([]);
  });

  it('verifies Ed25519 over timestamp and raw body, within five minutes of now', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const now = new Date('2025-03-12T12:00:00Z');
    const verify = createSignatureVerifier(publicKeyHex(publicKey), { now: () => now });
    const body = '{"type":1}';
    const at = (seconds: number) => signedHeaders(body, privateKey, Math.floor(now.getTime() / 1000) + seconds);
    const check = (h: Record<string, string>, raw = body) => verify(h['x-signature-ed25519'], h['x-signature-timestamp'], Buffer.from(raw));
    expect(check(at(0))).toEqual({ ok: true });
    expect(check(at(-299))).toEqual({ ok: true });
    expect(check(at(-301))).toEqual({ ok: false, reason: 'stale timestamp' });
    expect(check(at(301))).toEqual({ ok: false, reason: 'stale timestamp' });
    expect(check(at(0), '{"type":2}')).toEqual({ ok: false, reason: 'bad signature' });
    expect(verify(undefined, '1', Buffer.from(body))).toEqual({ ok: false, reason: 'missing headers' });
    expect(verify('zz', String(now.getTime() / 1000), Buffer.from(body))).toEqual({ ok: false, reason: 'malformed signature' });
  });
});
