import type { KV } from '../kv/KV.js';
import { loginKey, sessionKey } from '../keys.js';

/** Who a session is (DESIGN.md, "Sign-in (optional)"): what the provider said, verified. */
export interface SessionUser {
  /** `oidc:<sub>`: the identity of comments, suggestions and versions. */
  id: string;
  name: string;
  /** Lower-cased; only when the provider said `email_verified: true`, else null. */
  email: string | null;
}

/** A signed-in session: the cookie holds only its id. */
export interface SessionRecord {
  id: string;
  user: SessionUser;
  createdAt: number;
  /** ms since the epoch */
  expiresAt: number;
}

/** A login on its way through the provider: read once, at the callback, on any instance. */
export interface LoginRecord {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where to go after the callback: a checked path. */
  next: string;
  expiresAt: number;
}

/** Sessions, by id. */
export interface SessionStore {
  putSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
}

/** Login transactions, by state: each taken at most once. */
export interface LoginStore {
  putLogin(login: LoginRecord): Promise<void>;
  /** The record, removed in the same step: a second take of the same state gets undefined. */
  takeLogin(state: string): Promise<LoginRecord | undefined>;
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

/** Kind 'a': one JSON record per session. Expired ones are removed by whoever reads them. */
export class Sessions implements SessionStore {
  constructor(private readonly kv: KV) {}

  putSession(session: SessionRecord): Promise<void> {
    return this.kv.write({ type: 'put', key: sessionKey(session.id), value: json(session) });
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const value = await this.kv.get(sessionKey(id));
    return value && (JSON.parse(value.toString('utf8')) as SessionRecord);
  }

  deleteSession(id: string): Promise<void> {
    return this.kv.write({ type: 'del', key: sessionKey(id) });
  }
}

/** Kind 'x': one JSON record per login transaction, by its state. */
export class LoginTransactions implements LoginStore {
  /** States being taken right now: two callbacks racing with one state get it once. */
  private readonly taking = new Set<string>();

  constructor(private readonly kv: KV) {}

  putLogin(login: LoginRecord): Promise<void> {
    return this.kv.write({ type: 'put', key: loginKey(login.state), value: json(login) });
  }

  async takeLogin(state: string): Promise<LoginRecord | undefined> {
    if (this.taking.has(state)) return undefined;
    this.taking.add(state);
    try {
      const value = await this.kv.get(loginKey(state));
      if (!value) return undefined;
      await this.kv.write({ type: 'del', key: loginKey(state) });
      return JSON.parse(value.toString('utf8')) as LoginRecord;
    } finally {
      this.taking.delete(state);
    }
  }
}
