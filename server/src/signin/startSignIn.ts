import type { SignInCheck } from '../auth/gate.js';
import type { Config, SignInConfig } from '../config.js';
import type { Logger } from '../logger.js';
import type { Stores } from '../storage/Stores.js';
import { OidcLogin } from './OidcLogin.js';
import { SessionService } from './SessionService.js';
import { SessionWatch } from './SessionWatch.js';

/**
 * Sign-in's parts, built once at start when it is configured: the sessions, the OpenID Connect
 * login, what the gate asks (`check`) and what closes the sockets of ended sessions (`watch`).
 */
export function startSignIn(config: Config, signIn: SignInConfig, secret: string, stores: Stores, logger: Logger, now: () => number) {
  const sessions = new SessionService(stores.sessions, signIn.sessionTtlMs, now);
  const login = new OidcLogin(signIn, stores.logins, logger, now);
  const check: SignInCheck = {
    cookies: { secret, origins: [config.publicOrigin!, ...(config.allowedOrigins ?? [])] },
    session: (id) => sessions.get(id),
    roleOf: async () => undefined,
  };
  return {
    check,
    watch: new SessionWatch(sessions),
    routes: { config: signIn, secret, login, sessions },
  };
}
