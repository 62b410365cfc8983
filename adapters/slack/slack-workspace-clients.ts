import type { AuthorizeResult, AuthorizeSourceData } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Installations } from '../../src/app/installations.ts';
import { NOT_INSTALLED } from '../../src/core/installations.ts';
import { TokenCipherError } from '../../src/core/token-cipher.ts';
import type { InstallationRecord } from '../../src/core/installations.ts';
import { describeError, PermanentPlatformError, TransientPlatformError } from '../../src/errors.ts';
import { SLACK_INSTALL_PATH } from './slack-oauth.ts';

/** The Web API client that posts to a workspace: one token for all (single-token mode) or each workspace's own. */
export type SlackClients = (workspaceId: string) => Promise<WebClient>;

/** Bolt's `authorize` of the install flow: the bot token, refreshed first when it rotates and is about to expire. */
export type SlackAuthorize = (source: AuthorizeSourceData<boolean>) => Promise<AuthorizeResult>;

/** Clients kept per process; past this many workspaces the cache starts over (a client is cheap to make). */
const MAX_CACHED = 5_000;

/**
 * OAuth mode: each workspace's client on its own bot token, read from the installation store on every call (so
 * an uninstall or a reinstall in another process counts at once) and cached per workspace while its token is the
 * same. A workspace with no install is a {@link PermanentPlatformError} (`not_installed`): its channel is marked
 * failing, never retried. An install with token rotation gets its token through `authorize`, which refreshes
 * (`oauth.v2.access`, `grant_type=refresh_token`) and stores it when it is about to expire.
 */
export function workspaceClients(installations: Installations, options: WebClientOptions, authorize?: SlackAuthorize): SlackClients {
  const cache = new Map<string, { token: string; client: WebClient }>();
  const find = async (workspaceId: string) => {
    try {
      return await installations.forWorkspace('slack', workspaceId);
    } catch (error) {
      if (!(error instanceof TokenCipherError)) throw error;
      throw new PermanentPlatformError('install_unreadable', `the stored Slack install of workspace ${workspaceId} does not open with this TOKEN_ENCRYPTION_KEY (was it changed?): install again from ${SLACK_INSTALL_PATH}`, { cause: error });
    }
  };
  const tokenOf = async (installation: InstallationRecord, workspaceId: string): Promise<string | undefined> => {
    const bot = (JSON.parse(installation.data) as { bot?: { token?: string; refreshToken?: string } }).bot;
    if (!bot?.refreshToken || !authorize) return bot?.token;
    try {
      const source = { teamId: installation.workspaceId ?? workspaceId, enterpriseId: installation.enterpriseId, isEnterpriseInstall: installation.isEnterpriseInstall };
      return (await authorize(source)).botToken;
    } catch (error) {
      throw new TransientPlatformError(`could not refresh the Slack token of workspace ${workspaceId}: ${describeError(error)}`, { cause: error });
    }
  };
  return async (workspaceId) => {
    const installation = await find(workspaceId);
    if (!installation) {
      throw new PermanentPlatformError(NOT_INSTALLED, `the Slack app is not installed in workspace ${workspaceId} (install it from ${SLACK_INSTALL_PATH})`);
    }
    const token = await tokenOf(installation, workspaceId);
    if (!token) throw new PermanentPlatformError(NOT_INSTALLED, `the Slack install of workspace ${workspaceId} has no bot token (install it again from ${SLACK_INSTALL_PATH})`);
    const hit = cache.get(workspaceId);
    if (hit?.token === token) return hit.client;
    const client = new WebClient(token, options);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(workspaceId, { token, client });
    return client;
  };
}
