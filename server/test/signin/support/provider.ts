// A real OpenID Connect provider for the sign-in tests: panva's oidc-provider (the certified
// server) in this process on a free loopback port, with test people, one registered client and
// its own login page (devInteractions). Consent is granted by itself (a first-party client), so a
// login is: authorize → login form → back to Tandem's callback with a code.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestPerson {
  name: string;
  email: string;
  email_verified: boolean;
}

export const PEOPLE: Record<string, TestPerson> = {
  alice: { name: 'Alice Archer', email: 'Alice@Example.com', email_verified: true },
  bob: { name: 'Bob Baker', email: 'bob@example.com', email_verified: true },
  carol: { name: 'Carol Cook', email: 'carol@example.com', email_verified: true },
  // Claims an email the provider never verified: must never be matched by it ("nOAuth").
  mallory: { name: 'Mallory', email: 'bob@example.com', email_verified: false },
  dave: { name: 'Dave Dale', email: 'dave@example.com', email_verified: true },
};

export const CLIENT_ID = 'tandem';
export const CLIENT_SECRET = 'tandem-test-client-secret-0123456789';
/** Another application registered at the same provider, with the same redirect URI. */
export const OTHER_CLIENT_ID = 'another-app';

export interface TestProvider {
  readonly issuer: string;
  readonly provider: Provider;
  stop(): Promise<void>;
}

/** Starts a provider at `http://127.0.0.1:<port>` that knows `redirectUris`. */
export async function startProvider(redirectUris: readonly string[], port = 0): Promise<TestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [CLIENT_ID, OTHER_CLIENT_ID].map((client_id) => ({ client_id, client_secret: client_id === CLIENT_ID ? CLIENT_SECRET : `${CLIENT_SECRET}-other`, redirect_uris: [...redirectUris], grant_types: ['authorization_code'], response_types: ['code'] })),
    async findAccount(_ctx, id) {
      const person = PEOPLE[id];
      return person ? { accountId: id, claims: async () => ({ sub: id, ...person }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true, methods: ['S256'] },
    cookies: { keys: ['oidc-test-cookie-key'] },
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // oidc-provider prints a warning per development default (keys, login page): the tests mean them.
  provider.on('server_error', () => undefined);
  server.on('request', provider.callback());
  return {
    issuer,
    provider,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The variables that turn sign-in on against `issuer`, for a server whose address is `base`. */
export function signInEnv(issuer: string, base: string, secret: string): Record<string, string> {
  return { AUTH_SECRET: secret, OIDC_ISSUER: issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET, PUBLIC_URL: base };
}
