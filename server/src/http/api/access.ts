import { sendJson, type ApiRequest } from './context.js';
import type { Route } from './router.js';

/** What a browser cannot learn from a failed socket: what may this credential do here? */
async function access({ res, grant }: ApiRequest): Promise<void> {
  sendJson(res, 200, { mode: grant.mode });
}

/** Who is signed in, and whether signing in is possible here (DESIGN.md, "Sign-in (optional)"). */
async function me({ deps, res, grant }: ApiRequest): Promise<void> {
  const { user } = grant;
  sendJson(res, 200, { user: user ? { id: user.id, name: user.name, email: user.email } : null, signIn: deps.config.signIn !== undefined });
}

export const accessRoutes: Route[] = [
  { method: 'GET', path: 'api/access/:name', access: 'read', handle: access },
  { method: 'GET', path: 'api/me', access: 'public', handle: me },
];
