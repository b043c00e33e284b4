import { UnavailableError } from '../errors.js';
import type { LoginRecord, LoginStore, SessionRecord, SessionStore } from '../storage/kinds/sessions.js';
import { loginKey, sessionKey } from './keys.js';
import { redisOrLocal } from './sharedStep.js';
import type { RedisLink } from './RedisLink.js';

/** Redis expires a record with its own expiry (at least a second, so PX is valid). */
const ttlMs = (expiresAt: number, now: number): string => String(Math.max(1000, expiresAt - now));

/**
 * Sessions with scale-out: Redis holds the record every instance asks, so a logout through one
 * instance ends the session on all; this instance's copy answers while Redis is away. A session
 * starts, and ends, only when Redis takes it: it must hold on every instance, or not at all.
 */
export class SharedSessions implements SessionStore {
  constructor(
    private readonly local: SessionStore,
    private readonly link: RedisLink,
    private readonly now: () => number,
  ) {}

  async putSession(session: SessionRecord): Promise<void> {
    await this.link.command(['SET', sessionKey(session.id), JSON.stringify(session), 'PX', ttlMs(session.expiresAt, this.now())]).catch(() => {
      throw new UnavailableError('cannot sign in while Redis is unavailable; try again shortly');
    });
    await this.local.putSession(session);
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return redisOrLocal(
      this.link,
      async () => {
        const value = await this.link.command<string | null>(['GET', sessionKey(id)]);
        return value ? (JSON.parse(value) as SessionRecord) : undefined;
      },
      () => this.local.getSession(id),
    );
  }

  /** Rejects while Redis is down: a logout must reach every instance. */
  async deleteSession(id: string): Promise<void> {
    await this.link.command(['DEL', sessionKey(id)]);
    await this.local.deleteSession(id);
  }
}

/**
 * Login transactions with scale-out: only in Redis (the callback may reach any instance behind a
 * round-robin balancer), taken once with GETDEL so that a replayed callback finds nothing.
 */
export class SharedLogins implements LoginStore {
  constructor(
    private readonly link: RedisLink,
    private readonly now: () => number,
  ) {}

  async putLogin(login: LoginRecord): Promise<void> {
    await this.link.command(['SET', loginKey(login.state), JSON.stringify(login), 'PX', ttlMs(login.expiresAt, this.now())]).catch(() => {
      throw new UnavailableError('cannot sign in while Redis is unavailable; try again shortly');
    });
  }

  async takeLogin(state: string): Promise<LoginRecord | undefined> {
    const value = await this.link.command<string | null>(['GETDEL', loginKey(state)]);
    return value ? (JSON.parse(value) as LoginRecord) : undefined;
  }
}
