import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './errors.js';
import { DEFAULT_VERSION_KEEP, parseRetention, type RetentionRule } from './history/retention.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

export type Durability = 'write' | 'fsync';

/** The relay's configuration: parsed once from the environment, then frozen. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: LogLevel;
  readonly maxMessageBytes: number;
  readonly maxBufferedBytes: number;
  readonly pingIntervalMs: number;
  readonly unloadGraceMs: number;
  readonly compactAfterUpdates: number;
  readonly durability: Durability;
  readonly authSecret: string | undefined;
  readonly allowedOrigins: readonly string[] | undefined;
  readonly rateLimitPerSec: number;
  readonly rateLimitBurst: number;
  readonly rateLimitBytesPerSec: number;
  readonly rateLimitBytesBurst: number;
  readonly maxDocumentBytes: number;
  /** Largest uploaded image (413 above it). */
  readonly maxFileBytes: number;
  /** An uploaded file neither the document nor a kept version refers to is deleted once it is this old. */
  readonly fileGcGraceMs: number;
  /** How often every document with files is checked for such files (besides the checks on edit and thinning). */
  readonly fileGcEveryMs: number;
  readonly maxAwarenessBytes: number;
  /** The bytes of the awareness states one document keeps; a state past it is not kept and its sender closed (1013). */
  readonly maxPresenceBytes: number;
  /** Awareness client IDs one connection may introduce; the next one closes it (1008). */
  readonly maxAwarenessIds: number;
  /** Unsent output over all connections; past it the largest backlogs are closed first (1013). */
  readonly maxTotalBufferedBytes: number;
  /** A conversion running longer is stopped (its worker replaced) and answered 503. */
  readonly conversionTimeoutMs: number;
  /** Conversions waiting for a worker; past it → 503 with Retry-After. */
  readonly maxConversionQueue: number;
  readonly maxConnectionsPerIp: number;
  readonly maxOpenDocuments: number;
  /** Distinct documents one credential (or, on an open server, one address) may hold open over WebSockets. */
  readonly maxDocumentsPerCredential: number;
  readonly trustProxy: boolean;
  readonly redisUrl: string | undefined;
  readonly redisTimeoutMs: number;
  readonly versionIdleMs: number;
  readonly versionEveryMs: number;
  /** VERSION_KEEP, parsed (history/retention.ts). */
  readonly versionKeep: readonly RetentionRule[];
  /** Sign-in with an OpenID Connect provider (all of OIDC_*, PUBLIC_URL and AUTH_SECRET), else undefined. */
  readonly signIn: SignInConfig | undefined;
  /** The server's own origin (PUBLIC_URL's): where the session cookie counts. */
  readonly publicOrigin: string | undefined;
  /** Where the built client lives; not an environment variable. */
  readonly clientDir: string;
}

export interface SignInConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** PUBLIC_URL without a trailing `/`: the redirect URI is `${publicUrl}/auth/callback`. */
  readonly publicUrl: string;
  readonly sessionTtlMs: number;
  /** PUBLIC_URL is https: the session cookie is `Secure`. */
  readonly secureCookie: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

function int(env: Env, name: string, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, def: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return def;
  const v = raw.trim().toLowerCase() as T;
  if (!allowed.includes(v)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return v;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : raw;
}

/**
 * Reads the environment as the configuration table in DESIGN.md says.
 * `root` is where relative paths (DATA_DIR) are anchored: the repository root.
 * Throws ConfigError naming the variable on the first invalid value.
 */
export function loadConfig(env: Env, root: string, clientDir: string): Config {
  const host = (env.HOST ?? '').trim() || '127.0.0.1';
  const dataDirRaw = (env.DATA_DIR ?? '').trim() || './data';
  const authSecret = optional(env, 'AUTH_SECRET');
  if (authSecret !== undefined && Buffer.byteLength(authSecret) < 16) {
    throw new ConfigError('AUTH_SECRET must be at least 16 bytes long');
  }
  const origins = optional(env, 'ALLOWED_ORIGINS')
    ?.split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter((o) => o !== '');
  for (const o of origins ?? []) {
    if (!/^(https?:\/\/[^/\s]+|null)$/.test(o)) throw new ConfigError(`ALLOWED_ORIGINS has an invalid origin ${JSON.stringify(o)}`);
  }
  const redisUrl = optional(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new ConfigError(`REDIS_URL must start with redis:// or rediss://`);
  }
  let versionKeep: RetentionRule[];
  try {
    versionKeep = parseRetention(optional(env, 'VERSION_KEEP') ?? DEFAULT_VERSION_KEEP);
  } catch (err) {
    throw new ConfigError(`VERSION_KEEP: ${(err as Error).message}`);
  }
  const signIn = signInOf(env, authSecret);
  const maxAwarenessBytes = int(env, 'MAX_AWARENESS_BYTES', 64 * 1024, 16);
  const trust = (env.TRUST_PROXY ?? '0').trim() || '0';
  if (trust !== '0' && trust !== '1') throw new ConfigError(`TRUST_PROXY must be 0 or 1, got ${JSON.stringify(env.TRUST_PROXY)}`);

  const config: Config = {
    port: int(env, 'PORT', 1234, 0, 65535),
    host,
    dataDir: isAbsolute(dataDirRaw) ? dataDirRaw : resolve(root, dataDirRaw),
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    maxMessageBytes: int(env, 'MAX_MESSAGE_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxBufferedBytes: int(env, 'MAX_BUFFERED_BYTES', 8 * 1024 * 1024, 1024),
    pingIntervalMs: int(env, 'PING_INTERVAL_MS', 15000, 50),
    unloadGraceMs: int(env, 'UNLOAD_GRACE_MS', 10000, 0),
    compactAfterUpdates: int(env, 'COMPACT_AFTER_UPDATES', 500, 2),
    durability: oneOf<Durability>(env, 'DURABILITY', 'write', ['write', 'fsync']),
    authSecret,
    allowedOrigins: origins && origins.length > 0 ? Object.freeze(origins) : undefined,
    rateLimitPerSec: int(env, 'RATE_LIMIT_PER_SEC', 300, 1),
    rateLimitBurst: int(env, 'RATE_LIMIT_BURST', 1000, 1),
    rateLimitBytesPerSec: int(env, 'RATE_LIMIT_BYTES_PER_SEC', 1024 * 1024, 1),
    rateLimitBytesBurst: int(env, 'RATE_LIMIT_BYTES_BURST', 16 * 1024 * 1024, 1),
    maxDocumentBytes: int(env, 'MAX_DOCUMENT_BYTES', 64 * 1024 * 1024, 1),
    maxFileBytes: int(env, 'MAX_FILE_BYTES', 10 * 1024 * 1024, 1, 1024 * 1024 * 1024),
    // At least a second: an image is uploaded first and only then put into the document.
    fileGcGraceMs: int(env, 'FILE_GC_GRACE_MS', 24 * 3_600_000, 1000),
    fileGcEveryMs: int(env, 'FILE_GC_EVERY_MS', 3_600_000, 1000),
    maxAwarenessBytes,
    // At least one state's worth: a document must be able to keep the largest state it accepts.
    maxPresenceBytes: int(env, 'MAX_PRESENCE_BYTES', Math.max(4 * 1024 * 1024, maxAwarenessBytes), maxAwarenessBytes),
    maxAwarenessIds: int(env, 'MAX_AWARENESS_IDS', 4, 1, 1024),
    maxTotalBufferedBytes: int(env, 'MAX_TOTAL_BUFFERED_BYTES', 512 * 1024 * 1024, 1024),
    conversionTimeoutMs: int(env, 'CONVERSION_TIMEOUT_MS', 20_000, 10),
    maxConversionQueue: int(env, 'MAX_CONVERSION_QUEUE', 32, 0),
    maxConnectionsPerIp: int(env, 'MAX_CONNECTIONS_PER_IP', 1000, 1),
    maxOpenDocuments: int(env, 'MAX_OPEN_DOCUMENTS', 10000, 1),
    maxDocumentsPerCredential: int(env, 'MAX_DOCUMENTS_PER_CREDENTIAL', 100, 1),
    trustProxy: trust === '1',
    redisUrl,
    redisTimeoutMs: int(env, 'REDIS_TIMEOUT_MS', 1000, 10, 60_000),
    versionIdleMs: int(env, 'VERSION_IDLE_MS', 60_000, 10),
    versionEveryMs: int(env, 'VERSION_EVERY_MS', 600_000, 10),
    versionKeep: Object.freeze(versionKeep),
    signIn,
    publicOrigin: signIn ? new URL(signIn.publicUrl).origin : undefined,
    clientDir,
  };
  return Object.freeze(config);
}

/** What sign-in needs (DESIGN.md, "Sign-in (optional)"): all of them, or none but AUTH_SECRET. */
const SIGN_IN_VARIABLES = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'PUBLIC_URL'] as const;

function httpUrl(name: string, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  if (url.search || url.hash || url.username) throw new ConfigError(`${name} must not have a query, fragment or user info`);
  return url;
}

/**
 * Sign-in is all or nothing: some of its variables without the others is a mistake that would
 * otherwise leave the server open (or closed to everyone), so it stops the start, naming the rest.
 */
function signInOf(env: Env, authSecret: string | undefined): SignInConfig | undefined {
  const set = SIGN_IN_VARIABLES.filter((name) => optional(env, name) !== undefined);
  if (set.length === 0) return undefined;
  const missing = SIGN_IN_VARIABLES.filter((name) => !set.includes(name)) as string[];
  if (authSecret === undefined) missing.push('AUTH_SECRET');
  if (missing.length > 0) throw new ConfigError(`sign-in needs ${missing.join(', ')} too (${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set)`);
  const issuer = httpUrl('OIDC_ISSUER', env.OIDC_ISSUER!.trim());
  // openid-client speaks plain http to an issuer only when told; we tell it only on loopback.
  if (issuer.protocol === 'http:' && !isLoopback(issuer.hostname)) throw new ConfigError('OIDC_ISSUER must be https (http only on a loopback address)');
  const publicUrl = httpUrl('PUBLIC_URL', env.PUBLIC_URL!.trim());
  if (publicUrl.pathname !== '/') throw new ConfigError('PUBLIC_URL must be an origin without a path (https://docs.example.com)');
  return Object.freeze({
    issuer: env.OIDC_ISSUER!.trim(),
    clientId: env.OIDC_CLIENT_ID!.trim(),
    clientSecret: env.OIDC_CLIENT_SECRET!,
    publicUrl: publicUrl.origin,
    sessionTtlMs: int(env, 'SESSION_TTL_MS', 7 * 24 * 3_600_000, 60_000),
    secureCookie: publicUrl.protocol === 'https:',
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}
