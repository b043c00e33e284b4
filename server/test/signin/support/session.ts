// Signed-in people for the tests: each a Browser holding its session cookie, and what it needs to
// call the API and open sockets as a page of this server would (its own Origin).
import WebSocket from 'ws';
import { Browser } from './browser.js';

export interface SignedIn {
  browser: Browser;
  /** `tandem_session=…` */
  cookie: string;
  api(method: string, path: string, body?: unknown, origin?: string): Promise<Response>;
  /** A socket on document `name`, and the close code it ends with. */
  open(wsUrl: string, name: string, origin?: string): Promise<{ ws: WebSocket; closed: Promise<number> }>;
}

export async function signIn(base: string, login: string): Promise<SignedIn> {
  const browser = new Browser();
  await browser.signIn(base, login);
  const cookie = `tandem_session=${browser.cookie(base, 'tandem_session')!}`;
  return {
    browser,
    cookie,
    api: (method, path, body, origin = base) =>
      fetch(`${base}${path}`, { method, headers: { cookie, origin, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) }),
    open: (wsUrl, name, origin = base) =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${wsUrl}/${encodeURIComponent(name)}`, { headers: { cookie, origin } });
        const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
        ws.once('open', () => resolve({ ws, closed }));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
        ws.once('error', () => undefined);
      }),
  };
}
