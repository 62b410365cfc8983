import type { IncomingMessage, ServerResponse } from 'node:http';

/** An HTTP route an adapter serves; handlers get the raw Node request so signatures can be checked on the raw body. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}
