import { AuthError } from '../errors.js';
import { modeCovers, OPEN_ACCESS, type Access, type Mode } from './access.js';
import { claimsCover, verifyClaims } from './tokens.js';
import type { SessionRecord, SessionUser } from '../storage/kinds/sessions.js';
import { modeOfRole, roleCovers, type Role } from './roles.js';

/**
 * What a route (or the WebSocket upgrade) declares it needs (DESIGN.md, "One gate"):
 * - `public`: nothing (`/api/me`);
 * - `any`: any valid credential, for no document in particular (the list, search: the handler
 *   filters by the grant's scope);
 * - `read` < `comment` < `write`: that access to the document in the path;
 * - `owner`: the document's owner (until people and roles exist, a writer);
 * - `operator`: every document (`doc: "*"`, write, never a share link).
 */
export type Need = 'public' | 'any' | Mode | 'owner' | 'operator';

/** What a request carries; read from it in one place (http/credential.ts). A token wins. */
export interface Credential {
  readonly token?: string | undefined;
  /** A signed-in session's id (the cookie counted under the Origin rules). */
  readonly session?: string | undefined;
}

/** The documents a grant reaches: a name or a prefix ending in `*`; `exact` for share links. */
export interface Scope {
  readonly doc: string;
  readonly match?: 'exact' | undefined;
}

/** The gate's decision: what the caller may do, and over which names. Handlers read only this. */
/** With sign-in: how the session cookie is read, and the origins where it counts (http/credential.ts reads it). */
export interface CookiePolicy {
  readonly secret: string;
  /** The server's own origin (PUBLIC_URL's) and ALLOWED_ORIGINS. */
  readonly origins: readonly string[];
}

export interface Grant extends Access {
  readonly scope: Scope;
  /** Who is signed in (a session credential). */
  readonly user?: SessionUser | undefined;
  /** Their role in the document of the request, when the route named one. */
  readonly role?: Role | undefined;
}

/** With sign-in: sessions, and the people of each document (a person's role in it). */
export interface SignInCheck {
  readonly cookies: CookiePolicy;
  session(id: string): Promise<SessionRecord | undefined>;
  /**
   * The role `user` has in document `name` (the people record, or general access for anyone
   * signed in), creating the document as theirs when nothing is stored under the name and `opens`;
   * undefined: none.
   */
  roleOf(user: SessionUser, name: string, opens: boolean): Promise<Role | undefined>;
}

/** Share records, as far as the gate needs them (shares/Shares.ts). */
export interface ShareCheck {
  /** Whether link `id` of document `name` exists and has not expired. */
  isLive(name: string, id: string): Promise<boolean>;
}

const EVERYTHING: Scope = Object.freeze({ doc: '*' });
/** Without AUTH_SECRET every caller gets this: the server is open. */
const OPEN_GRANT: Grant = Object.freeze({ ...OPEN_ACCESS, scope: EVERYTHING });
/** What `public` routes get when they are not told who asks. */
const NOTHING: Scope = Object.freeze({ doc: '', match: 'exact' });
const ANONYMOUS: Grant = Object.freeze({ mode: 'read', scope: NOTHING });

/**
 * The one access decision of the server: every surface (WebSocket upgrade, `/api/*`, `/files/*`)
 * asks it before any handler runs. It checks the token's signature, expiry and claims, that a
 * share link's record still exists and has not expired, the document scope and the mode; it
 * throws AuthError (401: no or bad credential; 403: valid but not enough) with a reason.
 */
export class Gate {
  constructor(
    private readonly secret: string | undefined,
    private readonly shares: ShareCheck | undefined,
    private readonly signIn?: SignInCheck | undefined,
  ) {}

  /** Where the session cookie counts (with sign-in), for the credential reader. */
  get cookies(): CookiePolicy | undefined {
    return this.signIn?.cookies;
  }

  /** Whether credentials matter at all (AUTH_SECRET is set). */
  get closed(): boolean {
    return this.secret !== undefined;
  }

  async decide(credential: Credential, need: Need, name?: string): Promise<Grant> {
    if (this.signIn && credential.token === undefined && credential.session !== undefined) return this.decideSession(this.signIn, credential.session, need, name);
    if (need === 'public') return ANONYMOUS;
    if (this.secret === undefined) return OPEN_GRANT;
    if (this.signIn && credential.token === undefined) throw new AuthError('sign in, or open a link with a token', 401);
    const { doc, match, ...access } = await verifyClaims(this.secret, credential.token);
    if (access.share !== undefined) {
      // A link names one document: refusing it on another one before the record is read keeps
      // a made-up id from costing a look-up.
      if (match !== 'exact') throw new AuthError('invalid token claims', 401);
      if (name !== undefined && name !== doc) throw new AuthError('this link is for another document', 403);
      if (!this.shares || !(await this.shares.isLive(doc, access.share))) throw new AuthError('link revoked or expired', 401);
    }
    const grant: Grant = { ...access, scope: match === 'exact' ? { doc, match } : { doc } };
    if (need === 'any') return grant;
    if (need === 'operator') {
      if (doc !== '*' || match === 'exact' || access.mode !== 'write') throw new AuthError('this needs an operator token (doc "*", mode write)', 403);
      return grant;
    }
    if (name === undefined) throw new Error(`a route that needs ${need} must name its document`);
    if (!claimsCover(grant.scope, name)) throw new AuthError('token is for another document', 403);
    const mode: Mode = need === 'owner' ? 'write' : need;
    if (!modeCovers(access.mode, mode)) throw new AuthError(`this needs ${need === 'owner' ? 'owner' : mode} access to the document; the token grants ${access.mode}`, 403);
    return grant;
  }

  /**
   * A signed-in person: the session must be live; their access to a document is their role in
   * it (DESIGN.md, "People and roles"). Their list and search (`any`) are filtered by the handler
   * from `user`; the scope of tokens reaches nothing.
   */
  private async decideSession(signIn: SignInCheck, id: string, need: Need, name: string | undefined): Promise<Grant> {
    const session = await signIn.session(id);
    if (!session) {
      if (need === 'public') return ANONYMOUS;
      throw new AuthError('your session has ended: sign in again', 401);
    }
    const { user } = session;
    const base = { sub: user.id, userName: user.name, session: id, expiresAtMs: session.expiresAt, user };
    if (need === 'public' || need === 'any') return { mode: 'read', scope: NOTHING, ...base };
    if (need === 'operator') throw new AuthError('this needs an operator token (doc "*", mode write)', 403);
    if (name === undefined) throw new Error(`a route that needs ${need} must name its document`);
    // Opening a name (not deleting it) with nothing stored creates it, as the person's own.
    const role = await signIn.roleOf(user, name, need !== 'owner');
    if (role === undefined) throw new AuthError('you have no access to this document: ask its owner to share it with you', 403);
    if (!roleCovers(role, need)) throw new AuthError(`this needs ${need} access to the document; you are ${role === 'owner' ? 'an owner' : `a ${role}`}`, 403);
    return { mode: modeOfRole(role), scope: { doc: name, match: 'exact' }, role, ...base };
  }
}
