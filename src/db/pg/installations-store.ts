import type { InstallationRecord } from '../../core/installations.ts';
import type { TokenCipher } from '../../core/token-cipher.ts';
import type { Platform } from '../../core/types.ts';
import type { InstallationsRepo } from '../installations-repo.ts';
import type { Async } from '../stores.ts';
import type { PgDb } from './client.ts';
import { inTransaction } from './transaction.ts';

interface Row {
  platform: Platform;
  installId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  botUserId: string | null;
  sealed: string;
  installedAt: string;
  updatedAt: string;
}

const columns = (t: string) =>
  `${t}.platform, ${t}.install_id AS "installId", ${t}.team_id AS "teamId", ${t}.enterprise_id AS "enterpriseId", ${t}.is_enterprise_install AS "isEnterpriseInstall", ${t}.bot_user_id AS "botUserId", ${t}.sealed, ${t}.installed_at AS "installedAt", ${t}.updated_at AS "updatedAt"`;

const UPSERT = `INSERT INTO installations (platform, install_id, team_id, enterprise_id, is_enterprise_install, bot_user_id, sealed, installed_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
  ON CONFLICT (platform, install_id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
    is_enterprise_install = excluded.is_enterprise_install, bot_user_id = excluded.bot_user_id, sealed = excluded.sealed, updated_at = excluded.updated_at`;
const BY_ID = `SELECT ${columns('i')} FROM installations i WHERE i.platform = $1 AND i.install_id = $2`;
const VIA_LINK = `SELECT ${columns('i')} FROM installation_workspaces w JOIN installations i ON i.platform = w.platform AND i.install_id = w.install_id WHERE w.platform = $1 AND w.workspace_id = $2`;
const LINK =
  'INSERT INTO installation_workspaces (platform, workspace_id, install_id, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT (platform, workspace_id) DO UPDATE SET install_id = excluded.install_id, seen_at = excluded.seen_at';

/**
 * Same contract as {@link InstallationsRepo}, on PostgreSQL, sealed with the same {@link TokenCipher}: saving and
 * linking are single upserts (`ON CONFLICT ... DO UPDATE`), so concurrent reinstalls leave one row, the last
 * writer's. `remove` deletes the install and its links in one transaction and answers the links it deleted.
 */
export class PgInstallationsStore implements Async<InstallationsRepo> {
  constructor(
    private readonly db: PgDb,
    private readonly cipher: TokenCipher,
  ) {}

  async save(record: InstallationRecord, now = new Date()): Promise<void> {
    await this.db.pool.query(UPSERT, [
      record.platform,
      record.installId,
      record.workspaceId ?? null,
      record.enterpriseId ?? null,
      record.isEnterpriseInstall,
      record.botUserId ?? null,
      this.cipher.seal(record.data),
      now.toISOString(),
    ]);
  }

  async find(platform: Platform, installId: string): Promise<InstallationRecord | undefined> {
    const { rows } = await this.db.pool.query<Row>(BY_ID, [platform, installId]);
    return rows[0] && this.recordOf(rows[0]);
  }

  async forWorkspace(platform: Platform, workspaceId: string): Promise<InstallationRecord | undefined> {
    const own = (await this.db.pool.query<Row>(BY_ID, [platform, workspaceId])).rows[0];
    const row = own ?? (await this.db.pool.query<Row>(VIA_LINK, [platform, workspaceId])).rows[0];
    return row && this.recordOf(row);
  }

  async linkWorkspace(platform: Platform, workspaceId: string, installId: string, now = new Date()): Promise<void> {
    await this.db.pool.query(LINK, [platform, workspaceId, installId, now.toISOString()]);
  }

  async remove(platform: Platform, installId: string): Promise<string[]> {
    return inTransaction(this.db.pool, async (tx) => {
      const removed = (await tx.query('DELETE FROM installations WHERE platform = $1 AND install_id = $2', [platform, installId])).rowCount! > 0;
      const links = await tx.query<{ workspace_id: string }>(
        'DELETE FROM installation_workspaces WHERE platform = $1 AND install_id = $2 RETURNING workspace_id',
        [platform, installId],
      );
      const workspaces = links.rows.map((r) => r.workspace_id).sort();
      return removed || workspaces.length > 0 ? [installId, ...workspaces.filter((w) => w !== installId)] : [];
    });
  }

  private recordOf(row: Row): InstallationRecord {
    return {
      platform: row.platform,
      installId: row.installId,
      ...(row.teamId ? { workspaceId: row.teamId } : {}),
      ...(row.enterpriseId ? { enterpriseId: row.enterpriseId } : {}),
      isEnterpriseInstall: row.isEnterpriseInstall,
      ...(row.botUserId ? { botUserId: row.botUserId } : {}),
      data: this.cipher.open(row.sealed),
      installedAt: row.installedAt,
      updatedAt: row.updatedAt,
    };
  }
}
