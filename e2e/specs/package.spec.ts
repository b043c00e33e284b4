// The npm package as a stranger's app uses it: `npm pack -w client`, client/examples/react-app
// copied outside the workspace, `npm install` of the tarball from the registry's world (not the
// workspace's node_modules), `tsc --noEmit` over the shipped .d.ts, `vite build`, and the built
// app editing a document with the normal app page. Root cause this guards: @tandem/client used
// to export TypeScript sources and was private, so it only worked inside this repository.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docName, expect, test } from '../support/fixtures';
import { REPO_ROOT } from '../support/server';
import { StaticServer } from '../support/staticServer';

const run = promisify(execFile);
const EXAMPLE = join(REPO_ROOT, 'client', 'examples', 'react-app');
const PEERS = ['react', 'react-dom', 'yjs', '@tiptap/core', '@tiptap/pm'];
/** What `npm pack` names it, and what the example's package.json points at. */
const TARBALL = `tandem-client-${(JSON.parse(readFileSync(join(REPO_ROOT, 'client', 'package.json'), 'utf8')) as { version: string }).version}.tgz`;

/** npm run from `npm test -w e2e` exports npm_config_* (workspace, prefix…): a nested npm must not inherit them. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

async function sh(cmd: string, args: string[], cwd: string, timeoutMs = 240_000): Promise<string> {
  try {
    const { stdout, stderr } = await run(cmd, args, { cwd, env: cleanEnv(), timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

/** Every installed copy of `name` below `root` (nested node_modules included). */
function copiesOf(root: string, name: string): string[] {
  const found: string[] = [];
  const walk = (nm: string) => {
    if (!existsSync(nm)) return;
    if (existsSync(join(nm, name, 'package.json'))) found.push(join(nm, name));
    for (const entry of readdirSync(nm)) {
      if (entry.startsWith('.')) continue;
      const dirs = entry.startsWith('@') ? readdirSync(join(nm, entry)).map((s) => join(nm, entry, s)) : [join(nm, entry)];
      for (const d of dirs) walk(join(d, 'node_modules'));
    }
  };
  walk(join(root, 'node_modules'));
  return found;
}

test('the packed package installs, type-checks and builds in a fresh React + Vite app, which then edits with the app', async ({ people, server, browser }) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-react-example-'));
  let site: StaticServer | null = null;
  try {
    cpSync(EXAMPLE, dir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$|\.tgz$/.test(src) });
    await sh('npm', ['pack', '-w', 'client', '--pack-destination', dir], REPO_ROOT);
    const example = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(example.dependencies['@tandem/client'], 'the example installs the tarball npm pack makes').toBe(`file:${TARBALL}`);
    const listing = await sh('tar', ['-tzf', join(dir, TARBALL)], dir);
    for (const f of ['package/package.json', 'package/lib/index.js', 'package/lib/style.css', 'package/lib/types/index.d.ts', 'package/README.md']) {
      expect(listing, f).toContain(f);
    }
    expect(listing, 'sources and examples stay out of the tarball').not.toMatch(/package\/(src|examples)\//);

    await sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    // One copy of each peer, also though the host imports @tiptap/core itself (its extension).
    for (const peer of PEERS) expect(copiesOf(dir, peer), peer).toEqual([join(dir, 'node_modules', peer)]);

    await sh(join(dir, 'node_modules', '.bin', 'tsc'), ['--noEmit'], dir);
    await sh(join(dir, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], dir);

    site = await StaticServer.start({ '/': join(dir, 'dist') });
    const doc = docName('react-example');
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    page.on('console', (msg) => {
      // Yjs and Tiptap both warn when a page holds two copies of them.
      if ((msg.type() === 'error' || msg.type() === 'warning') && !msg.location().url.endsWith('/favicon.ico')) problems.push(msg.text());
    });
    await page.goto(`${site.origin}/?server=${encodeURIComponent(server.wsUrl)}&doc=${encodeURIComponent(doc)}&name=Pat%20React`);
    await expect(page.locator('main')).toHaveAttribute('data-status', 'connected');
    const editor = page.locator('.ProseMirror');
    await editor.click();
    await page.keyboard.type('Typed in a stranger’s app.');
    await expect(page.locator('.word-count')).toHaveText('5 words');

    const app = await people.open('Quinn App', doc);
    await expect(app.editor).toContainText('Typed in a stranger’s app.');
    await expect(app.page.locator('.tandem-avatar[data-user-name="Pat React"]')).toHaveCount(1);
    await app.editor.click();
    await app.page.keyboard.press('Control+End');
    await app.page.keyboard.type(' And back.');
    await expect(editor).toContainText('Typed in a stranger’s app. And back.');
    await expect(page.locator('.word-count')).toHaveText('7 words');
    // The package's stylesheet applies (it is a separate file the host imports).
    expect(await page.locator('.tandem-bar').evaluate((el) => getComputedStyle(el).borderRadius)).toBe('24px');
    await context.close();
    expect(problems).toEqual([]);
  } finally {
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
