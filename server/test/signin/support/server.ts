// A server with sign-in and its provider: the port is chosen first, because PUBLIC_URL names it
// and the provider must know the redirect URI.
import { freePort, startTestServer, type TestServer } from '../../helpers.js';
import { signInEnv, startProvider, type TestProvider } from './provider.js';

export interface SignInServer {
  ts: TestServer;
  provider: TestProvider;
  /** `http://127.0.0.1:<port>`, the server's PUBLIC_URL. */
  base: string;
  stop(): Promise<void>;
}

export async function startSignInServer(secret: string, env: Record<string, string> = {}, now?: () => number): Promise<SignInServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider = await startProvider([`${base}/auth/callback`]);
  const ts = await startTestServer({ PORT: String(port), ...signInEnv(provider.issuer, base, secret), ...env }, undefined, {}, now);
  return {
    ts,
    provider,
    base,
    stop: async () => {
      await ts.stop();
      await provider.stop();
    },
  };
}
