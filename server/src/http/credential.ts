import type { IncomingMessage } from 'node:http';
import type { Credential } from '../auth/gate.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The one reader of credentials: `Authorization: Bearer` wins over `?token=` on every surface
 * (DESIGN.md, "Contract — access").
 */
export function credentialOf(req: IncomingMessage, query: URLSearchParams): Credential {
  const bearer = BEARER.exec(req.headers.authorization ?? '')?.[1];
  const token = bearer ?? query.get('token') ?? undefined;
  return token === undefined || token === '' ? {} : { token };
}
