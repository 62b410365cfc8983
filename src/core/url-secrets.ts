const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const PASSWORD_PARAM = /([?&]password=)([^&#]*)/gi;

/** Whether `value` is written as a URL with an authority (`scheme://...`). */
export function isAuthorityUrl(value: string): boolean {
  return SCHEME.test(value);
}

/**
 * The secrets a URL carries, as written: the password of its user info (everything after the first `:` up to
 * the last `@` before the host, so a password with unencoded `/`, `?`, `#` or `@` counts whole) and every
 * `password=` parameter. Read without `new URL`, which takes `u:1234/x@h` for a host and a port.
 */
export function urlSecrets(url: string): string[] {
  if (!isAuthorityUrl(url)) return [];
  const rest = url.slice(url.indexOf('//') + 2);
  const found: string[] = [];
  const userInfo = userInfoOf(rest);
  const colon = userInfo?.indexOf(':') ?? -1;
  if (userInfo && colon >= 0 && colon < userInfo.length - 1) found.push(userInfo.slice(colon + 1));
  for (const match of url.matchAll(PASSWORD_PARAM)) if (match[2]) found.push(match[2]);
  return found;
}

/** The URL with every secret {@link urlSecrets} finds replaced by `mask`; scheme, user, host, path and other parameters kept. */
export function redactUrl(url: string, mask: string): string {
  if (!isAuthorityUrl(url)) return url;
  const start = url.indexOf('//') + 2;
  const userInfo = userInfoOf(url.slice(start));
  let shown = url;
  if (userInfo?.includes(':')) shown = `${url.slice(0, start)}${userInfo.slice(0, userInfo.indexOf(':'))}:${mask}${url.slice(start + userInfo.length)}`;
  return shown.replace(PASSWORD_PARAM, (_all, name: string, value: string) => (value ? `${name}${mask}` : `${name}`));
}

/** The user info of an authority and what follows it: up to the last `@` before any query. */
function userInfoOf(rest: string): string | undefined {
  const beforeQuery = rest.split(/[?]password=/i)[0]!;
  const at = beforeQuery.lastIndexOf('@');
  return at >= 0 ? beforeQuery.slice(0, at) : undefined;
}
