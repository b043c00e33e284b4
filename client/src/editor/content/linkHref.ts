/** Schemes a link in a document may have: never `javascript:`, `data:` or anything else that runs or hides content. */
const SAFE_SCHEMES = new Set(['http', 'https', 'mailto', 'tel']);

/**
 * What a person typed into the link box, as the address to store: `example.net/x` becomes
 * `https://example.net/x`, `ada@example.com` a `mailto:`; null when it is no address we allow.
 */
export function normalizeHref(typed: string): string | null {
  const value = typed.trim();
  if (value === '' || /\s/.test(value)) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  // "localhost:8080/x" looks like a scheme but is a host with a port.
  if (scheme !== undefined && !/^[a-z0-9.-]+:\d+(\/|$)/i.test(value)) return SAFE_SCHEMES.has(scheme) ? value : null;
  if (value.startsWith('//')) return `https:${value}`;
  if (value.startsWith('/') || value.startsWith('#')) return value;
  if (/^[^@/]+@[^@/]+\.[^@/]+$/.test(value)) return `mailto:${value}`;
  if (/^[^/?#]+(\.[^/?#.]+|:\d+)/.test(value)) return `https://${value}`;
  return null;
}
