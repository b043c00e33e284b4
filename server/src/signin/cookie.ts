import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The session cookie's name (DESIGN.md, "Sign-in (optional)"). */
export const SESSION_COOKIE = 'tandem_session';

const ID = /^[A-Za-z0-9_-]{20,64}$/;

function mac(secret: string, id: string): string {
  // A key of its own for cookies: the same AUTH_SECRET signs tokens (HS256) too.
  return createHmac('sha256', secret).update(`tandem-session-cookie\u0000${id}`).digest('base64url');
}

/** `<id>.<signature>`: the cookie's value. */
export function signSessionId(secret: string, id: string): string {
  return `${id}.${mac(secret, id)}`;
}

/** The session id of a signed value, or undefined when it is not one this server signed. */
export function verifySessionId(secret: string, value: string): string | undefined {
  const dot = value.lastIndexOf('.');
  if (dot < 0) return undefined;
  const id = value.slice(0, dot);
  if (!ID.test(id)) return undefined;
  const given = Buffer.from(value.slice(dot + 1));
  const want = Buffer.from(mac(secret, id));
  return given.length === want.length && timingSafeEqual(given, want) ? id : undefined;
}

/** The raw value of cookie `name` in the request, if any. */
export function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for the session: HttpOnly, SameSite=Lax, Secure over https; maxAgeMs 0 clears it. */
export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}
