import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP route an adapter serves; handlers get the raw Node request so signatures can be checked on the raw body. */
export type HttpRoute = RequestRoute | MountRoute;

/** One method and path. */
export interface RequestRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

/** Everything under `path` (a sub-application, such as the queue board); `next` passes the request on (404). */
export interface MountRoute {
  method: 'MOUNT';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
}
