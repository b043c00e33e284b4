import { docName, expect, test } from '../support/fixtures';

test('"/" starts a new document; the name prompt never blocks typing and is remembered', async ({ browser, server, people }) => {
  const context = await browser.newContext();
  const page = people.watch(await context.newPage(), 'newcomer');
  await page.goto(server.httpUrl + '/');
  await expect(page).toHaveURL(/\/d\/[a-z]+-[a-z]+-\d+$/);
  const prompt = page.getByRole('form', { name: 'Your name' });
  await expect(prompt).toBeVisible();

  // Type in the document while the prompt is open: it is a corner card, not a modal.
  const editor = page.locator('.ProseMirror');
  await editor.click();
  await page.keyboard.type('Typing before saying who I am.');
  await expect(editor).toContainText('Typing before saying who I am.');
  await expect(prompt).toBeVisible();

  await prompt.getByRole('textbox').fill('Zoe Quinn');
  await prompt.getByRole('button', { name: 'Save' }).click();
  await expect(prompt).toBeHidden();
  await expect(page.locator('.tandem-avatar[data-user-name="Zoe Quinn"]')).toBeVisible();

  // Remembered: no prompt next time, same name, and the document is in the recent list.
  const docUrl = page.url();
  await page.reload();
  await expect(page.locator('.tandem-avatar[data-user-name="Zoe Quinn"]')).toBeVisible();
  await expect(page.getByRole('form', { name: 'Your name' })).toHaveCount(0);
  await expect(editor).toContainText('Typing before saying who I am.');

  await page.getByRole('link', { name: 'All documents' }).click();
  await expect(page).toHaveURL(server.httpUrl + '/');
  const recent = page.getByRole('region', { name: 'Recent documents' }).getByRole('link');
  await expect(recent).toHaveCount(1);
  await recent.first().click();
  await expect(page).toHaveURL(docUrl);
  await expect(editor).toContainText('Typing before saying who I am.');
  await context.close();
});

test('any document name works end to end, and Share (open server) says anyone with the link can edit and copies it', async ({ people, server }) => {
  const doc = `${docName('team')}/Q1 plans: ünïcode & spaces?`;
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await expect(alice.page).toHaveURL(server.httpUrl + '/d/' + encodeURIComponent(doc) + '?name=Alice%20Martin');
  await expect(alice.page.getByText(doc, { exact: true })).toBeVisible();
  await alice.editor.click();
  await alice.page.keyboard.type('Same document for both.');
  await expect(bob.editor).toContainText('Same document for both.');

  await alice.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.httpUrl });
  // Asking for share links on an open server is no error (it was a 409, logged by the browser).
  const consoleErrors: string[] = [];
  alice.page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await alice.page.getByRole('button', { name: 'Share', exact: true }).click();
  const dialog = alice.page.getByRole('dialog', { name: /^Share/ });
  await expect(dialog).toContainText('anyone with the link can edit');
  expect(consoleErrors).toEqual([]);
  await dialog.getByRole('button', { name: 'Copy' }).click();
  // Said inside the dialog, where the person (and a screen reader) is.
  await expect(dialog.getByText('Link copied')).toBeVisible();
  const copied = await alice.page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(server.httpUrl + '/d/' + encodeURIComponent(doc));
});

test('toolbar buttons reflect the selection and apply formatting that peers receive', async ({ people }) => {
  const doc = docName('toolbar');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  const button = (name: string) => alice.page.getByRole('button', { name, exact: true });
  for (const name of ['Bold', 'Italic', 'Strike', 'Code', 'Heading 1', 'Heading 2', 'Heading 3', 'Bullet list', 'Ordered list', 'Quote', 'Code block', 'Link']) {
    await expect(button(name)).toHaveAttribute('aria-pressed', 'false');
  }
  await expect(button('Undo')).toBeVisible();
  await expect(button('Redo')).toBeVisible();

  await alice.editor.click();
  await button('Heading 2').click();
  await alice.page.keyboard.type('Agenda');
  await expect(button('Heading 2')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Enter');
  await button('Bullet list').click();
  await alice.page.keyboard.type('first');
  await expect(button('Bullet list')).toHaveAttribute('aria-pressed', 'true');
  await expect(button('Heading 2')).toHaveAttribute('aria-pressed', 'false');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter'); // leave the list
  await button('Quote').click();
  await button('Italic').click();
  await alice.page.keyboard.type('quoted');
  await expect(button('Italic')).toHaveAttribute('aria-pressed', 'true');
  await expect(button('Quote')).toHaveAttribute('aria-pressed', 'true');

  // A link on a selected word, through the inline form (no blocking window.prompt).
  await alice.page.keyboard.press('Enter');
  await button('Italic').click();
  await alice.page.keyboard.type('docs');
  await alice.page.keyboard.press('Shift+Home');
  await button('Link').click();
  const address = alice.page.getByRole('textbox', { name: 'Link address' });
  await address.fill('https://example.com/docs');
  await address.press('Enter');
  await expect(button('Link')).toHaveAttribute('aria-pressed', 'true');

  await expect(bob.editor.locator('h2')).toHaveText('Agenda');
  await expect(bob.editor.locator('ul li')).toHaveText('first');
  await expect(bob.editor.locator('blockquote em')).toHaveText('quoted');
  // (Alice's caret sits inside the link in Bob's view, label and all: compare the text around it.)
  await expect(bob.editor.locator('a[href="https://example.com/docs"]')).toContainText('docs');
});
