import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue } from '../server/http-server.ts';

/** What a request may do on the dashboard. */
export interface DashboardAccessGrant {
  /** Signed in with ADMIN_TOKEN (a session cookie). */
  signedIn: boolean;
  /** Changes (forms that POST) are allowed: only when signed in. */
  canEdit: boolean;
  /** The session's CSRF token, for the forms of this page (signed-in sessions only). */
  csrfToken?: string;
}

/** Why a request is refused, and with which status. Never carries data. */
export interface DashboardRefusal {
  status: 401 | 403;
  reason: string;
}

export type AccessDecision = { allowed: true; grant: DashboardAccessGrant } | { allowed: false; refusal: DashboardRefusal };

/**
 * The dashboard's access rule, shared by every route under it (and `/admin/queues`). A request is local when
 * its socket comes from 127.0.0.1 or ::1 and it carries no proxy forwarding header (a reverse proxy on the
 * same host connects from loopback for everyone; a header can only make a request count as remote, never
 * local):
 * - without ADMIN_TOKEN, local requests may read, nobody may change anything, the rest get 403;
 * - with ADMIN_TOKEN, a session signed in with the token may read and change from anywhere; every request
 *   without one gets 401, local ones too (the token is set because the dashboard is meant to be reached
 *   from elsewhere, and a same-host proxy that adds no forwarding header would look local).
 * Sessions live in memory (a restart signs everyone out); cookies are HttpOnly and SameSite=Strict; every POST
 * carries the session's CSRF token.
 */
export interface DashboardAccess {
  /** Whether ADMIN_TOKEN is set (sign-in exists). */
  readonly tokenRequired: boolean;
  check(req: IncomingMessage): AccessDecision;
  /**
   * The guard: the grant when the request may go on (`write`: it changes something, so it must be signed in),
   * otherwise answers 401/403 itself (a short page without data) and returns undefined.
   */
  requireDashboardAccess(req: IncomingMessage, res: ServerResponse, options?: { write?: boolean }): DashboardAccessGrant | undefined;
  /** The CSRF token of the request's session, creating a pending (not signed-in) session for the login form. */
  loginCsrf(req: IncomingMessage, res: ServerResponse): string | undefined;
  /** True when `submitted` is the CSRF token of the request's session (signed in or pending). */
  csrfMatches(req: IncomingMessage, submitted: string | undefined): boolean;
  /** Checks the token in constant time; on success replaces the session with a signed-in one (new id, new CSRF token). */
  signIn(req: IncomingMessage, res: ServerResponse, token: string): boolean;
  signOut(req: IncomingMessage, res: ServerResponse): void;
}

export interface DashboardAccessOptions {
  /** ADMIN_TOKEN; unset: loopback read-only. */
  adminToken?: string;
  /** How long a signed-in session lasts without use (default 12 h). */
  sessionTtlMs?: number;
  /** Signed-in sessions kept at most, and as many pending ones (the oldest go first; default 10,000). */
  maxSessions?: number;
  now?: () => number;
}

interface Session {
  csrf: string;
  signedIn: boolean;
  expiresAt: number;
}

/** The session cookie's name. */
export const SESSION_COOKIE = 'papers_dashboard';
const PENDING_TTL_MS = 30 * 60_000;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** True only for the loopback addresses themselves: 127.0.0.1 and ::1 (also as ::ffff:127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Headers a proxy adds for the client it forwards. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** A request made on this machine itself: from a loopback socket, and not forwarded for someone else. */
export function isLocalRequest(req: IncomingMessage): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Equal in constant time (both sides hashed first, so their lengths never show either). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = headerValue(req, 'cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function refusalPage(res: ServerResponse, refusal: DashboardRefusal, tokenRequired: boolean): void {
  const signIn = tokenRequired ? '<p><a href="/login">Sign in</a></p>' : '';
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Papers dashboard: ${refusal.status}</title></head><body><main><h1>${refusal.status === 401 ? 'Sign in first' : 'Not allowed'}</h1><p>${refusal.reason}</p>${signIn}</main></body></html>`;
  res.writeHead(refusal.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Builds the access rule (one per process: the session store is shared by every route that uses it). */
export function createDashboardAccess(options: DashboardAccessOptions = {}): DashboardAccess {
  const { adminToken } = options;
  const ttl = options.sessionTtlMs ?? 12 * 3_600_000;
  const maxSessions = options.maxSessions ?? 10_000;
  const now = options.now ?? Date.now;
  // Pending sessions (a login form shown to anyone) are kept apart, so opening login forms in bulk can
  // never push a signed-in session out.
  const signedInSessions = new Map<string, Session>();
  const pendingSessions = new Map<string, Session>();

  const sessionOf = (req: IncomingMessage): { id: string; session: Session } | undefined => {
    const id = cookieValue(req, SESSION_COOKIE);
    if (!id || !SESSION_ID.test(id)) return undefined;
    const store = signedInSessions.has(id) ? signedInSessions : pendingSessions;
    const session = store.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= now()) {
      store.delete(id);
      return undefined;
    }
    return { id, session };
  };
  const forget = (id: string | undefined) => {
    if (id === undefined) return;
    signedInSessions.delete(id);
    pendingSessions.delete(id);
  };
  const open = (req: IncomingMessage, res: ServerResponse, signedIn: boolean): Session => {
    const store = signedIn ? signedInSessions : pendingSessions;
    // Oldest first: drop the expired, then the oldest while the store is full.
    for (const [id, s] of store) if (s.expiresAt <= now() || store.size >= maxSessions) store.delete(id);
    const id = randomBytes(32).toString('base64url');
    const lifetime = signedIn ? ttl : PENDING_TTL_MS;
    const session = { csrf: randomBytes(32).toString('base64url'), signedIn, expiresAt: now() + lifetime };
    store.set(id, session);
    const secure = headerValue(req, 'x-forwarded-proto') === 'https' || (req.socket as { encrypted?: boolean }).encrypted ? '; Secure' : '';
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(lifetime / 1000)}${secure}`);
    return session;
  };

  const check = (req: IncomingMessage): AccessDecision => {
    const found = adminToken ? sessionOf(req) : undefined;
    if (found?.session.signedIn) {
      found.session.expiresAt = now() + ttl;
      return { allowed: true, grant: { signedIn: true, canEdit: true, csrfToken: found.session.csrf } };
    }
    if (adminToken) return { allowed: false, refusal: { status: 401, reason: 'Sign in with the admin token to see the dashboard.' } };
    if (isLocalRequest(req)) return { allowed: true, grant: { signedIn: false, canEdit: false } };
    return { allowed: false, refusal: { status: 403, reason: 'The dashboard answers only on this machine (loopback) unless ADMIN_TOKEN is set.' } };
  };

  return {
    tokenRequired: Boolean(adminToken),
    check,
    requireDashboardAccess(req, res, { write = false } = {}) {
      const decision = check(req);
      if (!decision.allowed) return void refusalPage(res, decision.refusal, Boolean(adminToken));
      if (write && !decision.grant.canEdit) {
        const refusal: DashboardRefusal = adminToken
          ? { status: 401, reason: 'Sign in with the admin token to change channels.' }
          : { status: 403, reason: 'The dashboard is read-only: set ADMIN_TOKEN and sign in to change channels.' };
        return void refusalPage(res, refusal, Boolean(adminToken));
      }
      return decision.grant;
    },
    loginCsrf(req, res) {
      if (!adminToken) return undefined;
      return (sessionOf(req)?.session ?? open(req, res, false)).csrf;
    },
    csrfMatches(req, submitted) {
      const found = sessionOf(req);
      return Boolean(found && submitted && sameSecret(found.session.csrf, submitted));
    },
    signIn(req, res, token) {
      if (!adminToken || !sameSecret(token, adminToken)) return false;
      forget(cookieValue(req, SESSION_COOKIE));
      open(req, res, true);
      return true;
    },
    signOut(req, res) {
      forget(cookieValue(req, SESSION_COOKIE));
      res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    },
  };
}
