import { docName, expect, withServer } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'e2e-secret-not-for-production-0123456789';

// These need a server with AUTH_SECRET, so they bring their own instead of the worker's open one.
const test = withServer({ AUTH_SECRET: SECRET });

test('a read-only link shows "Read only", cannot edit, and still sees live changes', async ({ people }) => {
  const doc = docName('readonly');
  const writer = await people.open('Wendy Writer', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) }) });
  const reader = await people.open('Ray Reader', doc, { token: signToken(SECRET, { doc, mode: 'read', exp: inSeconds(600) }) });
  await expect(reader.page.getByText('Read only', { exact: true })).toBeVisible();
  await expect(reader.editor).toHaveAttribute('contenteditable', 'false');
  // Read-only visitors get no editing tools at all.
  await expect(reader.page.getByRole('button', { name: 'Bold', exact: true })).toHaveCount(0);
  await expect(writer.page.getByRole('button', { name: 'Bold', exact: true })).toBeEnabled();
  await expect(writer.page.getByText('Read only', { exact: true })).toHaveCount(0);

  await writer.editor.click();
  await writer.page.keyboard.type('Only Wendy can write here.');
  await expect(reader.editor).toContainText('Only Wendy can write here.');
  await expect(reader.status).toHaveAttribute('data-status', 'connected');
});

test('no token, a token for another document, or an expired one: the editor says why and stops', async ({ people }) => {
  const doc = docName('denied');
  const nobody = await people.open('No Token', doc);
  await expect(nobody.page.getByRole('alert')).toHaveText('Access denied');
  await expect(nobody.status).toHaveAttribute('data-status', 'offline');
  await expect(nobody.editor).toHaveAttribute('contenteditable', 'false');

  const elsewhere = await people.open('Wrong Doc', doc, { token: signToken(SECRET, { doc: 'another-doc', mode: 'write', exp: inSeconds(600) }) });
  await expect(elsewhere.page.getByRole('alert')).toHaveText('Access denied');

  const late = await people.open('Late Comer', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(-60) }) });
  await expect(late.page.getByRole('alert')).toHaveText('Link expired');
  await expect(late.status).toHaveAttribute('data-status', 'offline');
});

test('a token that expires during the session ends it with "Link expired"', async ({ people }) => {
  const doc = docName('expiring');
  // 20 s leaves room for a page that loads slowly on a busy machine (8 s was not always enough
  // for the page to open and connect while the other worker's browser was busy too).
  const user = await people.open('Short Lived', doc, { token: signToken(SECRET, { doc: `${doc.slice(0, 6)}*`, mode: 'write', exp: inSeconds(20) }) });
  // Connected first, then the server ends it with 4401.
  await expect(user.status).toHaveAttribute('data-status', 'connected');
  await expect(user.page.getByRole('alert')).toHaveText('Link expired', { timeout: 30_000 });
  await expect(user.status).toHaveAttribute('data-status', 'offline');
  await expect(user.editor).toHaveAttribute('contenteditable', 'false');
});
