import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Installations } from '../../src/app/installations.ts';
import { NOT_INSTALLED } from '../../src/core/installations.ts';
import { TokenCipherError } from '../../src/core/token-cipher.ts';
import { PermanentPlatformError } from '../../src/errors.ts';
import { SLACK_INSTALL_PATH } from './slack-oauth.ts';

/** The Web API client that posts to a workspace: one token for all (single-token mode) or each workspace's own. */
export type SlackClients = (workspaceId: string) => WebClient;

/** Clients kept per process; past this many workspaces the cache starts over (a client is cheap to make). */
const MAX_CACHED = 5_000;

/**
 * OAuth mode: each workspace's client on its own bot token, read from the installation store on every call (so
 * an uninstall or a reinstall in another process counts at once) and cached per workspace while its token is the
 * same. A workspace with no install is a {@link PermanentPlatformError} (`not_installed`): its channel is marked
 * failing, never retried.
 */
export function workspaceClients(installations: Installations, options: WebClientOptions): SlackClients {
  const cache = new Map<string, { token: string; client: WebClient }>();
  const find = (workspaceId: string) => {
    try {
      return installations.forWorkspace('slack', workspaceId);
    } catch (error) {
      if (!(error instanceof TokenCipherError)) throw error;
      throw new PermanentPlatformError('install_unreadable', `the stored Slack install of workspace ${workspaceId} does not open with this TOKEN_ENCRYPTION_KEY (was it changed?): install again from ${SLACK_INSTALL_PATH}`, { cause: error });
    }
  };
  return (workspaceId) => {
    const installation = find(workspaceId);
    if (!installation) {
      throw new PermanentPlatformError(NOT_INSTALLED, `the Slack app is not installed in workspace ${workspaceId} (install it from ${SLACK_INSTALL_PATH})`);
    }
    const token = (JSON.parse(installation.data) as { bot?: { token?: string } }).bot?.token;
    if (!token) throw new PermanentPlatformError(NOT_INSTALLED, `the Slack install of workspace ${workspaceId} has no bot token (install it again from ${SLACK_INSTALL_PATH})`);
    const hit = cache.get(workspaceId);
    if (hit?.token === token) return hit.client;
    const client = new WebClient(token, options);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(workspaceId, { token, client });
    return client;
  };
}
