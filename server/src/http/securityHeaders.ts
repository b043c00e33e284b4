import type { Config } from '../config.js';

/**
 * The headers every HTML page sends (DESIGN.md, contract "hardening"), in one place, as helmet
 * sets them by default:
 * - `frame-ancestors`: the app may be framed only by itself (and ALLOWED_ORIGINS), so no other
 *   site can lay it under a decoy and trick a signed-in or token-holding user into a click
 *   (History → Restore). `/embed/<name>` exists to be framed: any page, or ALLOWED_ORIGINS.
 * - `script-src 'self'`: no inline script, no script from elsewhere. Styles stay open (the
 *   editor renders colours and carets as inline styles, which the schema checks).
 * - `Referrer-Policy: no-referrer`: a page URL may carry `?token=`; a link followed from it must
 *   not hand the token to the next site.
 * - `nosniff`.
 */
export function htmlSecurityHeaders(config: Config, page: 'app' | 'embed'): Record<string, string> {
  const origins = config.allowedOrigins ?? [];
  const ancestors = page === 'embed' && origins.length === 0 ? '*' : ["'self'", ...origins].join(' ');
  return {
    'content-security-policy': `script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors ${ancestors}`,
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}
