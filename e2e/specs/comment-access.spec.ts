// `comment` access (DESIGN.md, "Contract — access"): a mode between read and write. A commenter
// suggests (Suggesting mode, suggestions.spec.ts) or views; the formatting tools are a writer's. A change the server
// does not allow a connection (1008) would sit in the browser's offline copy and be refused on
// every visit — the root cause this guards: the editor used to show "Access denied" and stop,
// leaving the refused edit to be resent forever — so the editor says why and offers to discard it.
import { docName, expect, withServer } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'e2e-comment-secret-0123456789abcdef';
const test = withServer({ AUTH_SECRET: SECRET });

test('a "Can comment" link opens the document in Suggesting mode, saying so, with no formatting tools', async ({ people, browser }) => {
  const doc = docName('commentlink');
  const owner = await people.open('Olivia Owner', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600), name: 'Olivia Owner' }) });
  await owner.editor.click();
  await owner.page.keyboard.type('Please review.');
  await owner.page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = owner.page.getByRole('dialog', { name: /^Share/ });
  await dialog.getByLabel('Access').selectOption({ label: 'Can comment' });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  const url = await dialog.getByRole('textbox', { name: 'Can comment link' }).inputValue();
  await expect(dialog.locator('.share-link[data-mode="comment"]')).toHaveCount(1);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${url}&name=Carla`);
  const editor = page.locator('.ProseMirror');
  await expect(editor).toContainText('Please review.');
  await expect(page.locator('[data-access="comment"]')).toBeVisible();
  await expect(page.getByRole('group', { name: 'Mode' }).getByRole('button', { name: 'Suggesting' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('group', { name: 'Mode' }).getByRole('button', { name: 'Editing' })).toHaveCount(0);
  await expect(editor).toHaveAttribute('contenteditable', 'true');
  await expect(page.getByRole('toolbar', { name: 'Formatting' })).toHaveCount(0);
  await page.getByRole('group', { name: 'Mode' }).getByRole('button', { name: 'Viewing' }).click();
  await expect(editor).toHaveAttribute('contenteditable', 'false');
  await expect(page.getByRole('status')).toHaveAttribute('data-status', 'connected');
  // Live changes still reach the commenter.
  await owner.editor.click();
  await owner.page.keyboard.press('Control+End');
  await owner.page.keyboard.type(' Thanks!');
  await expect(editor).toContainText('Please review. Thanks!');
  await context.close();
});

test('an edit the server refuses (1008) is explained once, with discard or stay read-only, and no reconnect loop', async ({ people, server }) => {
  const doc = docName('refused');
  const write = signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) });
  const comment = signToken(SECRET, { doc, mode: 'comment', exp: inSeconds(600) });
  const alice = await people.open('Alice Martin', doc, { token: write });
  await alice.editor.click();
  await alice.page.keyboard.type('On the server.');
  await expect(alice.status).toHaveAttribute('data-saved', 'saved');

  // Alice's browser keeps an edit the server never received (its socket goes nowhere)...
  const draft = await alice.context.newPage();
  await draft.routeWebSocket(/.*/, () => {}); // a socket that reaches no server
  await draft.goto(`${server.httpUrl}/d/${encodeURIComponent(doc)}?name=Alice&token=${encodeURIComponent(write)}`);
  const draftEditor = draft.locator('.ProseMirror');
  await expect(draftEditor).toContainText('On the server.');
  await draftEditor.click();
  await draft.keyboard.press('Control+End');
  await draft.keyboard.type(' Unsent draft.');
  await alice.page.close();
  await draft.close();

  // ...then her access becomes comment: the offline copy's edit is refused with 1008.
  const page = await alice.context.newPage();
  await page.goto(`${server.httpUrl}/d/${encodeURIComponent(doc)}?name=Alice&token=${encodeURIComponent(comment)}`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The server refused a change');
  await expect(page.getByRole('status')).toHaveAttribute('data-status', 'offline');
  await expect(page.locator('.ProseMirror')).toHaveAttribute('contenteditable', 'false');
  await expect(page.waitForEvent('websocket', { timeout: 3000 })).rejects.toThrow();

  await page.getByRole('button', { name: 'Discard unsent changes' }).click();
  await expect(page.getByRole('status')).toHaveAttribute('data-status', 'connected');
  await expect(page.locator('.ProseMirror')).toContainText('On the server.');
  await expect(page.locator('.ProseMirror')).not.toContainText('Unsent draft.');
  await expect(page.locator('[data-access="comment"]')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  // Nothing of the refused edit reached the server.
  const md = await (await fetch(`${server.httpUrl}/api/docs/${encodeURIComponent(doc)}/export?format=txt`, { headers: { authorization: `Bearer ${write}` } })).text();
  expect(md).toContain('On the server.');
  expect(md).not.toContain('Unsent draft.');
});

test('the editor asks /api/access whenever it opens a document, with the token in a header', async ({ browser, server }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const asked = page.waitForRequest((r) => r.url().includes('/api/access/'));
  await page.goto(`${server.httpUrl}/d/${encodeURIComponent(docName('asks'))}?name=Ann&token=${encodeURIComponent(signToken(SECRET, { doc: 'asks*', mode: 'read', exp: inSeconds(600) }))}`);
  const request = await asked;
  // The credential travels in a header, never in the URL.
  expect(request.url()).not.toContain('token=');
  expect(await request.headerValue('authorization')).toMatch(/^Bearer /);
  await context.close();
});
