import type { ChannelsRepo } from './channels-repo.ts';
import type { DecisionsRepo } from './decisions-repo.ts';
import type { DeliveriesRepo } from './deliveries-repo.ts';
import type { FollowUpsRepo } from './follow-ups-repo.ts';
import type { InstallationsRepo } from './installations-repo.ts';
import type { PapersRepo } from './papers-repo.ts';
import type { PostedPapersRepo } from './posted-papers-repo.ts';
import type { ProcessedEventsRepo } from './processed-events-repo.ts';
import type { ReactionsRepo } from './reactions-repo.ts';
import type { SavedPapersRepo } from './saved-papers-repo.ts';
import type { VotesRepo } from './votes-repo.ts';

type Method = (...args: never[]) => unknown;
type MethodKeys<T> = { [K in keyof T]: T[K] extends Method ? K : never }[keyof T];

/**
 * A repository's contract as a use case sees it: the same methods, each answering through a promise, so one
 * use case runs on an embedded database (answering at once) and on a database across the network alike.
 */
export type Async<T> = {
  [K in MethodKeys<T>]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/**
 * Every store a use case may call. The SQLite repositories (src/db/*-repo.ts) are the reference contract, with
 * their TSDoc; each database dialect implements `Async` of them with the same answers.
 */
export interface Stores {
  papers: Async<PapersRepo>;
  channels: Async<ChannelsRepo>;
  deliveries: Async<DeliveriesRepo>;
  votes: Async<VotesRepo>;
  saved: Async<SavedPapersRepo>;
  processedEvents: Async<ProcessedEventsRepo>;
  /** A reaction's effect with its event dedupe, in one transaction. */
  reactions: Async<ReactionsRepo>;
  postedPapers: Async<PostedPapersRepo>;
  followUps: Async<FollowUpsRepo>;
  decisions: Async<DecisionsRepo>;
  /** Set when `TOKEN_ENCRYPTION_KEY` is. */
  installations?: Async<InstallationsRepo>;
}

export type ChannelsStore = Stores['channels'];
export type DeliveriesStore = Stores['deliveries'];
export type FollowUpsStore = Stores['followUps'];

/**
 * The `Async` view of a synchronous repository: each method runs at once and its answer (or its error)
 * comes back as a settled promise. Methods are those of the repository's class, bound to it.
 */
export function promised<T extends object>(repo: T): Async<T> {
  const view: Record<string, unknown> = {};
  for (let proto = Object.getPrototypeOf(repo); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = (repo as Record<string, unknown>)[name];
      if (name === 'constructor' || name in view || typeof method !== 'function') continue;
      view[name] = (...args: unknown[]) => {
        try {
          return Promise.resolve(method.apply(repo, args));
        } catch (error) {
          return Promise.reject(error);
        }
      };
    }
  }
  return view as Async<T>;
}
