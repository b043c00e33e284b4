import { docName, documentText, expect, test } from '../support/fixtures';

const api = (server: { httpUrl: string }, doc: string, path = '') => `${server.httpUrl}/api/docs/${encodeURIComponent(doc)}${path}`;

test('export of a document built in the browser matches what the browser shows', async ({ people, server }) => {
  const doc = docName('export');
  const alice = await people.open('Alice Martin', doc);
  await alice.editor.click();
  const k = alice.page.keyboard;
  // Markdown shortcuts of the editor build the structure as a person would.
  await k.type('# Quarterly plan\n');
  await k.type('Ship the ');
  await k.press('Control+b');
  await k.type('history');
  await k.press('Control+b');
  await k.type(' panel and ');
  await k.press('Control+i');
  await k.type('export');
  await k.press('Control+i');
  await k.type(' with `code` too\n');
  await k.type('- first item\nsecond item\n\n');
  await k.type('1. one\ntwo\n\n');
  await k.type('See https://example.com/docs for more ');
  await expect(alice.editor.locator('a[href="https://example.com/docs"]')).toBeVisible();

  // What the browser shows: element names and text of every element in the editor.
  const shape = (root: Element) =>
    [...root.querySelectorAll('*')].filter((e) => !e.closest('.collaboration-carets__caret')).map((e) => `${e.tagName.toLowerCase()}:${e.textContent}`);
  const shown = await alice.editor.evaluate(shape);
  await expect.poll(async () => {
    const html = await (await fetch(api(server, doc, '/export?format=html'))).text();
    return alice.page.evaluate(([h, fn]) => {
      const body = new DOMParser().parseFromString(h, 'text/html').body;
      return (new Function('root', `return (${fn})(root)`) as (r: Element) => string[])(body);
    }, [html, shape.toString()] as const);
  }).toEqual(shown);

  const md = await (await fetch(api(server, doc, '/export?format=md'))).text();
  expect(md).toContain('# Quarterly plan');
  expect(md).toContain('**history**');
  expect(md).toContain('*export*');
  expect(md).toContain('`code`');
  expect(md).toMatch(/- first item\n- second item/);
  expect(md).toMatch(/1\. one\n2\. two/);
  expect(md).toContain('[https://example.com/docs](https://example.com/docs)');
});

test('Markdown imported through the API appears live in a connected editor', async ({ people, server }) => {
  const doc = docName('import');
  const bob = await people.open('Bob Chen', doc);
  await bob.editor.click();
  await bob.page.keyboard.type('Before the import.');
  await expect.poll(async () => (await fetch(api(server, doc, '/export?format=txt'))).text()).toBe('Before the import.\n');
  const res = await fetch(api(server, doc, '/import'), { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '## Imported\n\n- alpha\n- beta\n' });
  expect(res.status).toBe(200);
  await expect(bob.editor.locator('h2')).toHaveText('Imported');
  await expect(bob.editor.locator('li')).toHaveText(['alpha', 'beta']);
  await expect(bob.editor).not.toContainText('Before the import.');

  // The home page lists what the server holds (GET /api/docs), with each document's title.
  expect((await fetch(api(server, doc), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"title":"Imported"}' })).status).toBe(200);
  expect((await fetch(api(server, doc, '/versions'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"imported"}' })).status).toBe(201);
  await bob.page.goto(server.httpUrl + '/');
  const onServer = bob.page.getByRole('region', { name: 'On this server' });
  await expect(onServer.getByRole('link', { name: new RegExp(`^Imported ${doc} · edited `) })).toBeVisible();
});

test('History panel: name a version, preview its differences, restore it for everyone; File menu and delete', async ({ people, server }) => {
  const doc = docName('history');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('The original sentence.');
  await expect(bob.editor).toContainText('The original sentence.');

  const page = alice.page;
  await page.getByRole('button', { name: 'Version history' }).click();
  const panel = page.getByRole('complementary', { name: 'Version history' });
  await panel.getByRole('textbox', { name: 'Version name' }).fill('Original');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved “Original”');

  await alice.editor.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.type('A replacement.');
  await expect(bob.editor).toContainText('A replacement.');
  await panel.getByRole('textbox', { name: 'Version name' }).fill('Replacement');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved “Replacement”');

  // The preview shows what that version changed since the one before, as Google Docs does.
  await panel.getByRole('button', { name: /Replacement/ }).click();
  const preview = panel.getByRole('region', { name: /^Preview of the version of / });
  await expect(preview.locator('ins')).toHaveText('A replacement.');
  await expect(preview.locator('del')).toHaveText('The original sentence.');
  await panel.getByRole('button', { name: /Original/ }).click();
  await preview.getByRole('button', { name: 'Restore this version' }).click();
  await preview.getByRole('alertdialog', { name: 'Restore this version?' }).getByRole('button', { name: 'Restore' }).click();
  await expect(panel.getByRole('status')).toContainText('Restored');
  for (const user of [alice, bob]) await expect.poll(() => documentText(user)).toBe('The original sentence.');
  await panel.getByRole('button', { name: 'Close version history' }).click();
  await expect(panel).toBeHidden();

  await page.getByRole('button', { name: 'File' }).click();
  const menu = page.getByRole('menu', { name: 'File' });
  await expect(menu.getByRole('menuitem')).toHaveText(['Download as Markdown', 'Download as HTML', 'Download as text', 'Download .docx', 'Import…', 'Print']);
  const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('menuitem', { name: 'Download as Markdown' }).click()]);
  expect(download.suggestedFilename()).toBe(`${doc}.md`);

  expect((await fetch(api(server, doc), { method: 'DELETE' })).status).toBe(204);
  for (const user of [alice, bob]) await expect(user.page.getByRole('alert')).toHaveText('This document was deleted');
  // The copy on this device was dropped: opening the name again starts empty, nothing re-uploaded.
  await alice.reopen();
  await expect(alice.status).toHaveAttribute('data-status', 'connected');
  await expect.poll(() => documentText(alice)).toBe('');
  await expect.poll(async () => (await fetch(api(server, doc, '/export?format=txt'))).status).toBe(404);
});
