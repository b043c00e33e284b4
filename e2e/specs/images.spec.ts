// Images: uploaded (toolbar, paste, drop) with the document's write rights, a placeholder while
// uploading, then the image appears for everyone. The document stores `/files/<name>/<sha256>`
// without a token (never a data URL); each viewer's editor fetches it with its own token in a
// header and shows it as a blob: URL, so no token is ever in an address. An upload over
// MAX_FILE_BYTES or an SVG is refused with the server's message shown, leaving nothing behind.
import { docName, expect, withServer, type User } from '../support/fixtures';
import { gradientPng } from '../support/png';
import { serverDocXml } from '../support/serverDoc';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'e2e-images-secret-0123456789abcdef';
const test = withServer({ AUTH_SECRET: SECRET, MAX_FILE_BYTES: '100000' });

// ProseMirror puts an <img class="ProseMirror-separator"> in some empty lines: not ours.
const IMG = '.ProseMirror img:not(.ProseMirror-separator)';
const token = (doc: string, mode: 'read' | 'write') => signToken(SECRET, { doc, mode, exp: inSeconds(600) });

function choose(user: User, name: string, mimeType: string, buffer: Buffer) {
  return user.page.locator('input[type="file"]').setInputFiles({ name, mimeType, buffer });
}

test('an image uploaded by one appears for the other, with a placeholder meanwhile; refusals are explained', async ({ people, server }) => {
  const doc = docName('images');
  const alice = await people.open('Alice Martin', doc, { token: token(doc, 'write') });
  const bob = await people.open('Bob Chen', doc, { token: token(doc, 'read') });
  await alice.editor.click();
  await alice.page.keyboard.type('A picture:');

  // Hold the upload until the placeholder has been seen.
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await alice.page.route('**/api/docs/*/files', async (route) => {
    await held;
    await route.continue();
  });
  await choose(alice, 'gradient.png', 'image/png', gradientPng(160, 90));
  await expect(alice.page.getByRole('img', { name: 'Uploading image' })).toBeVisible();
  await expect(bob.page.locator(IMG)).toHaveCount(0); // local until it is uploaded
  release();
  await expect(alice.page.getByRole('img', { name: 'Uploading image' })).toHaveCount(0);
  await alice.page.unroute('**/api/docs/*/files');

  for (const u of [alice, bob]) {
    const img = u.page.locator(IMG);
    await expect(img).toHaveCount(1);
    // Fetched with the viewer's own token in a header, shown as a blob: URL, and actually decoded by the browser.
    await expect(img).toHaveAttribute('src', /^blob:/);
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(160);
  }
  await expect(alice.status).toHaveText('All changes saved');
  // The document holds the path, without a token.
  const stored = await serverDocXml(server.wsUrl, doc, token(doc, 'read'));
  expect(stored).toMatch(new RegExp(`src="/files/${encodeURIComponent(doc)}/[0-9a-f]{64}"`));
  expect(stored).not.toContain('token');

  // Refusals: too large, and an SVG (whatever it calls itself).
  await choose(alice, 'huge.png', 'image/png', gradientPng(16, 16, 150_000));
  await expect(alice.page.getByRole('alert')).toContainText('larger than the 100000 bytes limit');
  await alice.page.getByRole('button', { name: 'Dismiss' }).click();
  await choose(alice, 'logo.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'));
  await expect(alice.page.getByRole('alert')).toContainText('Only PNG, JPEG, GIF and WebP');
  await expect(alice.page.locator(IMG)).toHaveCount(1);
  await expect(alice.page.locator('.tandem-upload-placeholder')).toHaveCount(0);

  // Pasted and dropped files are uploaded too (never a data URL in the document).
  await alice.editor.evaluate(async (el, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], 'pasted.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, gradientPng(40, 40).toString('base64'));
  await expect(bob.page.locator(IMG)).toHaveCount(2);
  const srcs = await bob.page.locator(IMG).evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src') ?? ''));
  expect(srcs.every((s) => !s.startsWith('data:'))).toBe(true);

  // What the document holds: paths without any token; a restart keeps the images.
  await server.restart();
  const carol = await people.open('Carol Diaz', doc, { token: token(doc, 'read') });
  await expect(carol.page.locator(IMG)).toHaveCount(2);
  const widths = () => carol.page.locator(IMG).evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth).sort((a, b) => a - b));
  await expect.poll(widths).toEqual([40, 160]);
  const html = await alice.editor.evaluate((el) => el.innerHTML);
  expect(html).not.toContain('data:image');
});

// A document must not show another one's files: those go once that document stops referring to
// them (or with it), and this document's readers may have no right to read them.
test('an image copied from one document and pasted into another is copied into that one', async ({ people, server }) => {
  const from = docName('images-from');
  const into = docName('images-into');
  const alice = await people.open('Alice Martin', from, { token: token(from, 'write') });
  await alice.editor.click();
  await alice.page.keyboard.type('Copied with its picture');
  await choose(alice, 'gradient.png', 'image/png', gradientPng(120, 60));
  await expect.poll(() => alice.page.locator(IMG).evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(120);
  const sha = /src="\/files\/[^/"]+\/([0-9a-f]{64})"/.exec(await serverDocXml(server.wsUrl, from, token(from, 'read')))?.[1];
  expect(sha).toBeTruthy();
  // Select everything and copy it, as Ctrl+C would (ProseMirror fills the event's clipboard).
  await alice.editor.click();
  await alice.page.keyboard.press('ControlOrMeta+a');
  const copied = await alice.editor.evaluate((el) => {
    const data = new DataTransfer();
    el.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }));
    return data.getData('text/html');
  });
  expect(copied).toContain(`/files/${encodeURIComponent(from)}/${sha}`);
  expect(copied).not.toContain('token='); // contract "hardening": a copy never carries a credential

  // Pasted by someone who may read both documents: the image is fetched with their own token.
  const both = signToken(SECRET, { doc: 'images-*', mode: 'write', exp: inSeconds(600) });
  const bob = await people.open('Bob Chen', into, { token: both });
  await bob.editor.click();
  await bob.editor.evaluate((el, html) => {
    const data = new DataTransfer();
    data.setData('text/html', html);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, copied);
  await expect(bob.editor).toContainText('Copied with its picture');
  const img = bob.page.locator(IMG);
  await expect.poll(() => serverDocXml(server.wsUrl, into, token(into, 'read'))).toContain(`src="/files/${encodeURIComponent(into)}/${sha}"`);
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(120);
  await expect(bob.status).toHaveText('All changes saved');
  const stored = await serverDocXml(server.wsUrl, into, token(into, 'read'));
  expect(stored).not.toContain(encodeURIComponent(from));
});

// The version-history preview used to show images through `…/files/…?token=`: the token in an
// address, where the page's HTML, the Referer and history carry it onward.
test('the version-history preview shows a protected image as a blob: URL, never with a token in its address', async ({ people }) => {
  const doc = docName('preview-img');
  const alice = await people.open('Alice Martin', doc, { token: token(doc, 'write') });
  await alice.editor.click();
  await alice.page.keyboard.type('Before the picture.');
  await choose(alice, 'gradient.png', 'image/png', gradientPng(120, 60));
  await expect(alice.page.locator(IMG)).toHaveAttribute('src', /^blob:/);
  const withToken: string[] = [];
  alice.page.on('request', (r) => {
    if (r.url().includes('/files/') && r.url().includes('token=')) withToken.push(r.url());
  });
  await alice.page.getByRole('button', { name: 'Version history' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Version history' });
  await panel.getByRole('textbox', { name: 'Version name' }).fill('With picture');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await panel.getByRole('button', { name: /With picture/ }).click();
  const img = panel.getByRole('region', { name: /^Preview of the version of / }).locator('img');
  await expect(img).toHaveAttribute('src', /^blob:/);
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(120);
  expect(withToken).toEqual([]);
});
