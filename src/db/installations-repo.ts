import type { Statement } from 'better-sqlite3';
import type { InstallationRecord } from '../core/installations.ts';
import type { TokenCipher } from '../core/token-cipher.ts';
import type { Platform } from '../core/types.ts';
import type { Db } from './client.ts';

interface Row {
  platform: Platform;
  installId: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: number;
  botUserId: string | null;
  sealed: string;
  installedAt: string;
  updatedAt: string;
}

const columns = (t: string) =>
  `${t}.platform, ${t}.install_id AS installId, ${t}.team_id AS teamId, ${t}.enterprise_id AS enterpriseId, ${t}.is_enterprise_install AS isEnterpriseInstall, ${t}.bot_user_id AS botUserId, ${t}.sealed, ${t}.installed_at AS installedAt, ${t}.updated_at AS updatedAt`;

/**
 * OAuth installations, one per workspace (or organisation for an org-wide install), with the installation
 * record (its tokens) sealed by the {@link TokenCipher}: the database file holds no token in the clear.
 */
export class InstallationsRepo {
  private readonly upsert: Statement;
  private readonly byId: Statement;
  private readonly viaLink: Statement;
  private readonly link: Statement;
  private readonly linked: Statement;
  private readonly deleteInstall: Statement;
  private readonly deleteLinks: Statement;

  constructor(
    private readonly db: Db,
    private readonly cipher: TokenCipher,
  ) {
    const s = db.sqlite;
    this.upsert = s.prepare(
      `INSERT INTO installations (platform, install_id, team_id, enterprise_id, is_enterprise_install, bot_user_id, sealed, installed_at, updated_at)
       VALUES (@platform, @installId, @teamId, @enterpriseId, @isEnterpriseInstall, @botUserId, @sealed, @now, @now)
       ON CONFLICT (platform, install_id) DO UPDATE SET team_id = excluded.team_id, enterprise_id = excluded.enterprise_id,
         is_enterprise_install = excluded.is_enterprise_install, bot_user_id = excluded.bot_user_id, sealed = excluded.sealed, updated_at = excluded.updated_at`,
    );
    this.byId = s.prepare(`SELECT ${columns('i')} FROM installations i WHERE i.platform = ? AND i.install_id = ?`);
    this.viaLink = s.prepare(
      `SELECT ${columns('i')} FROM installation_workspaces w JOIN installations i ON i.platform = w.platform AND i.install_id = w.install_id WHERE w.platform = ? AND w.workspace_id = ?`,
    );
    this.link = s.prepare(
      'INSERT INTO installation_workspaces (platform, workspace_id, install_id, seen_at) VALUES (?, ?, ?, ?) ON CONFLICT (platform, workspace_id) DO UPDATE SET install_id = excluded.install_id, seen_at = excluded.seen_at',
    );
    this.linked = s.prepare('SELECT workspace_id FROM installation_workspaces WHERE platform = ? AND install_id = ?').pluck();
    this.deleteInstall = s.prepare('DELETE FROM installations WHERE platform = ? AND install_id = ?');
    this.deleteLinks = s.prepare('DELETE FROM installation_workspaces WHERE platform = ? AND install_id = ?');
  }

  /** Stores an installation (a reinstall replaces the record and keeps `installedAt`). */
  save(record: InstallationRecord, now = new Date()): void {
    this.upsert.run({
      platform: record.platform,
      installId: record.installId,
      teamId: record.workspaceId ?? null,
      enterpriseId: record.enterpriseId ?? null,
      isEnterpriseInstall: record.isEnterpriseInstall ? 1 : 0,
      botUserId: record.botUserId ?? null,
      sealed: this.cipher.seal(record.data),
      now: now.toISOString(),
    });
  }

  /** The installation stored under `installId` (a workspace id, or an organisation id for an org-wide install). */
  find(platform: Platform, installId: string): InstallationRecord | undefined {
    const row = this.byId.get(platform, installId) as Row | undefined;
    return row && this.recordOf(row);
  }

  /** The installation that serves a workspace: its own, or the org-wide install it was seen under. */
  forWorkspace(platform: Platform, workspaceId: string): InstallationRecord | undefined {
    const row = (this.byId.get(platform, workspaceId) ?? this.viaLink.get(platform, workspaceId)) as Row | undefined;
    return row && this.recordOf(row);
  }

  /** Records that `workspaceId` is served by the org-wide install `installId`. */
  linkWorkspace(platform: Platform, workspaceId: string, installId: string, now = new Date()): void {
    this.link.run(platform, workspaceId, installId, now.toISOString());
  }

  /**
   * Deletes an installation (and which workspaces it served). Returns the workspaces it covered: itself and,
   * for an org-wide install, every workspace seen under it; empty when nothing was stored.
   */
  remove(platform: Platform, installId: string): string[] {
    return this.db.sqlite.transaction(() => {
      const workspaces = this.linked.all(platform, installId) as string[];
      const removed = this.deleteInstall.run(platform, installId).changes > 0;
      this.deleteLinks.run(platform, installId);
      return removed || workspaces.length > 0 ? [installId, ...workspaces.filter((w) => w !== installId)] : [];
    }).immediate();
  }

  private recordOf(row: Row): InstallationRecord {
    return {
      platform: row.platform,
      installId: row.installId,
      ...(row.teamId ? { workspaceId: row.teamId } : {}),
      ...(row.enterpriseId ? { enterpriseId: row.enterpriseId } : {}),
      isEnterpriseInstall: row.isEnterpriseInstall === 1,
      ...(row.botUserId ? { botUserId: row.botUserId } : {}),
      data: this.cipher.open(row.sealed),
      installedAt: row.installedAt,
      updatedAt: row.updatedAt,
    };
  }
}
