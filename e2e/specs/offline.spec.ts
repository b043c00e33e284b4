import { caretToEnd, docName, expect, flushOfflineCopy, test } from '../support/fixtures';

// Playwright's setOffline does not cut WebSockets, so "offline" here means the server is down.
test('edits made while the server is down survive a closed tab and reach everyone afterwards', async ({ people, server }) => {
  const doc = docName('offline');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Shared before the outage.');
  await expect(bob.editor).toContainText('Shared before the outage.');

  await server.stop();
  for (const u of [alice, bob]) {
    await expect(u.status).toHaveAttribute('data-status', 'offline');
    await expect(u.status).toHaveText('Offline — edits saved on this device');
  }

  // Both keep typing while offline.
  await caretToEnd(alice);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('Alice typed this offline.');
  await caretToEnd(bob);
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('Bob typed this offline.');
  await expect(alice.editor).toContainText('Alice typed this offline.');
  await expect(bob.editor).not.toContainText('Alice typed this offline.');

  // Alice closes her tab before the server is back; only her IndexedDB copy has her text now.
  await flushOfflineCopy(alice, server.wsUrl, doc);
  await alice.page.close();

  await server.start();
  await expect(bob.status).toHaveAttribute('data-status', 'connected');

  await alice.reopen();
  await expect(alice.editor).toContainText('Alice typed this offline.');
  await expect(alice.status).toHaveAttribute('data-status', 'connected');

  for (const u of [alice, bob]) {
    await expect(u.editor).toContainText('Shared before the outage.');
    await expect(u.editor).toContainText('Alice typed this offline.');
    await expect(u.editor).toContainText('Bob typed this offline.');
  }
});

test('a document opened while the server is unreachable says offline (not an endless "connecting") and syncs later', async ({ people, server }) => {
  const dana = await people.open('Dana Park', docName('home'));
  await expect(dana.status).toHaveAttribute('data-status', 'connected');
  await server.stop();
  // The app is already loaded, so it can still route: home, then a brand-new document.
  await dana.page.getByRole('link', { name: 'All documents' }).click();
  await dana.page.getByRole('button', { name: 'New document' }).click();
  await expect(dana.page).toHaveURL(/\/d\/[a-z]+-[a-z]+-\d+/);
  await expect(dana.status).toHaveAttribute('data-status', 'offline');
  await dana.editor.click();
  await dana.page.keyboard.type('Written while the server was away.');

  await server.start();
  await expect(dana.status).toHaveAttribute('data-status', 'connected');
  const doc = decodeURIComponent(new URL(dana.page.url()).pathname.slice('/d/'.length));
  const eve = await people.open('Eve Laurent', doc);
  await expect(eve.editor).toContainText('Written while the server was away.');
});
