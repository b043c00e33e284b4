// 4413: an edit that would take a document past MAX_DOCUMENT_BYTES is refused whole. The refused
// edit sits in the browser's offline copy and would be resent (and refused) on every load, so the
// editor explains it, does not reconnect in a loop, and offers to discard the unsent changes or
// stay read-only.
import { caretToEnd, docName, expect, withServer } from '../support/fixtures';

const test = withServer({ MAX_DOCUMENT_BYTES: '6000' });

test('a document at its size limit: explained, no reconnect loop, discard or stay read-only', async ({ people }) => {
  const doc = docName('toolarge');
  const alice = await people.open('Alice Martin', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Small and saved.');
  await expect(alice.status).toHaveAttribute('data-saved', 'saved');

  await caretToEnd(alice);
  await alice.page.keyboard.insertText('x'.repeat(8000));
  const alert = alice.page.getByRole('alert');
  await expect(alert).toContainText('This document has reached its size limit');
  await expect(alice.status).toHaveAttribute('data-status', 'offline');
  await expect(alice.editor).toHaveAttribute('contenteditable', 'false');
  // No reconnect loop: the page opens no new socket.
  await expect(alice.page.waitForEvent('websocket', { timeout: 3000 })).rejects.toThrow();

  // A fresh tab of the same browser resends the refused edit from the offline copy: same answer.
  await alice.page.close();
  await alice.reopen();
  await expect(alice.page.getByRole('alert')).toContainText('This document has reached its size limit');
  await expect(alice.editor).toContainText('xxxx');

  // "Stay read-only": the text stays visible, nothing is editable, the choice goes away.
  await alice.page.getByRole('button', { name: 'Stay read-only' }).click();
  await expect(alice.page.getByRole('button', { name: 'Discard unsent changes' })).toHaveCount(0);
  await expect(alice.editor).toHaveAttribute('contenteditable', 'false');
  await expect(alice.editor).toContainText('xxxx');

  // Another tab: discard. The document comes back as the server has it, editable and saved.
  await alice.reopen();
  await alice.page.getByRole('button', { name: 'Discard unsent changes' }).click();
  await expect(alice.status).toHaveAttribute('data-status', 'connected');
  await expect(alice.status).toHaveText('All changes saved');
  await expect(alice.editor).toContainText('Small and saved.');
  await expect(alice.editor).not.toContainText('xxxx');
  await expect(alice.editor).toHaveAttribute('contenteditable', 'true');
  await expect(alice.page.getByRole('alert')).toHaveCount(0);

  // Readers and other people are unaffected, and the offline copy no longer holds the edit.
  const bob = await people.open('Bob Chen', doc);
  await expect(bob.editor).toContainText('Small and saved.');
  await alice.page.reload();
  await expect(alice.status).toHaveText('All changes saved');
  await expect(alice.editor).not.toContainText('xxxx');
});
