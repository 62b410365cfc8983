import { redactUrl } from '../core/url-secrets.ts';

/** The URL with its password (in the user info or a `password=` parameter) replaced by `***`. */
export function redactDatabaseUrl(url: string): string {
  return redactUrl(url, '***');
}
