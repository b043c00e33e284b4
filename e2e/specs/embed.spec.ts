// /embed.js and the /embed/<name> iframe page, used from pages on *another origin* (a static
// server on its own port), as a CMS or a customer's site would. Root cause this guards: the
// embeddable editor only worked inside this repository — cross-origin, the preflight got 405,
// nothing carried Access-Control-Allow-Origin, and the editor's styles were global.
import { join } from 'node:path';
import type { BrowserContext, Page, WebSocket } from '@playwright/test';
import { docName, expect, test } from '../support/fixtures';
import { REPO_ROOT, TandemServer } from '../support/server';
import { inSeconds, signToken } from '../support/tokens';
import { StaticServer } from '../support/staticServer';

let site: StaticServer;
test.beforeAll(async () => {
  site = await StaticServer.start({
    '/example/': join(REPO_ROOT, 'client', 'examples', 'embed-html'),
    '/host/': join(REPO_ROOT, 'e2e', 'fixtures', 'host'),
  });
});
test.afterAll(async () => site.close());

interface EmbedPage {
  page: Page;
  editor: ReturnType<Page['locator']>;
  sockets: WebSocket[];
}

/** The example page (client/examples/embed-html) on the other origin, as `name`. */
async function openExample(context: BrowserContext, server: string, doc: string, name: string, errors: string[]): Promise<EmbedPage> {
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(`${name}: ${err.message}`));
  // y-tiptap catches what throws while applying a remote change and only logs it (that is how a
  // shadow-root bug once hid: the document synced, the view never showed it).
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) errors.push(`${name}: ${msg.text()}`);
  });
  const sockets: WebSocket[] = [];
  page.on('websocket', (ws) => sockets.push(ws));
  await page.goto(`${site.origin}/example/?server=${encodeURIComponent(server)}&doc=${encodeURIComponent(doc)}&name=${encodeURIComponent(name)}`);
  const editor = page.locator('.ProseMirror');
  await expect(editor).toBeVisible();
  await expect(page.locator('body')).toHaveAttribute('data-tandem-status', 'connected');
  return { page, editor, sockets };
}

const caretLabel = (page: Page, name: string) => page.locator('.collaboration-carets__label', { hasText: name });
const avatar = (page: Page, name: string) => page.locator(`.tandem-avatar[data-user-name="${name}"]`);

test('two pages on another origin and the app page edit one document together; destroy() leaves nothing behind', async ({ browser, people, server }) => {
  const doc = docName('embed');
  const errors: string[] = [];
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    const ada = await openExample(contexts[0]!, server.httpUrl, doc, 'Ada Embed', errors);
    const ben = await openExample(contexts[1]!, server.httpUrl, doc, 'Ben Embed', errors);
    const cleo = await people.open('Cleo App', doc);
    expect(new URL(ada.page.url()).origin).not.toBe(server.httpUrl);

    // Everyone types; everyone sees all three lines.
    await ada.editor.click();
    await ada.page.keyboard.type('Ada was here.');
    await expect(ben.editor).toContainText('Ada was here.');
    await ben.editor.click();
    await ben.page.keyboard.press('Control+End');
    await ben.page.keyboard.press('Enter');
    await ben.page.keyboard.type('Ben too.');
    await cleo.editor.click();
    await cleo.page.keyboard.press('Control+End');
    await cleo.page.keyboard.press('Enter');
    await cleo.page.keyboard.type('Cleo from the app.');
    for (const editor of [ada.editor, ben.editor, cleo.editor]) {
      await expect(editor).toContainText('Ada was here.');
      await expect(editor).toContainText('Ben too.');
      await expect(editor).toContainText('Cleo from the app.');
    }

    // Each sees the other two's named carets and avatars.
    const all = [
      { name: 'Ada Embed', page: ada.page },
      { name: 'Ben Embed', page: ben.page },
      { name: 'Cleo App', page: cleo.page },
    ];
    for (const viewer of all) {
      for (const other of all.filter((o) => o !== viewer)) {
        await expect(caretLabel(viewer.page, other.name), `${viewer.name} sees ${other.name}'s caret`).toBeVisible();
        await expect(avatar(viewer.page, other.name)).toHaveCount(1);
      }
    }

    // destroy(): the socket closes, the DOM goes, and the others lose Ada's caret and avatar.
    expect(ada.sockets.length).toBeGreaterThan(0);
    await ada.page.evaluate(() => (window as unknown as { tandem: { destroy(): void } }).tandem.destroy());
    await expect(ada.page.locator('tandem-editor')).toHaveCount(0);
    await expect(ada.page.locator('.ProseMirror')).toHaveCount(0);
    await expect(ada.page.locator('#editor')).toBeEmpty();
    await expect.poll(() => ada.sockets.every((ws) => ws.isClosed()), { message: 'every socket of the destroyed editor closed' }).toBe(true);
    for (const viewer of [ben.page, cleo.page]) {
      await expect(caretLabel(viewer, 'Ada Embed')).toHaveCount(0);
      await expect(avatar(viewer, 'Ada Embed')).toHaveCount(0);
    }
    // Calling it again is harmless; the others carry on.
    await ada.page.evaluate(() => (window as unknown as { tandem: { destroy(): void } }).tandem.destroy());
    await ben.page.keyboard.type(' Still here.');
    await expect(cleo.editor).toContainText('Ben too. Still here.');
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
  expect(errors, 'uncaught errors in embedding pages').toEqual([]);
});

/** Computed styles of the host page's own elements, for a before/after comparison. */
function hostStyles(page: Page): Promise<Record<string, Record<string, string>>> {
  return page.evaluate(() => {
    const props = ['color', 'background-color', 'font-family', 'font-size', 'font-style', 'line-height', 'letter-spacing', 'text-transform', 'margin-top', 'padding-left', 'border-top-style', 'border-top-color', 'list-style-type', 'text-decoration-line', 'display', 'box-sizing'];
    const out: Record<string, Record<string, string>> = {};
    for (const id of ['host-title', 'host-text', 'host-link', 'host-button', 'host-list', 'editor']) {
      const cs = getComputedStyle(document.getElementById(id)!);
      out[id] = Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    }
    const html = getComputedStyle(document.documentElement);
    const body = getComputedStyle(document.body);
    out.body = Object.fromEntries(props.map((p) => [p, body.getPropertyValue(p)]));
    out.html = Object.fromEntries(props.map((p) => [p, html.getPropertyValue(p)]));
    out.document = { styleSheets: String(document.styleSheets.length), headChildren: String(document.head.children.length) };
    return out;
  });
}

test('the editor changes none of the host page’s styles, and the host’s rules do not reach the editor', async ({ browser, server }) => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${site.origin}/host/`);
    const before = await hostStyles(page);

    await page.evaluate(
      ([url, document]) => (window as unknown as { mountFrom(s: string, o: object): Promise<void> }).mountFrom(url!, { document, user: { name: 'Host Guest' } }),
      [server.httpUrl, docName('styles')],
    );
    const editor = page.locator('.ProseMirror');
    await expect(editor).toBeVisible();
    await expect(page.getByRole('status')).toHaveAttribute('data-status', 'connected');
    await editor.click();
    await page.keyboard.type('Styled by Tandem only.');
    await page.getByRole('button', { name: 'Bullet list', exact: true }).click();
    await expect(editor.locator('li')).toHaveText('Styled by Tandem only.');

    expect(await hostStyles(page)).toEqual(before);

    // And the other way round: the host's `p`, `*`, `body`, `.ProseMirror` and `[role=status]`
    // rules stop at the shadow root.
    const inside = await editor.locator('p').first().evaluate((p) => {
      const cs = getComputedStyle(p);
      const pm = getComputedStyle(p.closest('.ProseMirror')!);
      return { color: cs.color, margin: cs.marginTop, indent: cs.textIndent, transform: cs.textTransform, spacing: cs.letterSpacing, style: cs.fontStyle, pmBackground: pm.backgroundColor };
    });
    expect(inside).toEqual({ color: 'rgb(31, 31, 31)', margin: '0px', indent: '0px', transform: 'none', spacing: 'normal', style: 'normal', pmBackground: 'rgba(0, 0, 0, 0)' });
    await expect(page.getByRole('status')).toBeVisible();
    // ...but --tandem-* custom properties set on the host element do, for theming.
    expect(await page.locator('.tandem-bar').evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(1, 2, 3)');
    const bold = page.getByRole('button', { name: 'Bold', exact: true });
    expect(await bold.evaluate((b) => getComputedStyle(b).backgroundColor)).not.toBe('rgb(255, 0, 255)');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the iframe route shows only the editor, sized to its frame, read-write and read-only', async ({ browser, server }) => {
  const doc = docName('iframe');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    const src = (query: string) => `${server.httpUrl}/embed/${encodeURIComponent(doc)}?${query}`;
    await page.goto(`${site.origin}/host/`);
    await page.evaluate(
      ([writer, reader]) => {
        document.getElementById('editor')!.innerHTML =
          `<iframe id="writer" src="${writer}" style="width:700px;height:360px;border:0"></iframe>` +
          `<iframe id="reader" src="${reader}" style="width:500px;height:300px;border:0"></iframe>`;
      },
      [src('name=Wren%20Writer'), src('name=Rex%20Reader&readonly=1')],
    );
    const writer = page.frameLocator('#writer');
    const reader = page.frameLocator('#reader');
    for (const frame of [writer, reader]) {
      await expect(frame.getByRole('status')).toHaveAttribute('data-status', 'connected');
      await expect(frame.locator('.doc-header')).toHaveCount(0); // no app chrome
    }
    // Sized to its frame: the editor fills the iframe's viewport exactly.
    const box = await reader.locator('.tandem-editor').evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { w: Math.round(r.width), h: Math.round(r.height), vw: window.innerWidth, vh: window.innerHeight };
    });
    expect(box).toEqual({ w: 500, h: 300, vw: 500, vh: 300 });

    await writer.locator('.ProseMirror').click();
    await page.keyboard.type('Written in a frame.');
    await expect(reader.locator('.ProseMirror')).toHaveText(/Written in a frame\./);
    await expect(reader.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');
    await expect(writer.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'true');
    await expect(reader.locator('.tandem-avatar[data-user-name="Wren Writer"]')).toHaveCount(1);
    await expect(writer.locator('.tandem-avatar[data-user-name="Rex Reader"]')).toHaveCount(1);

    // The reader cannot change the document.
    await reader.locator('.ProseMirror').click();
    await page.keyboard.type('nope');
    await writer.locator('.ProseMirror').click();
    await page.keyboard.type(' More.');
    await expect(reader.locator('.ProseMirror')).toHaveText(/Written in a frame\. More\./);
    await expect(writer.locator('.ProseMirror')).not.toContainText('nope');
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

test('the iframe route honours ?token=: a read token is read-only, a write token writes, none is denied', async ({ browser }) => {
  const secret = 'embed-iframe-secret';
  const server = await TandemServer.create({ AUTH_SECRET: secret });
  const context = await browser.newContext();
  try {
    const doc = docName('iframe-token');
    const token = (mode: 'read' | 'write') => signToken(secret, { doc, mode, exp: inSeconds(600) });
    const src = (query: string) => `${server.httpUrl}/embed/${encodeURIComponent(doc)}?${query}`;
    const page = await context.newPage();
    await page.goto(`${site.origin}/host/`);
    await page.evaluate(
      ([w, r, none]) => {
        document.getElementById('editor')!.innerHTML = [w, r, none].map((s, i) => `<iframe id="f${i}" src="${s}" style="width:600px;height:300px;border:0"></iframe>`).join('');
      },
      [src(`token=${token('write')}&name=Wanda`), src(`token=${token('read')}&name=Rita`), src('name=Nobody')],
    );
    const [writer, reader, stranger] = ['#f0', '#f1', '#f2'].map((id) => page.frameLocator(id));
    await expect(writer!.getByRole('status')).toHaveAttribute('data-status', 'connected');
    await expect(reader!.getByRole('status')).toHaveAttribute('data-status', 'connected');
    await expect(reader!.getByText('Read only')).toBeVisible();
    await expect(reader!.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');
    await expect(stranger!.getByText('Access denied')).toBeVisible();

    await writer!.locator('.ProseMirror').click();
    await page.keyboard.type('Signed and framed.');
    await expect(reader!.locator('.ProseMirror')).toContainText('Signed and framed.');
  } finally {
    await context.close();
    await server.dispose();
  }
});
