import { parentPort, workerData } from 'node:worker_threads';
import { openDb } from './client.ts';
import { indexPending } from './fts-index.ts';

/** Requests to the indexing thread. */
export type IndexRequest = 'watch' | 'flush' | 'close';
/** The answer to `flush`: everything written before it is indexed, or why not. */
export type FlushReply = { indexed: number } | { error: string };

/** While watching, index whenever at least this many papers wait: bulk rounds, as FTS5 indexes fastest. */
const MIN_BATCH = 2_000;
const POLL_MS = 20;

const port = parentPort!;
const db = openDb((workerData as { path: string }).path);
const pendingStmt = db.sqlite.prepare('SELECT (SELECT COALESCE(MAX(seq), 0) FROM main.papers) - (SELECT indexed_seq FROM fts.fts_state WHERE id = 1)').pluck();
let watching: NodeJS.Timeout | undefined;
let indexed = 0;

function round(): void {
  try {
    if ((pendingStmt.get() as number) >= MIN_BATCH) indexed += indexPending(db.sqlite);
  } catch {
    // Best effort (say another process held the index past the lock timeout): the next round or the final
    // flush indexes the same papers again, and only the flush's answer counts.
  }
  if (watching) watching = setTimeout(round, POLL_MS);
}

port.on('message', (message: IndexRequest) => {
  if (message === 'watch') {
    watching ??= setTimeout(round, POLL_MS);
    return;
  }
  clearTimeout(watching);
  watching = undefined;
  if (message === 'close') {
    db.close();
    port.close();
    return;
  }
  let reply: FlushReply;
  try {
    reply = { indexed: indexed + indexPending(db.sqlite) };
  } catch (error) {
    reply = { error: (error as Error).message };
  }
  indexed = 0;
  port.postMessage(reply);
});
