import type { ChatPlatform } from '../core/ports.ts';
import type { Platform } from '../core/types.ts';
import type { HttpRoute } from './http-route.ts';

/**
 * A chat platform adapter as the composition root sees it: the routes it serves, the port the jobs post
 * through, and its lifecycle (gateway or socket connections open in `start`, close in `stop`).
 */
export interface PlatformAdapter {
  readonly name: Platform;
  readonly chat: ChatPlatform;
  readonly routes: HttpRoute[];
  start(): Promise<void>;
  stop(): Promise<void>;
}
