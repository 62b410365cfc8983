import { REST } from '@discordjs/rest';
import type { Config } from '../../src/config.ts';
import type { PapersApp } from '../../src/app/papers-app.ts';
import type { HttpRoute } from '../../src/server/http-route.ts';
import type { PlatformAdapter } from '../../src/server/platform-adapter.ts';
import type { Logger } from '../../src/logger.ts';
import { createDeliveryRest, createDiscordChat } from './discord-chat.ts';
import { createGateway } from './gateway-client.ts';
import { createInteractionsRoute } from './http-interactions.ts';
import { createInteractionHandler } from './interaction-handler.ts';
import { createSignatureVerifier } from './verify-signature.ts';

export interface DiscordAdapterDeps {
  /** The application: every command, button and autocomplete is answered by it. */
  papers: PapersApp;
  logger: Logger;
}

/** How long `stop` waits for interactions still being answered. */
const DRAIN_MS = 10_000;

/**
 * The Discord adapter. With `publicKey`: HTTP interactions mode (`POST /discord/interactions` on the shared
 * server, no gateway connection). With only `token`: gateway mode (discord.js Client, Guilds and
 * GuildMessageReactions intents: 👍 👎 🔖 reactions count as votes there only).
 * Either way digests go out through REST with the bot token (`chat`).
 */
export function createDiscordAdapter(deps: DiscordAdapterDeps, config: NonNullable<Config['discord']>): PlatformAdapter {
  const logger = deps.logger.child({ adapter: 'discord' });
  const handler = createInteractionHandler({ papers: deps.papers, logger });
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const chat = createDiscordChat({ rest: config.token ? createDeliveryRest(config.apiUrl, config.token) : undefined, logger });
  if (!config.token) logger.warn('DISCORD_TOKEN is not set: Discord digests cannot be posted');

  const routes: HttpRoute[] = [];
  let gateway: ReturnType<typeof createGateway> | undefined;
  if (config.publicKey) {
    const rest = new REST({ api: config.apiUrl, version: '10' });
    routes.push(createInteractionsRoute({ verify: createSignatureVerifier(config.publicKey, deps.papers.clock), handler, rest, logger, track }));
  } else if (config.token) {
    gateway = createGateway({ token: config.token, apiUrl: config.apiUrl, handler, logger, track, papers: deps.papers });
  }

  return {
    name: 'discord',
    chat,
    routes,
    async start() {
      if (gateway) await gateway.start();
      logger.info({ mode: config.publicKey ? 'http-interactions' : gateway ? 'gateway' : 'post-only' }, 'discord adapter started');
    },
    async stop() {
      const drained = Promise.allSettled([...inFlight]);
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
      if (gateway) await gateway.stop();
    },
  };
}
