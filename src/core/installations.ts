import type { Platform } from './types.ts';

/**
 * Which install a request belongs to: one workspace's, or (Enterprise Grid) an organisation-wide install
 * kept under the organisation's id.
 */
export interface InstallationKey {
  workspaceId?: string;
  enterpriseId?: string;
  isEnterpriseInstall?: boolean;
}

/** An app installed into a workspace (or an organisation) through OAuth, as the platform's SDK recorded it. */
export interface InstallationRecord {
  platform: Platform;
  /** The workspace id, or the organisation id for an organisation-wide install. */
  installId: string;
  workspaceId?: string;
  enterpriseId?: string;
  isEnterpriseInstall: boolean;
  botUserId?: string;
  /** The SDK's installation object as JSON (tokens included): stored encrypted, never logged. */
  data: string;
  installedAt?: string;
  updatedAt?: string;
}

/** The id an installation is stored under: the organisation's for an org-wide install, the workspace's otherwise. */
export function installIdOf(key: InstallationKey): string | undefined {
  return key.isEnterpriseInstall ? key.enterpriseId : (key.workspaceId ?? key.enterpriseId);
}

/** Why a workspace's install went away: the app was uninstalled there, or its bot token was revoked. */
export type WorkspaceRemovalReason = 'app_uninstalled' | 'tokens_revoked';

/** A channel refused because its workspace has no install (the platform's `PermanentPlatformError` reason). */
export const NOT_INSTALLED = 'not_installed';

/** Failing marks that an install lifts: the channel was paused only for want of one. */
export const INSTALL_REASONS: readonly string[] = ['app_uninstalled', 'tokens_revoked', NOT_INSTALLED];
