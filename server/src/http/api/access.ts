import { sendJson, type ApiRequest } from './context.js';
import type { Route } from './router.js';

/** What a browser cannot learn from a failed socket: what may this credential do here? */
async function access({ res, grant }: ApiRequest): Promise<void> {
  sendJson(res, 200, { mode: grant.mode });
}

/** Who is signed in: nobody until sign-in exists (DESIGN.md, "Sign-in (optional)"). */
async function me({ res }: ApiRequest): Promise<void> {
  sendJson(res, 200, { user: null, signIn: false });
}

export const accessRoutes: Route[] = [
  { method: 'GET', path: 'api/access/:name', access: 'read', handle: access },
  { method: 'GET', path: 'api/me', access: 'public', handle: me },
];
