// A plain HTTP client that signs in the way a browser does: follows redirects by hand, keeps
// cookies per origin, and fills in the provider's login form.

export class Browser {
  private readonly jar = new Map<string, Map<string, string>>();

  cookie(origin: string, name: string): string | undefined {
    return this.jar.get(origin)?.get(name);
  }

  setCookie(origin: string, name: string, value: string): void {
    if (!this.jar.has(origin)) this.jar.set(origin, new Map());
    this.jar.get(origin)!.set(name, value);
  }

  /** One request, no redirects followed; cookies of `url`'s origin sent and stored. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const cookies = this.jar.get(u.origin);
    if (cookies && cookies.size > 0) headers.set('cookie', [...cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(u, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const cleared = value === '' || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (cleared) this.jar.get(u.origin)?.delete(name);
      else this.setCookie(u.origin, name, value);
    }
    return res;
  }

  /**
   * From `start` (Tandem's /auth/login) through the provider's login page as `login`, up to the
   * redirect back to Tandem's callback: returns that callback URL, not yet visited.
   */
  async authorize(start: string, login: string, tandem = new URL(start).origin): Promise<URL> {
    let url = new URL(start);
    let init: RequestInit = {};
    for (let hop = 0; hop < 20; hop++) {
      const res = await this.fetch(url, init);
      init = {};
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel();
        url = new URL(location, url);
        if (url.origin === tandem && url.pathname === '/auth/callback') return url;
        continue;
      }
      const html = await res.text();
      const form = /<form[^>]*action="([^"]+)"[^>]*method="post"[\s\S]*?name="prompt" value="(\w+)"/i.exec(html);
      if (res.status !== 200 || !form) throw new Error(`unexpected answer at ${url.href}: ${res.status} ${html.slice(0, 300)}`);
      const body = form[2] === 'login' ? new URLSearchParams({ prompt: 'login', login, password: 'any' }) : new URLSearchParams({ prompt: form[2]! });
      url = new URL(form[1]!.replace(/&amp;/g, '&'), url);
      init = { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    throw new Error('too many redirects while signing in');
  }

  /** The whole sign-in: authorize, then the callback; returns where Tandem sends the person. */
  async signIn(base: string, login: string, next = '/'): Promise<string> {
    const callback = await this.authorize(`${base}/auth/login?next=${encodeURIComponent(next)}`, login);
    const res = await this.fetch(callback);
    const text = await res.text();
    if (res.status !== 302) throw new Error(`callback: ${res.status} ${text}`);
    return res.headers.get('location')!;
  }
}
