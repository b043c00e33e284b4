#!/usr/bin/env node
// `node scripts/screenshots.mjs`: the README's screenshots, docs/editor-1366.png and
// docs/editor-390.png. Builds what is stale, starts the production server on a free port with a
// temporary DATA_DIR, writes a sample document through the API, and has two people open it in
// Chromium (CHROMIUM_PATH, default /usr/bin/chromium): one on a laptop, one on a phone.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test'; // the e2e workspace's, hoisted by npm install
import { freePort, repoRoot, tempDir, waitFor } from './testkit/index.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const DOC = 'quarterly-plan';
const SAMPLE = `# Quarterly plan

Ship the **version history** and the *phone layout* before the review on Friday.

## Goals

- Restore with a confirmation and an undo
- Keyboard users reach every tool
- Two people can edit on a phone

| Area | Owner | Status |
| --- | --- | --- |
| History | Alice | Done |
| Phone | Bob | In review |

> Small steps, each with a test that fails without it.
`;

if (spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' }).status !== 0) process.exit(1);

const port = await freePort();
const dataDir = tempDir('tandem-shots-');
const server = spawn(process.execPath, [join(repoRoot, 'server', 'dist', 'main.js')], {
  cwd: repoRoot,
  env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  stdio: 'inherit',
});
const base = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
try {
  await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.ok === true, { what: 'the server', timeoutMs: 20_000 });
  const put = await fetch(`${base}/api/docs/${DOC}/import`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: SAMPLE });
  if (!put.ok) throw new Error(`import failed: ${put.status} ${await put.text()}`);

  /** A person with a name and a colour (remembered, so no name prompt), at a window size. */
  const open = async (name, color, viewport, options = {}) => {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, ...options });
    await context.addInitScript(([n, c]) => {
      localStorage.setItem('tandem:user', JSON.stringify({ name: n, color: c }));
      localStorage.setItem('tandem:asked', '1');
    }, [name, color]);
    const page = await context.newPage();
    await page.goto(`${base}/d/${DOC}`);
    await page.locator('.ProseMirror h1').waitFor();
    return page;
  };
  const laptop = await open('Alice Martin', '#1967d2', { width: 1366, height: 768 });
  const phone = await open('Bob Chen', '#188038', { width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  // Each puts the caret somewhere, so that the other sees it with its name.
  await laptop.locator('.ProseMirror h1').click(); // its label then sits in the space above the title
  await laptop.keyboard.press('End');
  await phone.locator('.ProseMirror p').first().click();
  await phone.keyboard.press('End');
  for (const page of [laptop, phone]) await page.locator('.tandem-avatar').nth(1).waitFor();
  await laptop.locator('.collaboration-carets__label').waitFor();
  await phone.locator('.collaboration-carets__label').waitFor();
  await laptop.screenshot({ path: join(repoRoot, 'docs', 'editor-1366.png') });
  await phone.screenshot({ path: join(repoRoot, 'docs', 'editor-390.png') });
  process.stdout.write('docs/editor-1366.png and docs/editor-390.png written\n');
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
