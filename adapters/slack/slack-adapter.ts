import { App, HTTPReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import type { Config } from '../../src/config.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { HttpRoute } from '../../src/server/http-route.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import { ConfigError } from '../../src/errors.ts';
import type { Logger } from '../../src/logger.ts';
import { MAX_BODY_BYTES } from '../../src/server/http-server.ts';
import { boltLogger } from './bolt-logger.ts';
import { SlackCallers } from './slack-callers.ts';
import { SLACK_WORKSPACES_DELIVERY, SlackChat } from './slack-chat.ts';
import { toPlatformError } from './slack-errors.ts';
import { registerSlackListeners } from './slack-listeners.ts';
import { registerSlackInstallEvents } from './slack-installs.ts';
import { createSlackOAuth } from './slack-oauth.ts';
import { workspaceClients } from './slack-workspace-clients.ts';
import { guardSlackRequests } from './slack-signature.ts';

/** Where Slack sends slash commands and button clicks (the manifest's URLs end with this). */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAdapterDeps {
  /** The application: every command and button is answered by it. */
  papers: PapersApp;
  logger: Logger;
}

/** Timeout for one Web API call: a hung connection must not hold a delivery job forever. */
const CALL_TIMEOUT_MS = 15_000;

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The Slack adapter: Bolt in HTTP mode (`POST /slack/events`, signature and timestamp checked, served by the shared
 * HTTP server through `routes`) or Socket Mode when `appToken` is set, plus the {@link SlackChat}
 * port the jobs post digests through (its WebClient never retries by itself).
 * Single-token mode (`botToken`): one workspace; `start` checks the token with `auth.test` (and opens the socket
 * in Socket Mode). OAuth mode (`oauth`): `GET /slack/install` and `GET /slack/oauth_redirect` too, and every
 * request, digest and DM uses its own workspace's token from the installation store.
 */
export function createSlackAdapter(deps: SlackAdapterDeps, config: NonNullable<Config['slack']>): PlatformAdapter {
  const slackApiUrl = withTrailingSlash(config.apiUrl);
  const logger = deps.logger.child({ adapter: 'slack' });
  const sdkLogger = boltLogger(logger);
  const socketMode = config.appToken !== undefined;
  if (!socketMode && !config.signingSecret) throw new ConfigError(['SLACK_SIGNING_SECRET: required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)']);

  const clientOptions = { slackApiUrl, logger: sdkLogger, timeout: CALL_TIMEOUT_MS, retryConfig: { retries: 2, minTimeout: 200, maxTimeout: 2000 } };
  const receiver = socketMode ? undefined : new HTTPReceiver({ signingSecret: config.signingSecret!, endpoints: SLACK_EVENTS_PATH, logger: sdkLogger, bodyLimit: MAX_BODY_BYTES });
  const oauth = config.oauth
    ? createSlackOAuth({ installations: deps.papers.installations, oauth: config.oauth, clientOptions: { slackApiUrl, timeout: CALL_TIMEOUT_MS }, authorizationUrl: new URL('../oauth/v2/authorize', slackApiUrl).toString(), logger })
    : undefined;
  const app = new App({
    ...(oauth ? { authorize: oauth.authorize } : { token: config.botToken }),
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.appToken }),
    clientOptions,
    logger: sdkLogger,
    convoStore: false,
    deferInitialization: true,
  });
  const deliveryOptions = { slackApiUrl, logger: sdkLogger, timeout: CALL_TIMEOUT_MS, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true };
  const deliveryClients = oauth ? workspaceClients(deps.papers.installations, deliveryOptions, oauth.authorize) : new WebClient(config.botToken, deliveryOptions);
  const callers = new SlackCallers(app.client, { adminsOnly: config.adminsOnly, logger });
  registerSlackListeners(app, { papers: deps.papers, callers, logger });
  if (oauth) registerSlackInstallEvents(app, { papers: deps.papers, logger });
  app.error(async (error) => {
    logger.error({ err: error }, 'slack listener failed');
  });

  const routes: HttpRoute[] = receiver
    ? [{ method: 'POST', path: SLACK_EVENTS_PATH, handler: guardSlackRequests(receiver.requestListener, { signingSecret: config.signingSecret!, logger }) }, ...(oauth?.routes ?? [])]
    : [];
  let started = false;

  return {
    name: 'slack',
    chat: oauth ? new SlackChat(deliveryClients, logger, SLACK_WORKSPACES_DELIVERY) : new SlackChat(deliveryClients, logger),
    routes,
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw toPlatformError(error, 'auth.test (checking SLACK_BOT_TOKEN)');
      }
      if (socketMode) await app.start();
      started = true;
      logger.info({ mode: socketMode ? 'socket' : 'http', tokens: oauth ? 'per workspace (OAuth)' : 'one bot token' }, 'slack adapter started');
    },
    async stop() {
      if (started && socketMode) await app.stop();
      started = false;
    },
  };
}
