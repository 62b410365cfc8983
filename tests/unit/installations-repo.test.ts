import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createTokenCipher, TokenCipherError } from '../../src/core/token-cipher.ts';
import { InstallationsRepo } from '../../src/db/installations-repo.ts';
import { createTestDb } from '../helpers/db.ts';

const test = createTestDb('installations-repo');
const repo = new InstallationsRepo(test.db, createTokenCipher(randomBytes(32)));
const data = (token: string) => JSON.stringify({ bot: { token } });

afterAll(() => test.cleanup());

describe('installations repository', () => {
  it('stores a workspace install sealed and gives it back; a reinstall replaces it and keeps when it was first installed', () => {
    repo.save({ platform: 'slack', installId: 'T1', workspaceId: 'T1', isEnterpriseInstall: false, botUserId: 'UB1', data: data('xoxb-one') }, new Date('2026-01-01T00:00:00Z'));
    repo.save({ platform: 'slack', installId: 'T1', workspaceId: 'T1', isEnterpriseInstall: false, botUserId: 'UB1', data: data('xoxb-two') }, new Date('2026-02-01T00:00:00Z'));
    const found = repo.find('slack', 'T1')!;
    expect(JSON.parse(found.data)).toEqual({ bot: { token: 'xoxb-two' } });
    expect(found).toMatchObject({ installedAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-02-01T00:00:00.000Z', botUserId: 'UB1' });
    expect(JSON.stringify(test.db.sqlite.prepare('SELECT * FROM installations').all())).not.toContain('xoxb-');
    expect(repo.find('discord', 'T1')).toBeUndefined();
  });

  it('keeps an org-wide install under its enterprise id and serves the workspaces linked to it, until it is removed', () => {
    repo.save({ platform: 'slack', installId: 'E1', enterpriseId: 'E1', isEnterpriseInstall: true, data: data('xoxb-org') });
    expect(repo.forWorkspace('slack', 'T7')).toBeUndefined();
    repo.linkWorkspace('slack', 'T7', 'E1');
    repo.linkWorkspace('slack', 'T8', 'E1');
    expect(repo.forWorkspace('slack', 'T7')).toMatchObject({ installId: 'E1', isEnterpriseInstall: true, enterpriseId: 'E1' });
    expect(repo.remove('slack', 'E1').sort()).toEqual(['E1', 'T7', 'T8']);
    expect(repo.forWorkspace('slack', 'T7')).toBeUndefined();
    expect(repo.remove('slack', 'E1')).toEqual([]);
    expect(repo.find('slack', 'T1')).toBeDefined();
  });

  it('refuses to open an install with another key rather than returning garbage', () => {
    const other = new InstallationsRepo(test.db, createTokenCipher(randomBytes(32)));
    expect(() => other.find('slack', 'T1')).toThrow(TokenCipherError);
  });
});
