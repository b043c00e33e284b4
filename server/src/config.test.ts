import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';

const load = (env: Record<string, string>) => loadConfig(env, '/repo', '/repo/client/dist');

test('defaults follow the design table', () => {
  const c = load({});
  assert.equal(c.port, 1234);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, '/repo/data');
  assert.equal(c.logLevel, 'info');
  assert.equal(c.maxMessageBytes, 16777216);
  assert.equal(c.maxBufferedBytes, 8388608);
  assert.equal(c.pingIntervalMs, 15000);
  assert.equal(c.unloadGraceMs, 10000);
  assert.equal(c.compactAfterUpdates, 500);
  assert.equal(c.durability, 'write');
  assert.equal(c.authSecret, undefined);
  assert.equal(c.allowedOrigins, undefined);
  assert.equal(c.rateLimitPerSec, 300);
  assert.equal(c.rateLimitBurst, 1000);
  assert.equal(c.maxConnectionsPerIp, 1000);
  assert.equal(c.maxOpenDocuments, 10000);
  assert.equal(c.trustProxy, false);
  assert.ok(Object.isFrozen(c));
});

test('values are parsed, relative paths anchored at the repository root', () => {
  const c = load({ PORT: '0', DATA_DIR: 'x/y', DURABILITY: 'fsync', ALLOWED_ORIGINS: 'https://a.example, http://localhost:5173/', TRUST_PROXY: '1' });
  assert.equal(c.port, 0);
  assert.equal(c.dataDir, '/repo/x/y');
  assert.equal(c.durability, 'fsync');
  assert.deepEqual(c.allowedOrigins, ['https://a.example', 'http://localhost:5173']);
  assert.equal(c.trustProxy, true);
  assert.equal(load({ DATA_DIR: '/abs' }).dataDir, '/abs');
});

for (const [name, value] of [
  ['PORT', 'abc'],
  ['PORT', '70000'],
  ['MAX_MESSAGE_BYTES', '-1'],
  ['PING_INTERVAL_MS', '1.5'],
  ['DURABILITY', 'sometimes'],
  ['LOG_LEVEL', 'loud'],
  ['TRUST_PROXY', 'yes'],
  ['AUTH_SECRET', 'short'],
  ['ALLOWED_ORIGINS', 'not a url'],
  ['REDIS_URL', 'http://x'],
  ['FILE_GC_GRACE_MS', '999'],
  ['FILE_GC_GRACE_MS', '1d'],
  ['FILE_GC_EVERY_MS', '0'],
  ['MAX_AWARENESS_IDS', '0'],
  ['MAX_PRESENCE_BYTES', '1024'],
  ['MAX_PRESENCE_BYTES', '4MiB'],
  ['MAX_TOTAL_BUFFERED_BYTES', 'lots'],
  ['CONVERSION_TIMEOUT_MS', '5'],
  ['MAX_CONVERSION_QUEUE', '-1'],
] as const) {
  test(`invalid ${name}=${value} names the variable`, () => {
    assert.throws(() => load({ [name]: value }), (err: unknown) => err instanceof ConfigError && err.message.startsWith(name));
  });
}

test('version settings: defaults, values, and a bad VERSION_KEEP named', () => {
  const c = loadConfig({}, '/r', '/c');
  assert.equal(c.versionIdleMs, 60_000);
  assert.equal(c.versionEveryMs, 600_000);
  assert.equal(c.versionKeep.length, 3);
  assert.equal(loadConfig({ VERSION_IDLE_MS: '500', VERSION_KEEP: '1h:all' }, '/r', '/c').versionIdleMs, 500);
  assert.throws(() => loadConfig({ VERSION_KEEP: 'weekly' }, '/r', '/c'), (e: unknown) => e instanceof ConfigError && /^VERSION_KEEP/.test(e.message));
});

test('unreferenced files: a day\'s grace and an hourly sweep by default, both at least a second', () => {
  const c = loadConfig({}, '/r', '/c');
  assert.equal(c.fileGcGraceMs, 86_400_000);
  assert.equal(c.fileGcEveryMs, 3_600_000);
  const set = loadConfig({ FILE_GC_GRACE_MS: '1000', FILE_GC_EVERY_MS: '60000' }, '/r', '/c');
  assert.equal(set.fileGcGraceMs, 1000);
  assert.equal(set.fileGcEveryMs, 60_000);
});

test('hardening limits: defaults as in the design table, and values parsed', () => {
  const c = load({});
  assert.equal(c.maxAwarenessIds, 4);
  assert.equal(c.maxTotalBufferedBytes, 536870912);
  assert.equal(c.conversionTimeoutMs, 20000);
  assert.equal(c.maxConversionQueue, 32);
  assert.equal(c.maxPresenceBytes, 4194304);
  const set = load({ MAX_AWARENESS_IDS: '2', MAX_TOTAL_BUFFERED_BYTES: '65536', CONVERSION_TIMEOUT_MS: '500', MAX_CONVERSION_QUEUE: '0' });
  assert.deepEqual([set.maxAwarenessIds, set.maxTotalBufferedBytes, set.conversionTimeoutMs, set.maxConversionQueue], [2, 65536, 500, 0]);
});

test('sign-in is all or nothing: some of its variables stop the start, naming the missing ones', () => {
  const all = { AUTH_SECRET: 'x'.repeat(16), OIDC_ISSUER: 'https://id.example.com/realms/acme', OIDC_CLIENT_ID: 'tandem', OIDC_CLIENT_SECRET: 's', PUBLIC_URL: 'https://docs.example.com/' };
  assert.equal(load({}).signIn, undefined, 'without them nothing changes');
  assert.equal(load({ AUTH_SECRET: all.AUTH_SECRET }).signIn, undefined);
  const c = load(all);
  assert.deepEqual(c.signIn, { issuer: all.OIDC_ISSUER, clientId: 'tandem', clientSecret: 's', publicUrl: 'https://docs.example.com', sessionTtlMs: 604800000, secureCookie: true });
  assert.equal(c.publicOrigin, 'https://docs.example.com');
  assert.equal(load({ ...all, SESSION_TTL_MS: '60000' }).signIn?.sessionTtlMs, 60000);
  const { OIDC_CLIENT_SECRET: _s, PUBLIC_URL: _p, ...some } = all;
  assert.throws(() => load(some), (e: Error) => e instanceof ConfigError && /OIDC_CLIENT_SECRET, PUBLIC_URL/.test(e.message));
  const { AUTH_SECRET: _a, ...noSecret } = all;
  assert.throws(() => load(noSecret), (e: Error) => e instanceof ConfigError && /AUTH_SECRET/.test(e.message));
  assert.throws(() => load({ PUBLIC_URL: 'https://docs.example.com' }), /OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET/);
  assert.throws(() => load({ ...all, OIDC_ISSUER: 'http://id.example.com' }), /OIDC_ISSUER must be https/);
  assert.equal(load({ ...all, OIDC_ISSUER: 'http://127.0.0.1:9000', PUBLIC_URL: 'http://localhost:1234' }).signIn?.secureCookie, false);
  assert.throws(() => load({ ...all, PUBLIC_URL: 'https://docs.example.com/app' }), /PUBLIC_URL must be an origin/);
  assert.throws(() => load({ ...all, PUBLIC_URL: 'docs.example.com' }), /PUBLIC_URL must be an http/);
  assert.throws(() => load({ ...all, SESSION_TTL_MS: 'soon' }), /SESSION_TTL_MS/);
});

test('MAX_PRESENCE_BYTES holds at least one awareness state: parsed, refused below MAX_AWARENESS_BYTES, never defaulted below it', () => {
  assert.equal(load({ MAX_PRESENCE_BYTES: '1048576' }).maxPresenceBytes, 1048576);
  assert.equal(load({ MAX_AWARENESS_BYTES: '1024', MAX_PRESENCE_BYTES: '1024' }).maxPresenceBytes, 1024);
  assert.throws(() => load({ MAX_AWARENESS_BYTES: '131072', MAX_PRESENCE_BYTES: '65536' }), (err: unknown) => err instanceof ConfigError && /^MAX_PRESENCE_BYTES must be between 131072/.test(err.message));
  assert.equal(load({ MAX_AWARENESS_BYTES: '8388608' }).maxPresenceBytes, 8388608);
});
