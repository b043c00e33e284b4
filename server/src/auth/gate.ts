import { AuthError } from '../errors.js';
import { modeCovers, OPEN_ACCESS, type Access, type Mode } from './access.js';
import { claimsCover, verifyClaims } from './tokens.js';

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

/** What a request carries; read from it in one place (http/credential.ts). Later: a session. */
export interface Credential {
  readonly token?: string | undefined;
}

/** The documents a grant reaches: a name or a prefix ending in `*`; `exact` for share links. */
export interface Scope {
  readonly doc: string;
  readonly match?: 'exact' | undefined;
}

/** The gate's decision: what the caller may do, and over which names. Handlers read only this. */
export interface Grant extends Access {
  readonly scope: Scope;
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
const ANONYMOUS: Grant = Object.freeze({ mode: 'read', scope: Object.freeze({ doc: '', match: 'exact' }) });

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
  ) {}

  /** Whether credentials matter at all (AUTH_SECRET is set). */
  get closed(): boolean {
    return this.secret !== undefined;
  }

  async decide(credential: Credential, need: Need, name?: string): Promise<Grant> {
    if (need === 'public') return ANONYMOUS;
    if (this.secret === undefined) return OPEN_GRANT;
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
}
