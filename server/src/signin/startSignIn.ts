import type { SignInCheck } from '../auth/gate.js';
import type { Config, SignInConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Stores } from '../storage/Stores.js';
import { People } from '../people/People.js';
import { OidcLogin } from './OidcLogin.js';
import { SessionService } from './SessionService.js';
import { SessionWatch } from './SessionWatch.js';

/**
 * Sign-in's parts, built once at start when it is configured: the sessions, the OpenID Connect
 * login, each document's people, what the gate asks (`check`) and what closes the sockets of
 * sessions that ended or whose access changed (`watch`).
 */
export function startSignIn(config: Config, signIn: SignInConfig, secret: string, stores: Stores, logger: Logger, now: () => number) {
  const sessions = new SessionService(stores.sessions, signIn.sessionTtlMs, now);
  const login = new OidcLogin(signIn, stores.logins, logger, now);
  const watch = new SessionWatch(sessions);
  // A change of people through this instance reaches its open sessions at once (others within 2 s).
  const people = new People(stores.people, stores.documents, () => watch.nudge());
  const check: SignInCheck = {
    cookies: { secret, origins: [config.publicOrigin!, ...(config.allowedOrigins ?? [])] },
    session: (id) => sessions.get(id),
    roleOf: (user, name, opens) => people.roleOf(user, name, opens),
  };
  return { check, watch, people, routes: { config: signIn, secret, login, sessions } };
}
