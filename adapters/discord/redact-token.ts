import { describeError } from '../../src/errors.ts';

/** Interaction tokens sit in the path of the webhook and callback routes: `webhooks/<app>/<token>`, `interactions/<id>/<token>`. */
const TOKEN_IN_PATH = /\b(webhooks|interactions)\/(\d+)\/[^/\s?#"']+/g;

/** `text` with every interaction token in a URL or route replaced by `[redacted]`. */
export function redactInteractionTokens(text: string): string {
  return text.replace(TOKEN_IN_PATH, '$1/$2/[redacted]');
}

const FIELDS = ['name', 'code', 'status', 'method', 'url'] as const;

/**
 * What to log of an error from an interaction's answer: name, message, code, HTTP status, method, URL and
 * stack, each with interaction tokens redacted (an @discordjs/rest error carries the webhook URL, and the
 * request body, which are never logged whole).
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactInteractionTokens(describeError(error)) };
  const out: Record<string, unknown> = { message: redactInteractionTokens(error.message) };
  const fields = error as unknown as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = fields[field];
    if (typeof value === 'string') out[field] = redactInteractionTokens(value);
    else if (typeof value === 'number') out[field] = value;
  }
  if (error.stack) out.stack = redactInteractionTokens(error.stack);
  if (error.cause !== undefined && depth < 3) out.cause = loggableError(error.cause, depth + 1);
  return out;
}
