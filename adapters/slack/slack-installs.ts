import type { App } from '@slack/bolt';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { WorkspaceRemovalReason } from '../../src/core/installations.ts';
import type { Logger } from '../../src/logger.ts';

interface EnvelopeIds {
  team_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
  authorizations?: { team_id?: string | null; enterprise_id?: string | null; is_enterprise_install?: boolean }[];
}

/** The install an event is about: the organisation's for an org-wide install, the workspace's otherwise. */
function installIdOf(body: EnvelopeIds): string | undefined {
  const auth = body.authorizations?.[0];
  const orgWide = body.is_enterprise_install ?? auth?.is_enterprise_install ?? false;
  return orgWide ? (body.enterprise_id ?? auth?.enterprise_id ?? undefined) : (body.team_id ?? auth?.team_id ?? undefined);
}

/**
 * `app_uninstalled` and `tokens_revoked` (bot tokens): the workspace's install is deleted and its channels
 * paused, through {@link PapersApp.workspaceRemoved}. Revoked user tokens alone change nothing: the bot posts
 * with its own token.
 */
export function registerSlackInstallEvents(app: App, deps: { papers: PapersApp; logger: Logger }): void {
  const remove = async (body: EnvelopeIds, reason: WorkspaceRemovalReason) => {
    const installId = installIdOf(body);
    if (!installId) {
      deps.logger.warn({ reason }, 'slack install event names no workspace: ignored');
      return;
    }
    await deps.papers.workspaceRemoved('slack', installId, reason);
  };
  app.event('app_uninstalled', async ({ body }) => {
    await remove(body as EnvelopeIds, 'app_uninstalled');
  });
  app.event('tokens_revoked', async ({ event, body }) => {
    if ((event.tokens.bot ?? []).length === 0) return;
    await remove(body as EnvelopeIds, 'tokens_revoked');
  });
}
