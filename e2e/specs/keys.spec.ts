// The keys a word processor catches (issue 29, items 1 and 6). Root causes: Tab had no binding
// outside lists and tables, so the browser moved focus out of the document and the words typed
// next went nowhere; Ctrl+S reached the browser (its Save dialog); Ctrl+\ had no binding;
// underline, alignment and indentation had no button (and the last two no place in the schema).
import { caretToEnd, docName, expect, test, type User } from '../support/fixtures';

const button = (user: User, name: string) => user.page.getByRole('button', { name, exact: true });
/** Text without peers' caret labels (they sit inside the text). */
const plain = (l: ReturnType<User['page']['locator']>) =>
  l.evaluateAll((els) => els.map((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const c of copy.querySelectorAll('.collaboration-carets__caret')) c.remove();
    return copy.textContent;
  }));
const inEditor = (user: User) => user.page.evaluate(() => document.activeElement?.closest('.ProseMirror') !== null);

test('Tab never leaves the document: paragraphs indent (for the other person too), lists nest, tables move; Escape then Tab leaves', async ({ people }) => {
  const doc = docName('tab');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Intro');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.type(' kept');
  expect(await inEditor(alice)).toBe(true);
  const para = (u: User) => u.editor.locator('p', { hasText: 'Intro kept' });
  await expect(para(alice)).toHaveAttribute('data-indent', '1');
  await expect(para(bob)).toHaveAttribute('data-indent', '1');
  await alice.page.keyboard.press('Tab');
  await expect(para(bob)).toHaveAttribute('data-indent', '2');
  await alice.page.keyboard.press('Shift+Tab');
  await alice.page.keyboard.press('Shift+Tab');
  await expect(para(bob)).not.toHaveAttribute('data-indent');
  await alice.page.keyboard.press('Shift+Tab'); // nothing left to undo: still in the document
  expect(await inEditor(alice)).toBe(true);

  // A list: the second item nests; the first cannot, and Tab still stays.
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Control+Shift+8');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.type('one');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.type('two');
  await expect.poll(() => plain(bob.editor.locator('ul > li ul > li'))).toEqual(['two']);
  await expect.poll(() => plain(bob.editor.locator('ul > li > p').first())).toEqual(['one']);

  // Escape, then Tab: focus moves on, out of the document, and typing reaches it no more.
  await alice.page.keyboard.press('Escape');
  await alice.page.keyboard.press('Tab');
  expect(await inEditor(alice)).toBe(false);
  // Back in, Tab is the document's again.
  await caretToEnd(alice);
  // Out of the nested list: each Enter on an empty item lifts it one level.
  for (let i = 0; i < 3; i++) await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('Last');
  await alice.page.keyboard.press('Tab');
  expect(await inEditor(alice)).toBe(true);
  await expect(bob.editor.locator(':scope > p', { hasText: 'Last' })).toHaveAttribute('data-indent', '1');

  // A table: Tab goes to the next cell.
  await alice.page.keyboard.press('Enter');
  await button(alice, 'Insert table').click();
  await alice.page.keyboard.type('A');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.type('B');
  await expect.poll(() => plain(bob.editor.locator('th'))).toEqual(['A', 'B', '']);
});

test('Ctrl+S says where the edits are, Ctrl+\\ clears formatting, underline and alignment reach the other person', async ({ people }) => {
  const doc = docName('basics');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Title line');
  await expect(alice.status).toHaveText('All changes saved');

  // The browser's Save must never open: the key is taken (its default prevented) in the document and in the toolbar.
  await alice.page.evaluate(() => {
    (window as unknown as { saves: boolean[] }).saves = [];
    window.addEventListener('keydown', (e) => e.key === 's' && (window as unknown as { saves: boolean[] }).saves.push(e.defaultPrevented));
  });
  await alice.page.keyboard.press('Control+s');
  const toast = alice.page.locator('[data-notice="saved"]');
  await expect(toast).toHaveText(/All changes saved/);
  await alice.page.getByRole('button', { name: 'Dismiss' }).click();
  await button(alice, 'Bold').focus();
  await alice.page.keyboard.press('Control+s');
  await expect(toast).toHaveText(/All changes saved/);
  expect(await alice.page.evaluate(() => (window as unknown as { saves: boolean[] }).saves)).toEqual([true, true]);

  // Underline from the toolbar, centred, then Ctrl+\ takes the underline (and bold) off again.
  await caretToEnd(alice);
  await alice.page.keyboard.press('Shift+Home');
  await button(alice, 'Underline').click();
  await expect(button(alice, 'Underline')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.press('Control+b');
  await button(alice, 'Align centre').click();
  await expect(button(alice, 'Align centre')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => plain(bob.editor.locator('p u strong, p strong u'))).toEqual(['Title line']);
  await expect(bob.editor.locator('p', { hasText: 'Title line' })).toHaveCSS('text-align', 'center');
  await alice.page.keyboard.press('Control+\\');
  await expect(bob.editor.locator('u, strong')).toHaveCount(0);
  await expect(bob.editor.locator('p', { hasText: 'Title line' })).toHaveCSS('text-align', 'center');
  await button(alice, 'Justify').click();
  await expect(bob.editor.locator('p', { hasText: 'Title line' })).toHaveCSS('text-align', 'justify');

  // Listed in Ctrl+/.
  await alice.page.keyboard.press('Control+/');
  const dialog = alice.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  for (const what of ['Underline', 'Clear formatting', 'Link', 'Align centre', 'Increase indent']) await expect(dialog.getByRole('rowheader', { name: what, exact: true })).toHaveCount(1);
});

test('Enter at the bottom of the window keeps the caret in view', async ({ people }) => {
  // ProseMirror's scroll to the selection runs in the next frame (ui/deferredScroll.ts): it must
  // still run. Enter is ProseMirror's own key, so the browser's native scroll on typing does not
  // bring the caret back into view: only ProseMirror's does.
  const alice = await people.open('Alice Martin', docName('scroll'));
  await alice.editor.click();
  for (let i = 0; i < 60; i++) await alice.page.keyboard.press('Enter');
  // The caret's line: the empty paragraph the selection is in (nothing typed, as typing scrolls natively).
  const caretInView = () =>
    alice.page.evaluate(() => {
      const node = getSelection()!.anchorNode!;
      const r = (node instanceof Element ? node : node.parentElement!).getBoundingClientRect();
      return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
    });
  await expect.poll(caretInView).toBe(true);
});

test('a key pressed right after the browser moved the cursor acts where the cursor is now', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('key-selection'));
  await alice.editor.click();
  await alice.page.keyboard.type('Hello');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.type('world');
  await alice.page.keyboard.press('Home');
  // Tiptap puts the editor on its element (the functions below run in the page)
  type Editor = HTMLElement & { editor: { state: { selection: { head: number }; doc: { textContent: string; childCount: number } } } };
  await expect.poll(() => alice.editor.evaluate((el) => (el as Editor).editor.state.selection.head)).toBe(8); // the start of "world"
  // The browser moves the cursor to the end of "world" (as End does) and Backspace comes in the
  // same task, before the browser's `selectionchange` (as a quick End, Backspace may): it must act
  // at the end of "world", not join "world" to "Hello" from where the cursor was.
  const after = await alice.editor.evaluate((el) => {
    const text = el.querySelectorAll('p')[1]!.firstChild!;
    el.ownerDocument.getSelection()!.collapse(text, text.textContent!.length);
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Backspace', code: 'Backspace', keyCode: 8, bubbles: true, cancelable: true }));
    const { state } = (el as Editor).editor;
    return { head: state.selection.head, paragraphs: state.doc.childCount, text: state.doc.textContent };
  });
  expect(after).toEqual({ head: 13, paragraphs: 2, text: 'Helloworld' });
});
