import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { describeError, PermanentPlatformError, RateLimitError, TransientPlatformError, type PapersError } from '../../src/errors.ts';

/** Slack error codes no retry can fix for this channel: the bot was removed, the channel is gone, or the token is. */
export const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'team_access_not_granted',
  'ekm_access_denied',
  'missing_scope',
  'not_authed',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'no_permission',
  'org_login_required',
  // A person's direct messages (personal alerts): the user is gone, or is not someone the bot may write to.
  'user_not_found',
  'user_disabled',
  'cannot_dm_bot',
]);

/** Fallback wait when Slack says `ratelimited` without a Retry-After header. */
const DEFAULT_RETRY_AFTER_MS = 30_000;

/**
 * Maps a Slack Web API failure to our typed platform errors: 429 -> {@link RateLimitError} with the
 * Retry-After, a channel-level refusal -> {@link PermanentPlatformError} with Slack's code, anything else
 * (5xx, network, timeouts, other codes) -> {@link TransientPlatformError}.
 */
export function toPlatformError(error: unknown, action: string): PapersError {
  if (error instanceof WebAPIRateLimitedError) {
    return new RateLimitError(error.retryAfter * 1000, `Slack rate-limited ${action}; retry after ${error.retryAfter} s`, { cause: error });
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    if (PERMANENT_SLACK_ERRORS.has(code)) return new PermanentPlatformError(code, `Slack refused ${action}: ${code}`, { cause: error });
    if (code === 'ratelimited') return new RateLimitError(DEFAULT_RETRY_AFTER_MS, `Slack rate-limited ${action}`, { cause: error });
    return new TransientPlatformError(`Slack failed ${action}: ${code}`, { cause: error });
  }
  if (error instanceof WebAPIHTTPError) {
    return new TransientPlatformError(`Slack answered ${action} with HTTP ${error.statusCode}`, { cause: error });
  }
  if (error instanceof WebAPIRequestError) {
    return new TransientPlatformError(`Could not reach Slack for ${action}: ${describeError(error.original)}`, { cause: error });
  }
  return new TransientPlatformError(`Slack ${action} failed: ${describeError(error)}`, { cause: error });
}
