import type { Mode } from '../auth/access.js';
import { AuthError } from '../errors.js';
import type { SessionService } from './SessionService.js';

/** How often the sessions of open connections are decided again (a logout or role change elsewhere). */
export const SESSION_WATCH_MS = 1000;

/** A signed-in session open on a document, with the mode it was granted. */
export interface SessionUse {
  readonly name: string;
  readonly session: string;
  readonly mode: Mode;
}

/**
 * Keeps open connections of signed-in people in line with their access (DESIGN.md, "One gate"):
 * each session in use is decided again at once when something changes through this instance (a
 * logout, a people change: `nudge`), and every SESSION_WATCH_MS for changes through others, so a
 * change reaches every instance within 2 s. `onChanged` gets the new mode, or undefined with the
 * reason when access is gone (the session ended, or the person was removed).
 */
export class SessionWatch {
  private readonly runs = new Set<() => void>();

  constructor(sessions: SessionService) {
    sessions.onEnded(() => this.nudge());
  }

  /** Something changed through this instance: decide every session in use again, now. */
  nudge(): void {
    for (const run of this.runs) run();
  }

  watch(
    inUse: () => Iterable<SessionUse>,
    decide: (use: SessionUse) => Promise<Mode>,
    onChanged: (use: SessionUse, to: Mode | undefined, reason: string) => void,
    onError: (use: SessionUse, err: unknown) => void,
  ): () => void {
    const run = (): void => {
      const seen = new Map<string, SessionUse>();
      for (const use of inUse()) seen.set(`${use.session}\u0000${use.name}\u0000${use.mode}`, use);
      for (const use of seen.values()) {
        decide(use).then(
          (mode) => {
            if (mode !== use.mode) onChanged(use, mode, 'access changed');
          },
          (err: unknown) => (err instanceof AuthError ? onChanged(use, undefined, err.message) : onError(use, err)),
        );
      }
    };
    const timer = setInterval(run, SESSION_WATCH_MS);
    this.runs.add(run);
    return () => {
      clearInterval(timer);
      this.runs.delete(run);
    };
  }
}
