// Issue 26: the File menu's Word round trip and print. "Download .docx" saves a file that Word's
// format readers (here mammoth, not the library that wrote it) read back; "Import…" (writers)
// takes a .docx and the editor shows its content live; printing shows only the page.
import { readFileSync } from 'node:fs';
import mammoth from 'mammoth';
import { docName, expect, test } from '../support/fixtures';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

test('Download .docx from the File menu saves a Word file whose heading mammoth reads', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('docx-download'));
  await alice.editor.click();
  await alice.page.keyboard.type('# Quarterly plan');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('Body text for Word');
  await expect(alice.status).toHaveAttribute('data-saved', 'saved');

  await alice.page.getByRole('button', { name: 'File' }).click();
  const downloading = alice.page.waitForEvent('download');
  await alice.page.getByRole('menuitem', { name: 'Download .docx' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/\.docx$/);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  const html = (await mammoth.convertToHtml({ buffer: bytes })).value;
  expect(html).toContain('<h1>Quarterly plan</h1>');
  expect(html).toContain('<p>Body text for Word</p>');
});

test('Import… from the File menu brings a .docx in, replacing the document', async ({ people, server }) => {
  // The .docx comes from the server's own export of another document.
  const source = `${server.httpUrl}/api/docs/${encodeURIComponent(docName('docx-source'))}`;
  const made = await fetch(`${source}/import`, { method: 'PUT', headers: { 'content-type': 'text/markdown' }, body: '# From Word\n\n- [x] a done item\n\n| Name | Count |\n| --- | --- |\n| pears | 12 |\n' });
  expect(made.status).toBe(200);
  const file = Buffer.from(await (await fetch(`${source}/export?format=docx`)).arrayBuffer());

  const alice = await people.open('Alice Martin', docName('docx-import'));
  await alice.editor.click();
  await alice.page.keyboard.type('Text that the import replaces');
  await alice.page.getByRole('button', { name: 'File' }).click();
  const choosing = alice.page.waitForEvent('filechooser');
  await alice.page.getByRole('menuitem', { name: 'Import…' }).click();
  await (await choosing).setFiles({ name: 'plan.docx', mimeType: DOCX, buffer: file });
  await alice.page.getByRole('dialog', { name: 'Import' }).getByRole('button', { name: 'Replace the document' }).click();

  await expect(alice.page.getByRole('status').filter({ hasText: 'Imported plan.docx.' })).toBeVisible();
  await expect(alice.editor.locator('h1')).toHaveText('From Word');
  await expect(alice.editor.locator('ul[data-type="taskList"] li[data-checked="true"]')).toContainText('a done item');
  await expect(alice.editor.locator('table')).toContainText('pears');
  await expect(alice.editor).not.toContainText('Text that the import replaces');
});

test('printing shows only the document page: no header, toolbar or panels', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('docx-print'));
  await alice.editor.click();
  await alice.page.keyboard.type('Printed words');
  await alice.page.emulateMedia({ media: 'print' });
  await expect(alice.editor).toBeVisible();
  await expect(alice.editor).toContainText('Printed words');
  for (const hidden of ['.doc-header', '.tandem-bar', '.tandem-footer']) await expect(alice.page.locator(hidden)).toBeHidden();
  const frame = await alice.page.locator('.tandem-page__content').evaluate((el) => getComputedStyle(el).borderTopWidth + ' ' + getComputedStyle(el).boxShadow);
  expect(frame).toBe('0px none');
});
