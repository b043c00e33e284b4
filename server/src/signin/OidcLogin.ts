import * as oidc from 'openid-client';
import type { SignInConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { LoginStore, SessionUser } from '../storage/kinds/sessions.js';
import { ApiError } from '../errors.js';
import { UnavailableError } from '../errors.js';

/** How long a person has between leaving for the provider and coming back. */
export const LOGIN_TTL_MS = 10 * 60_000;

export const CALLBACK_PATH = '/auth/callback';

/**
 * `next` is used only when it is a path beginning with one `/` (not `//` or `/\`), else `/`
 * (DESIGN.md, "Sign-in (optional)"): anything else could send the person to another site.
 */
export function safeNext(next: string | null | undefined): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Control characters (a tab or newline inside "/\t/evil") are dropped by URL parsers: refused whole.
  if (/[\u0000-\u001f\u007f]/.test(next)) return '/';
  return next;
}

/**
 * The relying-party side of sign-in, through openid-client: authorization code with PKCE, state
 * and nonce, query response mode. The login transaction is kept in the store (shared with
 * REDIS_URL), so the callback may reach any instance. Discovery happens at the first login, not
 * at start: a provider that is down must not keep the server from serving tokens.
 */
export class OidcLogin {
  private discovered: Promise<oidc.Configuration> | undefined;
  private readonly redirectUri: string;

  constructor(
    private readonly config: SignInConfig,
    private readonly logins: LoginStore,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.redirectUri = `${config.publicUrl}${CALLBACK_PATH}`;
  }

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(new URL(this.config.issuer), this.config.clientId, this.config.clientSecret, undefined, {
        // Plain http only for a loopback issuer (config.ts refuses it elsewhere): tests and local setups.
        ...(new URL(this.config.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      })
      .catch((err: unknown) => {
        this.discovered = undefined; // the next login tries again
        this.logger.warn({ err }, 'OpenID Connect discovery failed');
        throw new UnavailableError('the sign-in provider cannot be reached; try again shortly');
      });
    return this.discovered;
  }

  /** Where to send the browser: the provider's authorization endpoint, with a fresh transaction. */
  async start(next: string): Promise<URL> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    await this.logins.putLogin({ state, nonce, codeVerifier, next: safeNext(next), expiresAt: this.now() + LOGIN_TTL_MS });
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      response_mode: 'query',
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
  }

  /**
   * The callback: its transaction is taken once (a replay finds nothing), the code exchanged and
   * the ID token checked (issuer, audience, nonce, signature) by openid-client. Who it is: the
   * provider's `sub`, name, and email only when the provider says it is verified.
   */
  async finish(query: URLSearchParams): Promise<{ user: SessionUser; next: string }> {
    const state = query.get('state');
    if (!state) throw new ApiError(400, 'the sign-in callback has no state: start again from the sign-in button', 'bad_callback');
    const login = await this.logins.takeLogin(state);
    if (!login || login.expiresAt <= this.now()) throw new ApiError(400, 'this sign-in is unknown, expired or already used: start again', 'bad_callback');
    const providerError = query.get('error');
    if (providerError) throw new ApiError(400, `the provider refused the sign-in (${providerError.slice(0, 100)})`, 'sign_in_refused');
    const config = await this.configuration();
    const callback = new URL(this.redirectUri);
    for (const [k, v] of query) callback.searchParams.append(k, v);
    let claims: (Record<string, unknown> & { sub: string }) | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: login.codeVerifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true });
      claims = tokens.claims();
      // Some providers keep profile and email for the UserInfo endpoint (its `sub` is checked against the ID token's).
      if (claims && (claims.email === undefined || claims.name === undefined) && tokens.access_token) {
        claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), ...claims };
      }
    } catch (err) {
      this.logger.info({ err: (err as Error).message }, 'sign-in callback refused');
      throw new ApiError(400, 'the sign-in could not be completed (the code or the ID token was refused): start again', 'bad_callback');
    }
    if (!claims || typeof claims.sub !== 'string' || claims.sub === '') throw new ApiError(400, 'the provider gave no subject', 'bad_callback');
    return { user: userOf(claims), next: login.next };
  }
}

/** The person an ID token names: only a verified email is kept ("nOAuth": an unverified one is anyone's). */
export function userOf(claims: Record<string, unknown> & { sub: string }): SessionUser {
  const email = claims.email_verified === true && typeof claims.email === 'string' && claims.email.includes('@') ? claims.email.toLowerCase() : null;
  const named = [claims.name, claims.preferred_username, email].find((v): v is string => typeof v === 'string' && v.trim() !== '');
  return { id: `oidc:${claims.sub}`, name: (named ?? claims.sub).trim().slice(0, 200), email };
}
