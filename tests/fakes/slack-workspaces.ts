import { randomBytes } from 'node:crypto';

/** A workspace (or, with `orgWide`, an Enterprise Grid organisation) the fake Slack can install the app into. */
export interface FakeWorkspace {
  teamId: string;
  name?: string;
  enterpriseId?: string;
  /** An org-wide install: the token serves every workspace of the organisation. */
  orgWide?: boolean;
  /** Channels of this workspace: a token of another workspace cannot see them (`channel_not_found`). */
  channels?: string[];
  /** Token rotation on: tokens come with a refresh token and last `expiresIn` seconds. */
  rotation?: { expiresIn: number };
}

interface Issued {
  workspace: FakeWorkspace;
  token: string;
  botUserId: string;
  revoked: boolean;
  refreshToken?: string;
}

/** The OAuth app the fake knows: `oauth.v2.access` checks these as Slack does. */
export interface FakeOAuthApp {
  clientId: string;
  clientSecret: string;
  /** The redirect URL configured for the app (where the consent screen sends the browser back). */
  redirectUrl?: string;
}

/**
 * The OAuth side of the fake Slack: consent (`GET /oauth/v2/authorize` approves as the workspace chosen with
 * {@link approveAs}), codes that work once, `oauth.v2.access` (client id and secret checked, a fresh bot token per
 * install), and which team each token and channel belongs to.
 */
export class FakeSlackWorkspaces {
  /** Installs by bot token. */
  private readonly tokens = new Map<string, Issued>();
  private readonly codes = new Map<string, FakeWorkspace>();
  private readonly channelTeams = new Map<string, string>();
  private approving: FakeWorkspace | undefined;
  app: FakeOAuthApp | undefined;

  /** The consent screen approves the next installs as `workspace` (a browser's admin clicking "Allow"). */
  approveAs(workspace: FakeWorkspace): void {
    this.approving = workspace;
    for (const channel of workspace.channels ?? []) this.channelTeams.set(channel, workspace.teamId);
  }

  /** A code for installing into `workspace`, as the consent screen hands it to the redirect URL. */
  issueCode(workspace: FakeWorkspace): string {
    for (const channel of workspace.channels ?? []) this.channelTeams.set(channel, workspace.teamId);
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.codes.set(code, workspace);
    return code;
  }

  /** `GET /oauth/v2/authorize`: where the browser goes next (the redirect URL with a code and the state), or why not. */
  consent(query: URLSearchParams): { location: string } | { status: number; text: string } {
    if (!this.app || query.get('client_id') !== this.app.clientId) return { status: 400, text: 'invalid_client_id' };
    if (!query.get('scope')) return { status: 400, text: 'invalid_scope' };
    const redirect = query.get('redirect_uri') ?? this.app.redirectUrl;
    if (!redirect || !this.approving) return { status: 400, text: 'no redirect URL configured, or nobody to approve' };
    const url = new URL(redirect);
    url.searchParams.set('code', this.issueCode(this.approving));
    const state = query.get('state');
    if (state !== null) url.searchParams.set('state', state);
    return { location: url.toString() };
  }

  /** `oauth.v2.access`: trades a code (once) for a bot token when the client id and secret are the app's. */
  access(body: Record<string, unknown>, authorization?: string): Record<string, unknown> {
    const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString().split(':') : [];
    const clientId = String(body.client_id ?? basic[0] ?? '');
    const clientSecret = String(body.client_secret ?? basic[1] ?? '');
    if (!this.app || clientId !== this.app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (clientSecret !== this.app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    if (body.grant_type === 'refresh_token') return this.refresh(String(body.refresh_token ?? ''));
    const workspace = this.codes.get(String(body.code ?? ''));
    if (!workspace) return { ok: false, error: 'invalid_code' };
    this.codes.delete(String(body.code));
    const issued = this.issue(workspace);
    const { token, botUserId } = issued;
    const enterprise = workspace.enterpriseId ? { id: workspace.enterpriseId, name: `Org ${workspace.enterpriseId}` } : null;
    return {
      ok: true,
      access_token: token,
      token_type: 'bot',
      scope: 'commands,chat:write,chat:write.public',
      bot_user_id: botUserId,
      app_id: 'A1',
      team: workspace.orgWide ? null : { id: workspace.teamId, name: workspace.name ?? workspace.teamId },
      enterprise,
      is_enterprise_install: Boolean(workspace.orgWide),
      authed_user: { id: 'UINSTALLER' },
      ...this.rotationFields(issued),
    };
  }

  /** How many refreshes `oauth.v2.access` answered. */
  refreshes = 0;

  /** `grant_type=refresh_token`: a new token and refresh token; the old token stops working, as after expiry. */
  private refresh(refreshToken: string): Record<string, unknown> {
    const old = [...this.tokens.values()].find((i) => i.refreshToken === refreshToken && !i.revoked);
    if (!old) return { ok: false, error: 'invalid_refresh_token' };
    old.revoked = true;
    this.refreshes += 1;
    const issued = this.issue(old.workspace);
    return { ok: true, access_token: issued.token, token_type: 'bot', scope: 'commands,chat:write', bot_user_id: issued.botUserId, app_id: 'A1', team: { id: old.workspace.teamId, name: old.workspace.name ?? old.workspace.teamId }, enterprise: null, ...this.rotationFields(issued) };
  }

  private issue(workspace: FakeWorkspace): Issued {
    const token = `xoxb-${workspace.teamId}-${randomBytes(8).toString('hex')}`;
    const issued: Issued = { workspace, token, botUserId: `UBOT${workspace.teamId}`, revoked: false, ...(workspace.rotation ? { refreshToken: `xoxe-1-${randomBytes(8).toString('hex')}` } : {}) };
    this.tokens.set(token, issued);
    return issued;
  }

  private rotationFields(issued: Issued): Record<string, unknown> {
    return issued.refreshToken && issued.workspace.rotation ? { refresh_token: issued.refreshToken, expires_in: issued.workspace.rotation.expiresIn } : {};
  }

  /** The install a bot token belongs to (undefined: not one of ours), and whether it was revoked. */
  byToken(token: string): Issued | undefined {
    return this.tokens.get(token);
  }

  /** Every token issued for `teamId` (the app's installs there, newest last). */
  tokensOf(teamId: string): string[] {
    return [...this.tokens.values()].filter((i) => i.workspace.teamId === teamId).map((i) => i.token);
  }

  /** Revokes every token of a workspace (an uninstall): they answer `token_revoked` from now on. */
  revoke(teamId: string): void {
    for (const issued of this.tokens.values()) if (issued.workspace.teamId === teamId) issued.revoked = true;
  }

  /** Whether `token`'s workspace may use `channel`: channels of no known workspace are open to every token. */
  canSee(issued: Issued, channel: string | undefined): boolean {
    const team = channel === undefined ? undefined : this.channelTeams.get(channel);
    return team === undefined || team === issued.workspace.teamId;
  }
}
