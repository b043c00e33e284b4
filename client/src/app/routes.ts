export type Route = { kind: 'home' } | { kind: 'doc'; name: string };

/** `/d/<encodeURIComponent(name)>` → the document; anything else → home. */
export function parseRoute(pathname: string): Route {
  const m = /^\/d\/(.+)$/.exec(pathname);
  if (m) {
    try {
      const name = decodeURIComponent(m[1]!);
      if (name) return { kind: 'doc', name };
    } catch {
      // a malformed escape is not a document name
    }
  }
  return { kind: 'home' };
}

export function docPath(name: string): string {
  return '/d/' + encodeURIComponent(name);
}

/** Same origin as the page: the server serves the app and the relay on one port. */
export function wsUrlFromLocation(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}`;
}
