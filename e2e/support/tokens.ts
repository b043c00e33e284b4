import { createHmac } from 'node:crypto';

export interface Claims {
  doc: string;
  mode: 'read' | 'comment' | 'write';
  /** seconds since the epoch */
  exp: number;
  name?: string;
}

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An HS256 JWT as the server's AUTH_SECRET expects (DESIGN.md, "access"). */
export function signToken(secret: string, claims: Claims): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;
