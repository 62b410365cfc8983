import { html, type Html } from './html.ts';

/** The sign-in form: the admin token in a password field, the pending session's CSRF token. No data. */
export function loginPage(csrf: string, error?: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Papers bot</title><link rel="stylesheet" href="/assets/dashboard.css"></head>
<body><main id="main"><h1>Sign in to the papers dashboard</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login"><input type="hidden" name="csrf" value="${csrf}">
<label for="token">Admin token (<code>ADMIN_TOKEN</code>)</label>
<input id="token" type="password" name="token" autocomplete="current-password" required size="40" autofocus>
<p><button type="submit">Sign in</button></p></form></main></body></html>`;
}
