// Comments (issue 24; DESIGN.md, "Contract — review: comments"): threads on the text, in the
// document's own Y.Doc, shown beside the page level with their text. What people see: the
// anchored text marked `data-comment-thread`, each thread a `data-thread` element with Resolve,
// live for everyone; a thread whose text is deleted stays, detached, and comes back with undo.
import type { Page } from '@playwright/test';
import { seriousViolations } from '../support/axe';
import { caretToEnd, docName, expect, test, withServer, type User } from '../support/fixtures';
import { inSeconds, signToken, type Claims } from '../support/tokens';

/** Selects the first occurrence of `text` in the document as a person dragging over it would. */
async function selectText(page: Page, text: string): Promise<void> {
  await page.locator('.ProseMirror').evaluate((root, wanted) => {
    (root as HTMLElement).focus();
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent?.indexOf(wanted) ?? -1;
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + wanted.length);
      const selection = getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      return;
    }
    throw new Error(`no text "${wanted}"`);
  }, text);
}

/** Select → Comment (the button, or Ctrl+Alt+M) → write → Submit; returns the new thread's id. */
async function comment(user: User, text: string, body: string, via: 'button' | 'keys' = 'button'): Promise<string> {
  const before = await user.page.locator('[data-thread]').evaluateAll((els) => els.map((e) => e.getAttribute('data-thread')));
  await selectText(user.page, text);
  if (via === 'keys') await user.page.keyboard.press('Control+Alt+m');
  else await user.page.getByRole('button', { name: 'Comment', exact: true }).click();
  await user.page.getByRole('textbox', { name: 'New comment' }).fill(body);
  await user.page.getByRole('button', { name: 'Submit' }).click();
  const thread = user.page.locator('[data-thread]', { hasText: body });
  await expect(thread).toHaveCount(1);
  const id = await thread.getAttribute('data-thread');
  expect(before).not.toContain(id);
  return id!;
}

async function typeText(user: User, text: string): Promise<void> {
  await user.editor.click();
  await user.page.keyboard.type(text);
  await expect(user.status).toHaveAttribute('data-saved', 'saved');
}

test('two people: comment, reply, resolve (the other sees it fold), show resolved, delete own', async ({ people }) => {
  const doc = docName('comments');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Builder', doc);
  await typeText(alice, 'Why this sentence? The rest is fine.');
  await expect(bob.editor).toContainText('The rest is fine.');

  const id = await comment(alice, 'this sentence', 'Is this needed?');
  // Both see the anchored text and the thread, with the author unverified (no identity here).
  for (const user of [alice, bob]) {
    await expect(user.page.locator(`[data-comment-thread="${id}"]`)).toHaveText('this sentence');
    const card = user.page.locator(`[data-thread="${id}"]`);
    await expect(card).toContainText('Is this needed?');
    await expect(card).toContainText('Alice Martin (unverified)');
    await expect(card.getByRole('button', { name: 'Resolve' })).toBeVisible();
  }
  expect(await seriousViolations(alice.page)).toEqual([]);
  // Bob may not edit Alice's words; he replies.
  const bobCard = bob.page.locator(`[data-thread="${id}"]`);
  await expect(bobCard.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await bobCard.getByRole('button', { name: /^Show the text/ }).click();
  await expect(bob.page.locator('.comment-anchor--active')).toHaveText('this sentence');
  await bobCard.getByRole('textbox', { name: 'Reply' }).fill('Yes, <b>it is</b>.');
  await bobCard.getByRole('button', { name: 'Reply', exact: true }).click();
  const aliceCard = alice.page.locator(`[data-thread="${id}"]`);
  // Markup in a body is text, never HTML.
  await expect(aliceCard).toContainText('Yes, <b>it is</b>.');
  await expect(aliceCard.locator('b')).toHaveCount(0);

  // Bob edits, then deletes his own reply; Alice sees both.
  await bobCard.getByRole('button', { name: 'Edit' }).click();
  await bobCard.getByRole('textbox', { name: 'Edit comment' }).fill('Yes, it is.');
  await bobCard.getByRole('button', { name: 'Save' }).click();
  await expect(aliceCard).toContainText('Yes, it is.');
  await expect(aliceCard).toContainText('(edited)');
  await bobCard.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(aliceCard).not.toContainText('Yes, it is.');
  await expect(aliceCard.locator('[data-comment]')).toHaveCount(1);

  // Clicking the text highlights its thread.
  await alice.page.locator(`[data-comment-thread="${id}"]`).click();
  await expect(aliceCard).toHaveClass(/tandem-thread--active/);

  // Alice resolves: the thread folds away for both; "Show resolved" brings it back with Reopen.
  await aliceCard.getByRole('button', { name: 'Resolve' }).click();
  await expect(bob.page.locator(`[data-thread="${id}"]`)).toHaveCount(0);
  await expect(alice.page.locator(`[data-thread="${id}"]`)).toHaveCount(0);
  await bob.page.getByRole('checkbox', { name: /Show resolved/ }).check();
  await expect(bobCard).toContainText('Resolved by Alice Martin');
  await bobCard.getByRole('button', { name: 'Reopen' }).click();
  await expect(alice.page.locator(`[data-thread="${id}"]`)).toBeVisible();
});

test('a thread whose text is deleted shows detached, and comes back to its text with undo', async ({ people }) => {
  const doc = docName('detached');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Builder', doc);
  await typeText(alice, 'Keep this. Remove me');
  const id = await comment(alice, 'Remove me', 'Should go?');
  await expect(bob.page.locator(`[data-comment-thread="${id}"]`)).toHaveText('Remove me');

  // The anchored text selected whole (a DOM range, not arrow keys that a busy page may drop), in
  // the focused editor, then deleted: the deletion is seen before the threads are looked at.
  await alice.page.locator('.ProseMirror').focus();
  await selectText(alice.page, 'Remove me');
  await alice.page.keyboard.press('Backspace');
  await expect(alice.page.locator('.ProseMirror')).not.toContainText('Remove me');
  for (const user of [alice, bob]) {
    const card = user.page.locator(`[data-thread="${id}"]`);
    await expect(card).toContainText('The text was deleted');
    await expect(card).toHaveAttribute('data-detached', 'true');
    await expect(user.page.locator(`[data-comment-thread="${id}"]`)).toHaveCount(0);
  }

  await alice.page.keyboard.press('Control+z');
  for (const user of [alice, bob]) {
    // Contain: a peer's caret label may sit inside the restored text.
    await expect(user.page.locator(`[data-comment-thread="${id}"]`)).toContainText('Remove me');
    await expect(user.page.locator(`[data-thread="${id}"]`)).not.toContainText('The text was deleted');
  }

  // Pasted elsewhere, the text comes without the anchor.
  await selectText(alice.page, 'Remove me');
  await alice.page.keyboard.press('Control+c');
  await caretToEnd(alice);
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Control+v');
  await expect(alice.editor).toContainText(/Remove me\s*Remove me/);
  await expect(alice.page.locator(`[data-comment-thread="${id}"]`)).toHaveCount(1);
});

test('on a narrow screen the threads are in a drawer, opened with a button (and Ctrl+Alt+M comments)', async ({ people }) => {
  const doc = docName('drawer');
  const alice = await people.open('Alice Martin', doc);
  await alice.page.setViewportSize({ width: 600, height: 800 });
  await typeText(alice, 'Small screens need comments too.');
  const id = await comment(alice, 'Small screens', 'Phones?', 'keys');
  const drawer = alice.page.getByRole('complementary', { name: 'Comments' });
  await expect(drawer.locator(`[data-thread="${id}"]`)).toBeVisible();
  await drawer.getByRole('button', { name: 'Close' }).click();
  await expect(drawer).toHaveCount(0);
  const toggle = alice.page.getByRole('button', { name: 'Comments (1)' });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await toggle.click();
  await expect(drawer.locator(`[data-thread="${id}"]`)).toContainText('Phones?');
});

const SECRET = 'e2e-comments-secret-0123456789abcdef';
const withAuth = withServer({ AUTH_SECRET: SECRET });

withAuth('a commenter can comment (verified, by their token) and changes the text only by suggesting', async ({ people }) => {
  const doc = docName('commenter');
  const writer: Claims & { sub: string } = { doc, mode: 'write', exp: inSeconds(600), name: 'Olivia Owner', sub: 'olivia' };
  const commenter: Claims & { sub: string } = { doc, mode: 'comment', exp: inSeconds(600), name: 'Carla Critic', sub: 'carla' };
  const owner = await people.open('Olivia Owner', doc, { token: signToken(SECRET, writer) });
  await typeText(owner, 'Please review this paragraph.');
  const carla = await people.open('Carla Critic', doc, { token: signToken(SECRET, commenter) });
  await expect(carla.page.locator('[data-access="comment"]')).toBeVisible();
  // Suggesting mode (suggestions.spec.ts): what a commenter types is a suggestion.
  await expect(carla.editor).toHaveAttribute('contenteditable', 'true');

  const id = await comment(carla, 'this paragraph', 'Shorter, please.');
  const card = owner.page.locator(`[data-thread="${id}"]`);
  await expect(card).toContainText('Shorter, please.');
  await expect(card).toContainText('Carla Critic');
  await expect(card).not.toContainText('(unverified)');
  await expect(owner.page.locator(`[data-comment-thread="${id}"]`)).toHaveText('this paragraph');
  // Carla resolves; she may not delete the thread (writers only).
  const hers = carla.page.locator(`[data-thread="${id}"]`);
  await expect(hers.getByRole('button', { name: 'Delete thread' })).toHaveCount(0);
  await hers.getByRole('button', { name: 'Resolve' }).click();
  await expect(card).toHaveCount(0);

  // Typing is a suggestion, never a change of the text itself, and the connection stays open.
  await carla.editor.click();
  await carla.page.keyboard.type('Sneaky edit');
  await carla.page.keyboard.press('Control+Alt+m'); // nothing selected: no composer
  await expect(carla.page.getByRole('textbox', { name: 'New comment' })).toHaveCount(0);
  await expect(owner.page.locator('ins[data-suggestion][data-author="Carla Critic"]')).toContainText('Sneaky');
  await expect(carla.status).toHaveAttribute('data-status', 'connected');
  await expect(carla.page.getByRole('alert')).toHaveCount(0);
  // Viewing: typing goes nowhere.
  await carla.page.getByRole('group', { name: 'Mode' }).getByRole('button', { name: 'Viewing' }).click();
  await expect(carla.editor).toHaveAttribute('contenteditable', 'false');
  await carla.editor.click();
  await carla.page.keyboard.type('Other edit');
  await expect(carla.editor).not.toContainText('Other edit');
  await expect(owner.editor).not.toContainText('Other edit');
});
