import { RateLimitError, UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubles each retry (with jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** Seconds to wait, from `Retry-After` (seconds or HTTP date) or IETF `RateLimit: "api";r=0;t=42`. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const rateLimit = headers.get('ratelimit');
  const t = rateLimit && /(?:^|[;,\s])t=(\d+)/.exec(rateLimit);
  if (t) return Number(t[1]) * 1000;
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function backoff(policy: RetryPolicy, attempt: number): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * GET with a per-request timeout, retrying 429, 408 and 5xx (honouring `Retry-After` / `RateLimit`) and
 * network errors with exponential backoff. Throws {@link UpstreamError} (or {@link RateLimitError} when
 * still rate-limited after the last retry) naming the service and what went wrong.
 */
export async function getWithRetry(
  url: string,
  options: { service: string; headers?: Record<string, string>; policy: RetryPolicy; logger: Logger },
): Promise<Response> {
  const { policy, logger, service } = options;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (cause) {
      const reason = describeFetchError(cause, policy.timeoutMs);
      if (attempt >= policy.maxRetries) {
        throw new UpstreamError('UPSTREAM_UNREACHABLE', `Cannot reach ${service} at ${new URL(url).origin}: ${reason}`, undefined, { cause });
      }
      const wait = backoff(policy, attempt);
      logger.warn({ url, attempt: attempt + 1, waitMs: wait, reason }, `${service} request failed; retrying`);
      await sleep(wait);
      continue;
    }
    if (response.ok) return response;
    if (!isRetryableStatus(response.status)) {
      const body = (await response.text().catch(() => '')).slice(0, 200);
      throw new UpstreamError('UPSTREAM_HTTP', `${service} answered HTTP ${response.status} for ${url}${body ? `: ${body}` : ''}`, response.status);
    }
    const hinted = retryAfterMs(response.headers);
    await response.body?.cancel().catch(() => undefined);
    if (attempt >= policy.maxRetries) {
      if (response.status === 429) throw new RateLimitError(hinted ?? backoff(policy, attempt), `${service} is rate limiting us (HTTP 429)`);
      throw new UpstreamError('UPSTREAM_HTTP', `${service} answered HTTP ${response.status} for ${url} after ${attempt + 1} attempts`, response.status);
    }
    const wait = Math.min(hinted ?? backoff(policy, attempt), 5 * 60_000);
    logger.warn({ url, status: response.status, attempt: attempt + 1, waitMs: wait }, `${service} answered ${response.status}; retrying`);
    await sleep(wait);
  }
}

function describeFetchError(cause: unknown, timeoutMs: number): string {
  if (cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as { code?: string }).code;
  return code ? `${code} (${(inner as Error).message})` : String((inner as Error)?.message ?? inner);
}
