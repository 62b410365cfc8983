import { sign, type KeyObject } from 'node:crypto';

/** Ids our payloads use unless overridden. */
export const IDS = { app: '900000000000000001', guild: '900000000000000002', channel: '900000000000000003', user: '900000000000000004', command: '900000000000000005' };

/** Permission bitfields as Discord sends them (decimal strings). */
export const PERMS = { member: String(1n << 10n | 1n << 11n), manageChannels: String(1n << 4n | 1n << 10n | 1n << 11n) };

let seq = 0;
const nextId = () => String(910_000_000_000_000_000n + BigInt((seq += 1)));

/** An interaction payload as Discord posts it (the fields tests need typed, the rest free-form). */
export type InteractionPayload = Record<string, unknown> & { id: string; token: string; type: number };

export type OptionInput = Record<string, string | number | boolean>;

function optionType(value: string | number | boolean): number {
  return typeof value === 'number' ? 4 : typeof value === 'boolean' ? 5 : 3;
}

interface BaseOverrides {
  permissions?: string;
  guildId?: string | null;
  channelId?: string;
  userId?: string;
  token?: string;
}

function base(type: number, o: BaseOverrides): InteractionPayload {
  const userId = o.userId ?? IDS.user;
  const guildId = o.guildId === undefined ? IDS.guild : o.guildId;
  const channelId = o.channelId ?? IDS.channel;
  const user = { id: userId, username: 'reader', discriminator: '0', global_name: 'Reader', avatar: null };
  return {
    id: nextId(),
    application_id: IDS.app,
    type,
    token: o.token ?? `tok-${nextId()}`,
    version: 1,
    channel_id: channelId,
    channel: { id: channelId, type: 0, name: 'papers', guild_id: guildId ?? undefined, permissions: o.permissions ?? PERMS.member },
    app_permissions: '2248473465835073',
    locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': guildId ?? undefined },
    context: guildId ? 0 : 1,
    attachment_size_limit: 10_485_760,
    ...(guildId
      ? {
          guild_id: guildId,
          guild_locale: 'en-US',
          guild: { id: guildId, locale: 'en-US', features: [] },
          member: { user, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0, permissions: o.permissions ?? PERMS.member, avatar: null, nick: null, premium_since: null, pending: false },
        }
      : { user }),
  };
}

/** An APPLICATION_COMMAND interaction for `/papers <subcommand> [options]`. */
export function commandInteraction(subcommand: string, options: OptionInput = {}, overrides: BaseOverrides = {}): InteractionPayload {
  return {
    ...base(2, overrides),
    data: {
      id: IDS.command,
      name: 'papers',
      type: 1,
      options: [{ type: 1, name: subcommand, options: Object.entries(options).map(([name, value]) => ({ name, type: optionType(value), value })) }],
    },
  };
}

/** An APPLICATION_COMMAND_AUTOCOMPLETE interaction with `focused` being typed. */
export function autocompleteInteraction(subcommand: string, focused: { name: string; value: string }, others: OptionInput = {}, overrides: BaseOverrides = {}): InteractionPayload {
  const options = [
    ...Object.entries(others).map(([name, value]) => ({ name, type: optionType(value), value })),
    { name: focused.name, type: 3, value: focused.value, focused: true },
  ];
  return { ...base(4, overrides), data: { id: IDS.command, name: 'papers', type: 1, options: [{ type: 1, name: subcommand, options }] } };
}

/** A MESSAGE_COMPONENT (button) interaction. */
export function buttonInteraction(customId: string, overrides: BaseOverrides & { message?: { id: string; flags?: number } } = {}): InteractionPayload {
  // The message the button is on: an ephemeral reply (flags 64) unless a message in the channel is named.
  const message = overrides.message ?? { id: nextId(), flags: 64 };
  return {
    ...base(3, overrides),
    message: { id: message.id, channel_id: overrides.channelId ?? IDS.channel, content: '', embeds: [], components: [], flags: message.flags ?? 0 },
    data: { custom_id: customId, component_type: 2 },
  };
}

export const PING = { id: '910000000000000000', application_id: IDS.app, type: 1, token: 'ping-token', version: 1 };

/** Headers Discord sends: Ed25519 over `timestamp + body`, hex. */
export function signedHeaders(body: string, privateKey: KeyObject, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const ts = String(timestamp);
  return {
    'content-type': 'application/json',
    'x-signature-ed25519': sign(null, Buffer.from(ts + body), privateKey).toString('hex'),
    'x-signature-timestamp': ts,
  };
}

/** The raw 32-byte public key in hex, as the developer portal shows it. */
export function publicKeyHex(publicKey: KeyObject): string {
  return publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
}
