import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { PapersError } from '../errors.ts';
import type { FlushReply, IndexRequest } from './fts-index-thread.ts';

/** Keeps the search index up to date while papers are being written. */
export interface Indexer {
  /** Papers are being written: index them as they come (returns at once). */
  request(): void;
  /** Resolves when everything written before the call is indexed; rejects if indexing failed. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Indexes on a second thread with its own connection, so that a bulk ingest writes papers on one core while
 * the index is built on the other (the index is a separate SQLite file: neither waits for the other's write
 * lock). Once asked, the thread indexes in bulk rounds by itself, without waiting for this thread's event
 * loop, until `flush` indexes the rest and answers.
 */
export class BackgroundIndexer implements Indexer {
  private readonly worker: Worker;
  private readonly exited: Promise<never>;
  private watching = false;

  constructor(databasePath: string) {
    this.worker = new Worker(new URL('./fts-index-worker.mjs', import.meta.url), { workerData: { path: databasePath }, execArgv: [] });
    this.exited = new Promise<never>((_, reject) => {
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the indexing thread exited (code ${code})`)));
    });
    this.exited.catch(() => {});
  }

  request(): void {
    if (this.watching) return;
    this.watching = true;
    this.send('watch');
  }

  async flush(): Promise<void> {
    this.watching = false;
    this.send('flush');
    let reply: FlushReply;
    try {
      [reply] = (await Promise.race([once(this.worker, 'message'), this.exited])) as [FlushReply];
    } catch (cause) {
      throw new PapersError('DATABASE', `Indexing papers for search failed: ${(cause as Error).message}`, { cause });
    }
    if ('error' in reply) throw new PapersError('DATABASE', `Indexing papers for search failed: ${reply.error}`);
  }

  async close(): Promise<void> {
    this.send('close');
    await this.exited.catch(() => {});
  }

  private send(request: IndexRequest): void {
    this.worker.postMessage(request);
  }
}
