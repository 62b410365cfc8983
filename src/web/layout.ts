import { html, type Html, type HtmlValue } from './html.ts';
import type { DashboardAccessGrant } from './access.ts';

/** What the page shell needs to know about the viewer. */
export interface PageContext {
  access: DashboardAccessGrant;
  /** Whether ADMIN_TOKEN exists, so "Sign in" makes sense. */
  tokenRequired: boolean;
  /** The path of this page, to mark the current tab. */
  path: string;
}

/** The hidden CSRF field every POST form carries (empty when not signed in: such a POST is refused anyway). */
export function csrfField(access: DashboardAccessGrant): Html {
  return html`<input type="hidden" name="csrf" value="${access.csrfToken ?? ''}">`;
}

/** The page shell: skip link, navigation, search box, sign in/out, the stylesheet and the script. */
export function page(ctx: PageContext, title: string, body: HtmlValue, options: { query?: string } = {}): Html {
  const tab = (href: string, label: string) =>
    html`<a href="${href}"${(href === '/' ? ctx.path === '/' || ctx.path.startsWith('/papers') : ctx.path.startsWith(href)) ? html` aria-current="page"` : ''}>${label}</a>`;
  const account = ctx.access.signedIn
    ? html`<form method="post" action="/logout">${csrfField(ctx.access)}<button class="secondary" type="submit">Sign out</button></form>`
    : ctx.tokenRequired
      ? html`<a href="/login">Sign in</a>`
      : html`<span class="muted">read-only (this machine only)</span>`;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Papers bot</title><link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/dashboard.js" defer></script></head>
<body><a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">Papers bot</a>
<nav aria-label="Dashboard">${tab('/', 'Papers')}${tab('/channels', 'Channels')}</nav>
<form role="search" method="get" action="/search"><label class="skip" for="site-q">Search papers</label>
<input id="site-q" type="search" name="q" value="${options.query ?? ''}" placeholder="Search papers" aria-label="Search papers"><button type="submit">Search</button></form>
${account}</header>
<main id="main">${body}</main></body></html>`;
}
