// Issue 26: the File menu's Import… is for writers only (the import API needs `write`); a reader
// still downloads the .docx.
import { docName, expect, withServer } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'docx-access-secret-that-is-long-enough';
const test = withServer({ AUTH_SECRET: SECRET });

test('Import… shows for a writer, not for a reader, who can still download the .docx', async ({ people }) => {
  const doc = docName('docx-access');
  const writer = await people.open('Wendy Writer', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) }) });
  await writer.page.getByRole('button', { name: 'File' }).click();
  await expect(writer.page.getByRole('menu', { name: 'File' })).toHaveAttribute('data-access', 'write');
  await expect(writer.page.getByRole('menuitem', { name: 'Import…' })).toBeVisible();

  const reader = await people.open('Rita Reader', doc, { token: signToken(SECRET, { doc, mode: 'read', exp: inSeconds(600) }) });
  await reader.page.getByRole('button', { name: 'File' }).click();
  await expect(reader.page.getByRole('menu', { name: 'File' })).toHaveAttribute('data-access', 'read'); // the server has answered
  await expect(reader.page.getByRole('menuitem', { name: 'Download .docx' })).toBeVisible();
  await expect(reader.page.getByRole('menuitem', { name: 'Print' })).toBeVisible();
  await expect(reader.page.getByRole('menuitem', { name: 'Import…' })).toHaveCount(0);
});
