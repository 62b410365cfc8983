import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthorizationError, InstallProvider, InvalidStateError, MissingCodeError, MissingStateError, type Installation, type InstallationQuery, type InstallationStore } from '@slack/oauth';
import type { AuthorizeResult, AuthorizeSourceData } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Installations } from '../../src/app/installations.ts';
import type { SlackOAuthConfig } from '../../src/config.ts';
import type { Logger } from '../../src/logger.ts';
import type { HttpRoute } from '../../src/server/http-route.ts';
import { boltLogger } from './bolt-logger.ts';

/** The "Add to Slack" page. */
export const SLACK_INSTALL_PATH = '/slack/install';
/** Where Slack sends the browser back after the install (the app's redirect URL ends with this). */
export const SLACK_REDIRECT_PATH = '/slack/oauth_redirect';
/** How long an install link (its signed `state`) is good for. */
export const STATE_LIFETIME_SECONDS = 600;

/**
 * Our installation store for `@slack/oauth`: the application's {@link Installations} (SQLite, tokens sealed).
 * An org-wide install is stored under its enterprise id; a workspace's, under its team id.
 */
export function slackInstallationStore(installations: Installations): InstallationStore {
  return {
    async storeInstallation(installation) {
      const enterpriseId = installation.enterprise?.id;
      const workspaceId = installation.team?.id;
      const isEnterpriseInstall = Boolean(installation.isEnterpriseInstall);
      const installId = isEnterpriseInstall ? enterpriseId : workspaceId;
      if (!installId) throw new Error('the installation names neither a workspace nor an organisation');
      await installations.save({
        platform: 'slack',
        installId,
        ...(workspaceId ? { workspaceId } : {}),
        ...(enterpriseId ? { enterpriseId } : {}),
        isEnterpriseInstall,
        ...(installation.bot?.userId ? { botUserId: installation.bot.userId } : {}),
        data: JSON.stringify(installation),
      });
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const found = await installations.find('slack', { workspaceId: query.teamId, enterpriseId: query.enterpriseId, isEnterpriseInstall: query.isEnterpriseInstall });
      if (!found) throw new Error(`no Slack installation for ${query.isEnterpriseInstall ? `organisation ${query.enterpriseId}` : `workspace ${query.teamId}`}`);
      return JSON.parse(found.data) as Installation<'v2', boolean>;
    },
  };
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1f2937}a.button{display:inline-block;background:#4a154b;color:#fff;padding:.6rem 1.2rem;border-radius:6px;text-decoration:none;font-weight:600}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendPage(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
}

/** The "Add to Slack" page: one button to Slack's consent screen (its link carries the signed state). */
export function renderInstallPage(url: string): string {
  return page('Add Papers to Slack', `<p>Papers posts the day's trending research papers to your channels and answers <code>/papers</code>.</p><p><a class="button" href="${escapeHtml(url)}">Add to Slack</a></p>`);
}

/** Why an install could not finish, in words for the person in the browser. */
export function installFailureReason(error: unknown): { status: number; message: string } {
  if (error instanceof InvalidStateError || error instanceof MissingStateError) {
    return { status: 400, message: `This install link is not valid, or it expired (links last ${STATE_LIFETIME_SECONDS / 60} minutes). Start again from ${SLACK_INSTALL_PATH}.` };
  }
  if (error instanceof AuthorizationError) return { status: 400, message: 'The install was cancelled in Slack. Nothing was installed.' };
  if (error instanceof MissingCodeError) return { status: 400, message: `Slack sent no install code with this link. Start again from ${SLACK_INSTALL_PATH}.` };
  const code = (error as { data?: { error?: unknown } }).data?.error;
  if (typeof code === 'string') return { status: 400, message: `Slack refused the install (${code}). Start again from ${SLACK_INSTALL_PATH}.` };
  return { status: 500, message: `The install could not be finished. Start again from ${SLACK_INSTALL_PATH}.` };
}

export interface SlackOAuthDeps {
  installations: Installations;
  oauth: SlackOAuthConfig;
  /** Web API options (the API URL, timeouts) for `oauth.v2.access` and `auth.test`. */
  clientOptions: Omit<WebClientOptions, 'logger' | 'logLevel'>;
  /** Slack's consent screen (`https://slack.com/oauth/v2/authorize`, beside the Web API). */
  authorizationUrl?: string;
  logger: Logger;
}

export interface SlackOAuth {
  /** `GET /slack/install` and `GET /slack/oauth_redirect`. */
  routes: HttpRoute[];
  /** Bolt's `authorize`: each request's own workspace token, from the store. */
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult>;
}

/**
 * Slack's OAuth v2 through `@slack/oauth`'s InstallProvider: the install page sets a state cookie and links to
 * Slack with the same signed state; the redirect checks both (a forged, foreign or expired state is refused with
 * a page that says so), trades the code (`oauth.v2.access`) and stores the install.
 */
export function createSlackOAuth(deps: SlackOAuthDeps): SlackOAuth {
  const log = deps.logger.child({ component: 'slack-oauth' });
  const installer = new InstallProvider({
    clientId: deps.oauth.clientId,
    clientSecret: deps.oauth.clientSecret,
    stateSecret: deps.oauth.stateSecret,
    stateCookieExpirationSeconds: STATE_LIFETIME_SECONDS,
    installationStore: slackInstallationStore(deps.installations),
    installUrlOptions: { scopes: deps.oauth.scopes },
    renderHtmlForInstallPath: renderInstallPage,
    clientOptions: deps.clientOptions,
    logger: boltLogger(log),
    ...(deps.authorizationUrl ? { authorizationUrl: deps.authorizationUrl } : {}),
  });
  const install = async (req: IncomingMessage, res: ServerResponse) => {
    await installer.handleInstallPath(req, res);
  };
  const redirect = async (req: IncomingMessage, res: ServerResponse) => {
    await installer.handleCallback(req, res, {
      success(installation) {
        const where = installation.isEnterpriseInstall ? (installation.enterprise?.name ?? installation.enterprise?.id) : (installation.team?.name ?? installation.team?.id);
        log.info({ team: installation.team?.id, enterprise: installation.enterprise?.id, orgWide: Boolean(installation.isEnterpriseInstall) }, 'slack app installed');
        sendPage(res, 200, page('Papers is installed', `<p>Papers is installed in ${escapeHtml(String(where ?? 'your workspace'))}. Type <code>/papers help</code> in a channel to start.</p>`));
      },
      failure(error) {
        const { status, message } = installFailureReason(error);
        log.warn({ reason: (error as { code?: string }).code ?? error.message }, 'slack install refused');
        sendPage(res, status, page('Papers could not be installed', `<p>${escapeHtml(message)}</p>`));
      },
    });
  };
  return {
    routes: [
      { method: 'GET', path: SLACK_INSTALL_PATH, handler: install },
      { method: 'GET', path: SLACK_REDIRECT_PATH, handler: redirect },
    ],
    authorize: (source) => installer.authorize(source) as Promise<AuthorizeResult>,
  };
}
