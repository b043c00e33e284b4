// "All changes saved" must mean on the server's disk (DESIGN.md, "Contract — saved
// acknowledgement"): the status says it only once, for every client ID in the page's document,
// the server has acknowledged a durable clock at least as high. If it said so a moment early, a
// kill -9 right then would lose the text. Loop 20 times with random sizes, and include edits made
// offline and restored from the browser's copy in a new tab (they carry an older client ID).
import type { Page } from '@playwright/test';
import { caretToEnd, docName, expect, flushOfflineCopy, test, type User } from '../support/fixtures';
import { serverDocXml } from '../support/serverDoc';

/** Words of random letters, about `size` characters: nothing that XML would escape. */
function randomText(size: number, tag: string): string {
  let s = `${tag} `;
  while (s.length < size) s += `${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 8)} `;
  return s.trim();
}

/** Resolves the first frame in which the page shows `text` and says "All changes saved". */
async function savedWith(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => {
      const status = document.querySelector('[role="status"]');
      const editor = document.querySelector('.ProseMirror');
      return status?.getAttribute('data-saved') === 'saved' && status.textContent === 'All changes saved' && (editor?.textContent ?? '').includes(t);
    },
    text,
    { polling: 'raf', timeout: 15_000 },
  );
}

async function typeAtEnd(user: User, text: string): Promise<void> {
  await caretToEnd(user);
  await user.page.keyboard.press('Enter');
  await user.page.keyboard.insertText(text);
}

test('"All changes saved" survives kill -9, 20 times, including offline edits restored in a new tab', async ({ people, server }) => {
  test.setTimeout(180_000);
  const doc = docName('saved');
  const alice = await people.open('Alice Martin', doc);
  await expect(alice.status).toHaveText('All changes saved');
  await expect(alice.status).toHaveAttribute('data-saved', 'saved');

  for (let round = 0; round < 20; round++) {
    const text = randomText(1 + Math.floor(Math.random() * 3000), `round${round}`);
    if (round % 5 === 4) {
      // Offline, then the tab is closed: only the IndexedDB copy has the text, under this
      // tab's client ID; the new tab restores it under its own, newer one.
      await server.kill();
      await expect(alice.status).toHaveAttribute('data-status', 'offline');
      await typeAtEnd(alice, text);
      await expect(alice.status).toHaveAttribute('data-saved', 'local');
      await expect(alice.status).toHaveText('Offline — edits saved on this device');
      await flushOfflineCopy(alice, server.wsUrl, doc);
      await alice.page.close();
      await server.start();
      await alice.reopen();
    } else {
      await typeAtEnd(alice, text);
    }
    await savedWith(alice.page, text);
    await server.kill();
    await server.start();
    expect(await serverDocXml(server.wsUrl, doc), `round ${round}: ${text.length} characters`).toContain(text);
  }
});
