/**
 * One error base class with a stable `code` and an optional `cause`; subclasses carry data.
 * Callers branch on `code` (or `instanceof`), never on message text.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'NOT_FOUND'
  | 'UPSTREAM_UNREACHABLE'
  | 'UPSTREAM_HTTP'
  | 'UPSTREAM_PAYLOAD'
  | 'RATE_LIMITED'
  | 'PLATFORM_PERMANENT'
  | 'PLATFORM_TRANSIENT'
  | 'PLATFORM_LOOKUP'
  | 'DATABASE'
  | 'REDIS_UNREACHABLE'
  | 'INTERNAL';

export class PapersError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** Bad user input (CLI argument, slash command text, search query). `usage` shows the right form. */
export class UsageError extends PapersError {
  constructor(message: string, readonly usage?: string) {
    super('USAGE', message);
  }
}

/**
 * A channel already follows `limit` topics, checked inside the write transaction that would add one more.
 * A {@link UsageError}, so the command core answers it with its message and usage like any bad input.
 */
export class TopicLimitError extends UsageError {
  constructor(readonly limit: number) {
    super(`This channel already follows ${limit} topics; remove one first.`, '/papers unsubscribe <topic | number | all>');
  }
}

export class NotFoundError extends PapersError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** Configuration failed validation; `problems` names every bad variable at once. */
export class ConfigError extends PapersError {
  constructor(readonly problems: string[]) {
    super('CONFIG_INVALID', `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** An upstream HTTP API (Hugging Face, arXiv) failed. `status` is absent when it could not be reached. */
export class UpstreamError extends PapersError {
  constructor(
    code: 'UPSTREAM_UNREACHABLE' | 'UPSTREAM_HTTP' | 'UPSTREAM_PAYLOAD',
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A platform or upstream said "slow down". `retryAfterMs` is how long to wait before trying again. */
export class RateLimitError extends PapersError {
  constructor(readonly retryAfterMs: number, message = `Rate limited; retry after ${retryAfterMs} ms`, options?: { cause?: unknown }) {
    super('RATE_LIMITED', message, options);
  }
}

/**
 * A chat platform refused in a way no retry can fix (channel gone, bot removed, missing permission).
 * `reason` is the platform's own code, e.g. `channel_not_found` or `50013`.
 */
export class PermanentPlatformError extends PapersError {
  constructor(readonly reason: string, message: string, options?: { cause?: unknown }) {
    super('PLATFORM_PERMANENT', message, options);
  }
}

/** A chat platform failed in a way a later retry may fix (5xx, network error, timeout). */
export class TransientPlatformError extends PapersError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PLATFORM_TRANSIENT', message, options);
  }
}

/**
 * A platform will not let the bot read back what it posted to a channel (Slack: the history of a channel
 * it cannot join). Not a refusal to post: the channel is not paused over it. `reason` is the platform's code.
 */
export class LookupUnavailableError extends PapersError {
  constructor(readonly reason: string, message: string, options?: { cause?: unknown }) {
    super('PLATFORM_LOOKUP', message, options);
  }
}

export function isPapersError(error: unknown): error is PapersError {
  return error instanceof PapersError;
}

/** A short, single-line description of any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
