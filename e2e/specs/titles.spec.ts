import { docName, expect, test } from '../support/fixtures';

// Issue 26, "A workspace, not a folder of URLs": a document's title lives apart from its name (the
// root Y.Text `title`), edited in the header live with everyone and shown in the browser tab; the
// home page searches across documents and deletes with an undo that sends nothing until the
// toast closes.

const api = (server: { httpUrl: string }, doc: string, path = '') => `${server.httpUrl}/api/docs/${encodeURIComponent(doc)}${path}`;

test('the title: "Untitled document" until set, edited in the header live between two browsers, in the tab', async ({ people, server }) => {
  const doc = docName('titled');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  for (const who of [alice, bob]) {
    await expect(who.page.locator('.doc-header__title')).toHaveText('Untitled document');
    await expect(who.page).toHaveTitle('Untitled document — Tandem');
  }
  // A heading in the body is content, not the title.
  await alice.editor.click();
  await alice.page.keyboard.type('# Agenda');
  await expect(bob.editor.locator('h1')).toContainText('Agenda'); // with Alice's caret label
  await expect(bob.page.locator('.doc-header__title')).toHaveText('Untitled document');

  await alice.page.getByRole('button', { name: 'Untitled document' }).click();
  const aliceInput = alice.page.getByRole('textbox', { name: 'Document title' });
  await expect(aliceInput).toBeFocused();
  await aliceInput.pressSequentially('Launch plan');
  await expect(bob.page.locator('.doc-header__title')).toHaveText('Launch plan');
  await expect(bob.page).toHaveTitle('Launch plan — Tandem');
  await aliceInput.press('Enter');
  await expect(alice.page.locator('.doc-header__title')).toHaveText('Launch plan');
  await expect(alice.page).toHaveTitle('Launch plan — Tandem');

  // Bob adds to it; Alice sees his change, and so does the API.
  await bob.page.getByRole('button', { name: 'Launch plan' }).click();
  const bobInput = bob.page.getByRole('textbox', { name: 'Document title' });
  await bobInput.press('End');
  await bobInput.pressSequentially(' for Q3');
  await expect(alice.page.locator('.doc-header__title')).toHaveText('Launch plan for Q3');
  await expect.poll(async () => ((await (await fetch(api(server, doc))).json()) as { title: string }).title).toBe('Launch plan for Q3');

  // The API's change reaches both headers live.
  const res = await fetch(api(server, doc), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Renamed by the API' }) });
  expect(res.status).toBe(200);
  await bobInput.press('Escape');
  for (const who of [alice, bob]) await expect(who.page.locator('.doc-header__title')).toHaveText('Renamed by the API');
});

test('the home page: search finds title and text with a snippet; delete can be undone, then closes the toast and deletes', async ({ people, server }) => {
  const doc = docName('capybara');
  const put = await fetch(api(server, doc, '/import'), { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: 'Notes.\n\nThe capybara is the largest living rodent.\n' });
  expect(put.status).toBe(200);
  expect((await fetch(api(server, doc), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Capybara facts' }) })).status).toBe(200);
  const dana = await people.open('Dana Park', docName('home-visit'));
  const page = dana.page;
  await page.getByRole('link', { name: 'All documents' }).click();

  // Search (indexed a moment after the change: type until it is there).
  const box = page.getByRole('searchbox', { name: 'Search documents' });
  const results = page.getByRole('region', { name: 'Search results' });
  await expect(async () => {
    await box.fill('');
    await box.fill('largest rodent');
    await expect(results.getByRole('link')).toHaveCount(1, { timeout: 1000 });
  }).toPass();
  const hit = results.getByRole('link');
  await expect(hit.locator('.home__title')).toHaveText('Capybara facts');
  await expect(hit.locator('.home__snippet')).toContainText('The capybara is the largest living rodent.');
  await box.fill('capybara');
  await expect(results.getByRole('link')).toHaveCount(1);

  // The server's list: titles and last edit, newest first.
  const list = page.getByRole('region', { name: 'On this server' });
  const item = list.locator(`li[data-doc="${doc}"]`);
  await expect(item.getByRole('link')).toContainText('Capybara facts');
  await expect(item.getByRole('link')).toContainText('edited ');

  // Delete, then Undo: the document is still there, nothing was sent.
  await item.getByRole('button', { name: /^Delete Capybara facts/ }).click();
  await expect(item).toHaveCount(0);
  const toast = page.getByRole('status').filter({ hasText: 'Deleted “Capybara facts”' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(toast).toHaveCount(0);
  await expect(item).toHaveCount(1);
  expect((await fetch(api(server, doc))).status).toBe(200);

  // Someone has it open: the delete closes them with 4404, and the editor says so.
  const eve = await people.open('Eve Laurent', doc);
  await item.getByRole('button', { name: /^Delete Capybara facts/ }).click();
  await expect(toast).toBeVisible();
  expect((await fetch(api(server, doc))).status, 'nothing is deleted while the toast is open').toBe(200);
  await toast.getByRole('button', { name: 'Close' }).click();
  await expect.poll(async () => (await fetch(api(server, doc))).status).toBe(404);
  await expect(eve.page.locator('[data-access="deleted"]')).toBeVisible();
  await box.fill('');
  await box.fill('capybara');
  await expect(results.getByText('No documents match.')).toBeVisible();
});

test('New document puts the cursor in the title', async ({ people }) => {
  const dana = await people.open('Dana Park', docName('new-from-home'));
  await dana.page.getByRole('link', { name: 'All documents' }).click();
  await dana.page.getByRole('button', { name: 'New document' }).click();
  await expect(dana.page).toHaveURL(/\/d\/[a-z]+-[a-z]+-\d{20}$/);
  const title = dana.page.getByRole('textbox', { name: 'Document title' });
  await expect(title).toBeFocused();
  await dana.page.keyboard.type('Fresh thoughts');
  await dana.page.keyboard.press('Enter');
  await expect(dana.page).toHaveTitle('Fresh thoughts — Tandem');
});
