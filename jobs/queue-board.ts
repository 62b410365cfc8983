import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';

/** Where the queue board is served. */
export const QUEUE_BOARD_PATH = '/admin/queues';

/** An express-style handler for everything under a path (the board's pages, assets and API). */
export type MountHandler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * Bull Board over our queues at {@link QUEUE_BOARD_PATH}. `readOnly`: the board shows, never retries,
 * cleans or pauses (the dashboard's rule when nobody can sign in). Access is the caller's to check first.
 */
export function queueBoard(queues: Queue[], options: { readOnly: boolean }): MountHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: options.readOnly, allowRetries: !options.readOnly })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'papers bot queues' } },
  });
  return serverAdapter.getRouter() as MountHandler;
}
