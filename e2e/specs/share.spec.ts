// The Share dialog with AUTH_SECRET: a writer creates links granting view or edit access. A view
// link opens the document read-only in a fresh browser (no editing tools), an edit link lets a
// stranger edit, an expired one says "Link expired", and a revoked link stops a connected
// session within seconds.
import type { Browser } from '@playwright/test';
import { docName, expect, withServer, type User } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'e2e-share-secret-0123456789abcdef';
const test = withServer({ AUTH_SECRET: SECRET });

async function createLink(owner: User, access: 'Can view' | 'Can comment' | 'Can edit'): Promise<string> {
  const dialog = owner.page.getByRole('dialog', { name: /^Share/ });
  const before = await dialog.locator('.share-link').count();
  await dialog.getByLabel('Access').selectOption({ label: access });
  await dialog.getByRole('button', { name: 'Create link' }).click();
  await expect(dialog.locator('.share-link')).toHaveCount(before + 1);
  return dialog.getByRole('textbox', { name: `${access} link` }).last().inputValue();
}

async function visit(browser: Browser, url: string, pageErrors: string[]) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${url}&name=Guest`);
  return { context, page, editor: page.locator('.ProseMirror') };
}

test('view and edit links work in fresh browsers; expired links say so; revoking stops a live session', async ({ people, browser, server }) => {
  const doc = docName('share');
  const owner = await people.open('Olivia Owner', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600), name: 'Olivia Owner' }) });
  await owner.editor.click();
  await owner.page.keyboard.type('Shared by Olivia.');
  await owner.page.getByRole('button', { name: 'Share', exact: true }).click();

  const viewUrl = await createLink(owner, 'Can view');
  const editUrl = await createLink(owner, 'Can edit');
  expect(viewUrl.startsWith(server.httpUrl + '/d/')).toBe(true);
  const errors: string[] = [];

  const viewer = await visit(browser, viewUrl, errors);
  await expect(viewer.editor).toContainText('Shared by Olivia.');
  await expect(viewer.page.getByText('Read only', { exact: true })).toBeVisible();
  await expect(viewer.editor).toHaveAttribute('contenteditable', 'false');
  await expect(viewer.page.getByRole('toolbar', { name: 'Formatting' })).toHaveCount(0);

  const editor = await visit(browser, editUrl, errors);
  await editor.editor.click();
  await editor.page.keyboard.press('Control+End');
  await editor.page.keyboard.type(' A guest edit.');
  await expect(owner.editor).toContainText('A guest edit.');

  // Revoke the edit link in the dialog: the guest's open session ends within seconds.
  const dialog = owner.page.getByRole('dialog', { name: /^Share/ });
  await dialog.locator('.share-link[data-mode="write"]').getByRole('button', { name: 'Revoke' }).click();
  await expect(dialog.locator('.share-link[data-mode="write"]')).toHaveCount(0);
  await expect(editor.page.getByRole('alert')).toBeVisible({ timeout: 5000 });
  await expect(editor.editor).toHaveAttribute('contenteditable', 'false');

  // An expired link (made through the API with a 1-second life) says so.
  const res = await fetch(`${server.httpUrl}/api/docs/${encodeURIComponent(doc)}/shares`, {
    method: 'POST',
    headers: { authorization: `Bearer ${signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) })}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'read', expiresInSeconds: 1 }),
  });
  const { path, token } = (await res.json()) as { path: string; token: string };
  await expect.poll(async () => (await fetch(`${server.httpUrl}/api/access/${encodeURIComponent(doc)}?token=${token}`)).status).toBe(401);
  const late = await visit(browser, server.httpUrl + path, errors);
  await expect(late.page.getByRole('alert')).toHaveText('Link expired');

  for (const v of [viewer, editor, late]) await v.context.close();
  expect(errors).toEqual([]);
});
