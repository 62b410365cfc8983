import type { AppContext } from '../context.ts';
import { INSTALL_REASONS, installIdOf, type InstallationKey, type InstallationRecord, type WorkspaceRemovalReason } from '../core/installations.ts';
import type { Platform } from '../core/types.ts';
import { ConfigError } from '../errors.ts';
import type { Stores } from '../db/stores.ts';
import type { ChannelService } from './channel-service.ts';

/** Where a platform's OAuth installs are kept (tokens sealed at rest); what adapters in OAuth mode are handed. */
export interface Installations {
  /**
   * Stores an install (a reinstall replaces the record). Channels of that workspace paused only because it had
   * no install (uninstalled, token revoked, never installed) resume, their missed digest posted at once.
   */
  save(record: InstallationRecord): Promise<{ resumed: number }>;
  /**
   * The install a request belongs to. A workspace inside an org-wide install is remembered as served by it,
   * so that its channels' digests find the token later.
   */
  find(platform: Platform, key: InstallationKey): Promise<InstallationRecord | undefined>;
  /** The install that serves a workspace (its own, or the org-wide one it was seen under). */
  forWorkspace(platform: Platform, workspaceId: string): Promise<InstallationRecord | undefined>;
}

/** What removing a workspace's install did. */
export interface WorkspaceRemoval {
  /** Whether an install was stored (and is now deleted). */
  removed: boolean;
  /** Channels (and personal alerts) now paused, marked failing with the reason. */
  paused: number;
}

function repoOf(ctx: AppContext): NonNullable<Stores['installations']> {
  if (!ctx.stores.installations) throw new ConfigError(['TOKEN_ENCRYPTION_KEY: required to store installs made through OAuth']);
  return ctx.stores.installations;
}

/** The installation store on the context's repository; `channels` resumes what an install makes reachable again. */
export function createInstallations(ctx: AppContext, channels: ChannelService): Installations {
  return {
    async save(record) {
      const repo = repoOf(ctx);
      await repo.save(record, ctx.clock.now());
      let resumed = 0;
      for (const workspaceId of new Set([record.installId, ...(record.workspaceId ? [record.workspaceId] : [])])) {
        for (const channel of await ctx.stores.channels.inWorkspace(record.platform, workspaceId)) {
          if (channel.health !== 'failing' || !INSTALL_REASONS.includes(channel.healthReason ?? '')) continue;
          await channels.resume(channel.id);
          resumed += 1;
        }
      }
      if (resumed > 0) ctx.logger.info({ platform: record.platform, installId: record.installId, resumed }, 'installed again: channels paused for want of an install resume');
      return { resumed };
    },
    async find(platform, key) {
      const installId = installIdOf(key);
      if (!installId) return undefined;
      const repo = repoOf(ctx);
      const found = await repo.find(platform, installId);
      if (found && key.isEnterpriseInstall && key.workspaceId && key.workspaceId !== installId) await repo.linkWorkspace(platform, key.workspaceId, installId, ctx.clock.now());
      return found;
    },
    forWorkspace: async (platform, workspaceId) => repoOf(ctx).forWorkspace(platform, workspaceId),
  };
}

/**
 * The app was uninstalled or its tokens revoked in a workspace (or an organisation, by its id): its install is
 * deleted and every channel of the workspaces it served is paused and marked failing with `reason`, so nothing
 * posts there until someone installs again (which resumes them). Other workspaces' channels are untouched.
 */
export async function removeWorkspace(ctx: AppContext, channels: ChannelService, platform: Platform, installId: string, reason: WorkspaceRemovalReason): Promise<WorkspaceRemoval> {
  const covered = (await ctx.stores.installations?.remove(platform, installId)) ?? [];
  const workspaces = covered.length > 0 ? covered : [installId];
  let paused = 0;
  for (const workspaceId of workspaces) {
    for (const channel of await ctx.stores.channels.inWorkspace(platform, workspaceId)) {
      if (channel.paused && channel.health === 'failing') continue;
      await channels.unreachable(channel.id, reason);
      paused += 1;
    }
  }
  ctx.logger.info({ platform, installId, reason, workspaces: workspaces.length, paused }, 'workspace install removed: its channels are paused');
  return { removed: covered.length > 0, paused };
}
