// Guards contract "hardening" (issue 27, item 7): `/` and `/d/<name>` sent no frame-ancestors, so
// any site could frame the app under a decoy and trick a signed-in or token-holding user into
// History → Restore; and pages sent no Referrer-Policy, so a link followed from
// `/d/<name>?token=…` handed the token on. The headers are read back here; the built pages are
// checked for inline script (the CSP allows none).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { startServer, type TandemServer } from '../../src/server.js';
import { cleanup, repoRoot, tempDir } from '../helpers.js';

/** A server whose client directory holds stand-in pages. */
async function start(env: Record<string, string>): Promise<{ server: TandemServer; base: string; dirs: string[] }> {
  const dataDir = tempDir();
  const clientDir = tempDir('tandem-client-');
  mkdirSync(clientDir, { recursive: true });
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html><title>app</title>\n');
  writeFileSync(join(clientDir, 'embed.html'), '<!doctype html><title>embed</title>\n');
  writeFileSync(join(clientDir, 'app.js'), '');
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env }, repoRoot, clientDir);
  const server = await startServer(config, silentLogger());
  return { server, base: `http://127.0.0.1:${server.port}`, dirs: [dataDir, clientDir] };
}

function directives(csp: string | null): Map<string, string> {
  assert.ok(csp, 'a Content-Security-Policy is sent');
  return new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => [d.split(' ')[0]!, d.slice(d.indexOf(' ') + 1)]));
}

for (const [label, env, appAncestors, embedAncestors] of [
  ['ALLOWED_ORIGINS unset', {}, "'self'", '*'],
  ['ALLOWED_ORIGINS set', { ALLOWED_ORIGINS: 'https://cms.example' }, "'self' https://cms.example", "'self' https://cms.example"],
] as const) {
  describe(label, () => {
    let s: Awaited<ReturnType<typeof start>>;
    before(async () => (s = await start(env)));
    after(async () => {
      await s.server.stop();
      s.dirs.forEach(cleanup);
    });

    for (const path of ['/', '/d/notes%2Fplan?token=abc', '/index.html']) {
      test(`${path}: framed only by itself (and ALLOWED_ORIGINS), no referrer, no inline script, nosniff`, async () => {
        const res = await fetch(`${s.base}${path}`);
        assert.equal(res.status, 200);
        const csp = directives(res.headers.get('content-security-policy'));
        assert.equal(csp.get('frame-ancestors'), appAncestors);
        assert.equal(csp.get('script-src'), "'self'");
        assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
        assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      });
    }

    test('/embed/<name> keeps its framing rule and gets the rest', async () => {
      const res = await fetch(`${s.base}/embed/notes`);
      const csp = directives(res.headers.get('content-security-policy'));
      assert.equal(csp.get('frame-ancestors'), embedAncestors);
      assert.equal(csp.get('script-src'), "'self'");
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    });

    test('a script is not a page: no page policy on it', async () => {
      const res = await fetch(`${s.base}/app.js`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('referrer-policy'), null);
    });
  });
}

test('the pages the client build serves hold no inline script (the CSP would block it)', () => {
  for (const page of ['client/index.html', 'client/public/embed.html']) {
    const html = readFileSync(join(repoRoot, page), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length > 0, `${page} loads a script`);
    for (const [, attrs, body] of scripts) {
      assert.match(attrs!, /\bsrc=/, `${page}: every script has a src`);
      assert.equal(body!.trim(), '', `${page}: no inline script`);
    }
    assert.doesNotMatch(html, /\son[a-z]+=/i, `${page}: no inline event handler`);
  }
});
