import { randomBytes } from 'node:crypto';
import type { SessionRecord, SessionStore, SessionUser } from '../storage/kinds/sessions.js';

/**
 * Sign-in sessions (DESIGN.md, "Sign-in (optional)"): server-side records, so that a logout
 * ends one at once everywhere. With REDIS_URL the store is the shared one. An expired record is
 * an ended session, removed by whoever finds it.
 */
export class SessionService {
  private readonly endedListeners = new Set<(id: string) => void>();

  constructor(
    private readonly store: SessionStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new session with a fresh random id (never one the browser brought: no fixation). */
  async start(user: SessionUser): Promise<SessionRecord> {
    const now = this.now();
    const session: SessionRecord = { id: randomBytes(24).toString('base64url'), user, createdAt: now, expiresAt: now + this.ttlMs };
    await this.store.putSession(session);
    return session;
  }

  /** The live session with this id, or undefined (none, ended, expired). */
  async get(id: string): Promise<SessionRecord | undefined> {
    const session = await this.store.getSession(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      await this.store.deleteSession(id).catch(() => undefined); // expired either way; Redis may be away
      return undefined;
    }
    return session;
  }

  /** Ends the session everywhere and tells the listeners of this instance at once. */
  async end(id: string): Promise<void> {
    await this.store.deleteSession(id);
    for (const listener of this.endedListeners) listener(id);
  }

  /** Calls `listener` with the id of each session ended through this instance. */
  onEnded(listener: (id: string) => void): () => void {
    this.endedListeners.add(listener);
    return () => this.endedListeners.delete(listener);
  }
}
