/** The URL with its password (in the authority or a `password=` parameter) replaced by `***`. */
export function redactDatabaseUrl(url: string): string {
  let shown = url;
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    if (u.searchParams.has('password')) u.searchParams.set('password', '***');
    shown = u.toString().replace('password=%2A%2A%2A', 'password=***');
  } catch {
    shown = url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
  return shown;
}
