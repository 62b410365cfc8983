import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenCipher, TokenCipherError, type TokenCipher } from '../../src/core/token-cipher.ts';
import type { InstallationRecord } from '../../src/core/installations.ts';
import { InstallationsRepo } from '../../src/db/installations-repo.ts';
import { PgInstallationsStore } from '../../src/db/pg/installations-store.ts';
import { promised, type Stores } from '../../src/db/stores.ts';
import { BACKENDS, openBackend, rawSql, type Backend } from '../helpers/backends.ts';

type InstallationsStore = NonNullable<Stores['installations']>;

const data = (token: string) => JSON.stringify({ bot: { token } });
const workspaceInstall = (id: string, token: string): InstallationRecord => ({ platform: 'slack', installId: id, workspaceId: id, isEnterpriseInstall: false, botUserId: 'UB1', data: data(token) });
const orgInstall = (id: string, token: string): InstallationRecord => ({ platform: 'slack', installId: id, enterpriseId: id, isEnterpriseInstall: true, data: data(token) });

describe.each(BACKENDS)('the installations store on %s', (name) => {
  let backend: Backend;
  const cipher = createTokenCipher(randomBytes(32));
  const storeWith = (c: TokenCipher): InstallationsStore =>
    backend.name === 'sqlite' ? promised(new InstallationsRepo(backend.db, c)) : new PgInstallationsStore(backend.pg, c);
  let store: InstallationsStore;

  beforeAll(async () => {
    backend = await openBackend(name, `stores-installations-${name}`);
    store = storeWith(cipher);
  });
  afterAll(() => backend.close());

  it('stores a workspace install sealed and gives it back; a reinstall replaces it and keeps when it was first installed', async () => {
    await store.save(workspaceInstall('T1', 'xoxb-one'), new Date('2026-01-01T00:00:00Z'));
    await store.save(workspaceInstall('T1', 'xoxb-two'), new Date('2026-02-01T00:00:00Z'));
    expect(await store.find('slack', 'T1')).toEqual({
      platform: 'slack',
      installId: 'T1',
      workspaceId: 'T1',
      isEnterpriseInstall: false,
      botUserId: 'UB1',
      data: data('xoxb-two'),
      installedAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
    });
    expect(JSON.stringify(await rawSql(backend, 'SELECT * FROM installations'))).not.toContain('xoxb-');
    expect(await store.find('discord', 'T1')).toBeUndefined();
    expect(await store.forWorkspace('slack', 'T1')).toEqual(await store.find('slack', 'T1'));
  });

  it('keeps an org-wide install under its enterprise id and serves the workspaces linked to it, until it is removed', async () => {
    await store.save(orgInstall('E1', 'xoxb-org'));
    expect(await store.find('slack', 'E1')).toEqual({
      platform: 'slack',
      installId: 'E1',
      enterpriseId: 'E1',
      isEnterpriseInstall: true,
      data: data('xoxb-org'),
      installedAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await store.forWorkspace('slack', 'T7')).toBeUndefined();
    await store.linkWorkspace('slack', 'T7', 'E1');
    await store.linkWorkspace('slack', 'T8', 'E1');
    await store.linkWorkspace('slack', 'T8', 'E1');
    expect(await store.forWorkspace('slack', 'T7')).toMatchObject({ installId: 'E1', isEnterpriseInstall: true, enterpriseId: 'E1' });
    expect(await store.forWorkspace('discord', 'T7')).toBeUndefined();
    expect((await store.remove('slack', 'E1')).sort()).toEqual(['E1', 'T7', 'T8']);
    expect(await store.forWorkspace('slack', 'T7')).toBeUndefined();
    expect(await store.find('slack', 'E1')).toBeUndefined();
    expect(await store.remove('slack', 'E1')).toEqual([]);
    expect(await store.find('slack', 'T1')).toBeDefined();
  });

  it("serves a workspace by its own install before an org-wide one it was seen under, and moves a link to the install that saw it last", async () => {
    await store.save(orgInstall('E2', 'xoxb-e2'));
    await store.save(orgInstall('E3', 'xoxb-e3'));
    await store.linkWorkspace('slack', 'T9', 'E2');
    await store.linkWorkspace('slack', 'T9', 'E3');
    expect((await store.forWorkspace('slack', 'T9'))!.installId).toBe('E3');
    expect(await store.remove('slack', 'E2')).toEqual(['E2']);
    await store.save(workspaceInstall('T9', 'xoxb-own'));
    expect((await store.forWorkspace('slack', 'T9'))!.data).toBe(data('xoxb-own'));
  });

  it('answers the workspaces of links left behind by an install already gone', async () => {
    await store.linkWorkspace('slack', 'T20', 'EGONE');
    expect(await store.remove('slack', 'EGONE')).toEqual(['EGONE', 'T20']);
    expect(await store.remove('slack', 'EGONE')).toEqual([]);
  });

  it('refuses to open an install with another key rather than returning garbage', async () => {
    const other = storeWith(createTokenCipher(randomBytes(32)));
    await expect(other.find('slack', 'T1')).rejects.toBeInstanceOf(TokenCipherError);
  });

  it('keeps one install when it is saved many times at once, the record of one of the saves', async () => {
    const tokens = Array.from({ length: 6 }, (_, i) => `xoxb-${i}`);
    await Promise.all(tokens.map((t) => store.save(workspaceInstall('T30', t))));
    expect(await rawSql(backend, "SELECT install_id FROM installations WHERE install_id = 'T30'")).toHaveLength(1);
    expect(tokens.map(data)).toContain((await store.find('slack', 'T30'))!.data);
  });
});
