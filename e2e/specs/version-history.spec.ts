// Version history as a Google Docs user expects it (issue 29, item 3). Root causes: Restore acted
// at once and the server kept nothing of the text it replaced, so a slip lost work for everyone;
// the preview kept comparing with the text from before the restore; the diff was plain text,
// coloured backwards (green for what the old version had); times stopped at the minute; and an
// offline panel said "Failed to fetch" above "No versions yet".
import { docName, documentText, expect, test } from '../support/fixtures';

const api = (server: { httpUrl: string }, doc: string, path = '') => `${server.httpUrl}/api/docs/${encodeURIComponent(doc)}${path}`;

test('Restore asks first, can be undone from the toast, and the preview renders lists and tables with additions green', async ({ people }) => {
  const doc = docName('restore-undo');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  const page = alice.page;
  await alice.editor.click();
  await page.keyboard.type('Kept line');
  await page.getByRole('button', { name: 'Version history' }).click();
  const panel = page.getByRole('complementary', { name: 'Version history' });
  await panel.getByRole('textbox', { name: 'Version name' }).fill('Draft');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved “Draft”');

  await alice.editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n- first item\nsecond item\n\n');
  await page.getByRole('button', { name: 'Insert table' }).click();
  await page.keyboard.type('Cell A');
  await expect(bob.editor.locator('td, th').first()).toContainText('Cell A');
  const withList = await documentText(alice);
  await panel.getByRole('textbox', { name: 'Version name' }).fill('With list');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved “With list”');

  // Rendered with the editor's schema: a real list and table, marked as added, in green.
  await panel.getByRole('button', { name: /With list/ }).click();
  const preview = panel.getByRole('region', { name: /^Preview of the version of / });
  await expect(preview.locator('ins ul > li')).toHaveText(['first item', 'second item']);
  await expect(preview.locator('ins table th').first()).toHaveText('Cell A');
  await expect(preview.locator('ins').first()).toHaveCSS('background-color', 'rgb(230, 244, 234)');
  await expect(preview.locator('p', { hasText: 'Kept line' })).toHaveCount(1);
  await expect(preview.locator('ins p', { hasText: 'Kept line' })).toHaveCount(0);

  // Restore asks first and says what will happen; Cancel changes nothing and gives focus back.
  await panel.getByRole('button', { name: /Draft/ }).click();
  const restoreButton = preview.getByRole('button', { name: 'Restore this version' });
  await restoreButton.click();
  const confirm = preview.getByRole('alertdialog', { name: 'Restore this version?' });
  await expect(confirm).toContainText('for everyone editing it');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await expect(restoreButton).toBeFocused();
  await expect(bob.editor.locator('li')).toHaveCount(2);

  await restoreButton.click();
  await confirm.getByRole('button', { name: 'Restore' }).click();
  await expect(panel.getByRole('status')).toContainText('Restored the version of');
  for (const user of [alice, bob]) await expect.poll(() => documentText(user)).toBe('Kept line');
  // The document is the restored version now: no comparison with the text before it is left up.
  await expect(preview).toBeHidden();

  await panel.getByRole('status').getByRole('button', { name: 'Undo restore' }).click();
  await expect(panel.getByRole('status')).toHaveText('Restore undone');
  for (const user of [alice, bob]) await expect.poll(() => documentText(user)).toBe(withList);
  await expect(bob.editor.locator('li')).toHaveCount(2);
  await expect(bob.editor.locator('table')).toHaveCount(1);
});

test('two versions in one minute show their seconds', async ({ people, server }) => {
  const doc = docName('seconds');
  const alice = await people.open('Alice Martin', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Start');
  await expect.poll(async () => (await fetch(api(server, doc, '/export?format=txt'))).text()).toBe('Start\n');
  // Versions named right after one another: two consecutive ones share a minute within three tries.
  const minutes: string[] = [];
  for (let i = 0; i < 3 && new Set(minutes).size === minutes.length; i++) {
    const put = await fetch(api(server, doc, '/import?mode=append'), { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: `line ${i}\n` });
    expect(put.status).toBe(200);
    const res = await fetch(api(server, doc, '/versions'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `v${i}` }) });
    expect(res.status).toBe(201);
    minutes.push(((await res.json()) as { createdAt: string }).createdAt.slice(0, 16));
  }
  const shared = minutes.findIndex((m, i) => minutes.indexOf(m) !== i);
  await alice.page.getByRole('button', { name: 'Version history' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Version history' });
  for (const i of [minutes.indexOf(minutes[shared]!), shared]) {
    await expect(panel.getByRole('button', { name: new RegExp(`v${i}`) }).locator('time')).toHaveText(/\d:\d\d:\d\d/);
  }
});

test('offline, the panel says the server cannot be reached, and loads once back online', async ({ people }) => {
  const doc = docName('history-offline');
  const alice = await people.open('Alice Martin', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Written online.');
  await expect(alice.page.locator('[data-saved="saved"]')).toBeVisible();
  // The browser goes offline (navigator.onLine false, fetch fails; its WebSocket stays up here).
  await alice.context.setOffline(true);
  await alice.page.getByRole('button', { name: 'Version history' }).click();
  const panel = alice.page.getByRole('complementary', { name: 'Version history' });
  await expect(panel.locator('[data-history="offline"]')).toContainText('The server cannot be reached');
  await expect(panel).not.toContainText('Failed to fetch');
  await expect(panel).not.toContainText('No versions yet');

  await alice.context.setOffline(false);
  await expect(panel.locator('[data-history="offline"]')).toBeHidden();
  await expect(panel.getByText(/No versions yet|Versions/).first()).toBeVisible();
});
