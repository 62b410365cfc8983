import { RateLimitError, UpstreamError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff; doubles each retry (with jitter) up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** For the whole exchange: until the last byte of the body. */
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

/** A successful answer, its body read in full. */
export interface FetchedText {
  status: number;
  headers: Headers;
  text: string;
}

export interface GetOptions {
  /** Names the service in errors and logs ("Hugging Face"). */
  service: string;
  headers?: Record<string, string>;
  policy: RetryPolicy;
  logger: Logger;
  /** The most body bytes read (after decompression); a longer answer is an `UPSTREAM_PAYLOAD` error, not retried. */
  maxBodyBytes: number;
}

/** Error bodies are read only this far, for the message. */
const ERROR_BODY_BYTES = 16 * 1024;

/**
 * GET with a timeout for the whole exchange (headers and body), retrying 429, 408 and 5xx (honouring
 * `Retry-After` / `RateLimit`) and network failures with exponential backoff. A body that stalls past the
 * timeout or is cut short counts as a network failure and is retried too. Reads at most `maxBodyBytes`.
 * Throws {@link UpstreamError} (or {@link RateLimitError} when still rate-limited after the last retry)
 * naming the service and what went wrong.
 */
export async function getTextWithRetry(url: string, options: GetOptions): Promise<FetchedText> {
  const { policy, logger, service } = options;
  for (let attempt = 0; ; attempt++) {
    let response: Response | undefined;
    try {
      response = await fetch(url, { headers: options.headers, signal: AbortSignal.timeout(policy.timeoutMs) });
      if (response.ok) return { status: response.status, headers: response.headers, text: await readBody(response, options.maxBodyBytes, url, service) };
    } catch (cause) {
      if (cause instanceof UpstreamError) throw cause;
      const reason = describeFetchError(cause, policy.timeoutMs, response !== undefined);
      if (attempt >= policy.maxRetries) {
        const what = response ? `${service} stopped sending its answer for ${url}` : `Cannot reach ${service} at ${new URL(url).origin}`;
        throw new UpstreamError('UPSTREAM_UNREACHABLE', `${what}: ${reason}`, undefined, { cause });
      }
      const wait = backoff(policy, attempt);
      logger.warn({ url, attempt: attempt + 1, waitMs: wait, reason }, `${service} request failed; retrying`);
      await sleep(wait);
      continue;
    }
    if (!isRetryableStatus(response.status)) {
      const body = (await readBody(response, ERROR_BODY_BYTES, url, service).catch(() => '')).slice(0, 200);
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

/** The body as UTF-8 text; stops reading (and cancels the stream) as soon as it passes `maxBytes`. */
async function readBody(response: Response, maxBytes: number, url: string, service: string): Promise<string> {
  const tooLarge = (size: string) =>
    new UpstreamError('UPSTREAM_PAYLOAD', `${service} sent ${size} for ${url}, more than the ${formatBytes(maxBytes)} limit; the answer was not read`, response.status);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(formatBytes(declared));
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`over ${formatBytes(maxBytes)}`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}

function describeFetchError(cause: unknown, timeoutMs: number, inBody: boolean): string {
  const timedOut = cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
  if (timedOut) return inBody ? `the body was not complete within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`;
  const inner = cause instanceof Error && cause.cause instanceof Error ? cause.cause : cause;
  const code = (inner as { code?: string }).code;
  const detail = code ? `${code} (${(inner as Error).message})` : String((inner as Error)?.message ?? inner);
  return inBody ? `the connection closed before the body was complete: ${detail}` : detail;
}
