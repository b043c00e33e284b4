// Find and replace (issue 26): Ctrl+F and Ctrl+H, matches as decorations that follow everyone's
// edits, Replace all as one undo step, and a search that never reaches the server.
import type { Page, WebSocket as PageSocket } from '@playwright/test';
import { caretToEnd, docName, documentText, expect, test, withServer, type User } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const findBox = (user: User) => user.page.getByRole('search', { name: 'Find and replace' });
const findInput = (user: User) => findBox(user).getByRole('textbox', { name: 'Find', exact: true });
const count = (user: User) => findBox(user).locator('.tandem-find__count');
/** The highlighted matches' texts, in document order. */
const highlighted = (user: User) => user.editor.locator('.tandem-find-match').allTextContents();

async function write(user: User, text: string) {
  await caretToEnd(user);
  await user.page.keyboard.type(text);
  await expect(user.status).toHaveText('All changes saved');
}

test('Ctrl+F counts the matches and Enter, Shift+Enter and the buttons step through them; Match case narrows', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('find'));
  await write(alice, 'An apple a day. Apple pie, apple juice; pineapple.');

  await alice.page.keyboard.press('Control+f');
  await expect(findInput(alice)).toBeFocused();
  await alice.page.keyboard.type('apple');
  // The caret was at the end, after every match: the search wraps to the first.
  await expect(count(alice)).toHaveText('1 of 4');
  expect(await highlighted(alice)).toEqual(['apple', 'Apple', 'apple', 'apple']);
  await expect(alice.editor.locator('.tandem-find-match--current')).toHaveText('apple');

  await alice.page.keyboard.press('Enter');
  await expect(count(alice)).toHaveText('2 of 4');
  await expect(alice.editor.locator('.tandem-find-match--current')).toHaveText('Apple');
  await alice.page.keyboard.press('Shift+Enter');
  await alice.page.keyboard.press('Shift+Enter');
  await expect(count(alice)).toHaveText('4 of 4');
  await findBox(alice).getByRole('button', { name: 'Next match' }).click();
  await expect(count(alice)).toHaveText('1 of 4');
  await findBox(alice).getByRole('button', { name: 'Previous match' }).click();
  await expect(count(alice)).toHaveText('4 of 4');

  await findBox(alice).getByRole('checkbox', { name: 'Match case' }).check();
  await expect(count(alice)).toHaveText('1 of 3');
  expect(await highlighted(alice)).toEqual(['apple', 'apple', 'apple']);
  await findInput(alice).fill('pear');
  await expect(count(alice)).toHaveText('No results');
  await expect(alice.editor.locator('.tandem-find-match')).toHaveCount(0);

  // Escape closes the box, clears the highlights and gives the text its focus back.
  await findInput(alice).fill('day');
  await expect(count(alice)).toHaveText('1 of 1');
  await alice.page.keyboard.press('Escape');
  await expect(findBox(alice)).toHaveCount(0);
  await expect(alice.editor).toBeFocused();
  await expect(alice.editor.locator('.tandem-find-match')).toHaveCount(0);
});

test('the highlights follow another person’s edits: text inserted before the matches shifts them, a new match joins', async ({ people }) => {
  const doc = docName('find-remote');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await write(alice, 'one cat, two cats and a dog');
  await expect(bob.editor).toContainText('one cat, two cats and a dog');

  await alice.page.keyboard.press('Control+f');
  await alice.page.keyboard.type('cat');
  await expect(count(alice)).toHaveText('1 of 2');

  // Bob types at the very start: every match moves right by what he typed.
  await bob.editor.focus();
  await bob.page.keyboard.press('Control+Home');
  await bob.page.keyboard.type('A catalogue: ');
  await expect.poll(() => documentText(alice)).toContain('A catalogue: one cat');
  await expect(count(alice)).toHaveText(/ of 3$/);
  // Each highlight covers exactly the word, not the text that was before it.
  expect(await highlighted(alice)).toEqual(['cat', 'cat', 'cat']);
  const context = await alice.editor.locator('.tandem-find-match').evaluateAll((els) => els.map((el) => `${el.previousSibling?.textContent?.slice(-4) ?? ''}[${el.textContent}]`));
  expect(context).toEqual(['A [cat]', 'one [cat]', 'two [cat]']);

  // Bob deletes a match: it is gone from Alice's count.
  await bob.page.keyboard.press('Control+End');
  for (let i = 0; i < ' and a dog'.length + 'cats'.length; i++) await bob.page.keyboard.press('Backspace');
  await expect(alice.editor).not.toContainText('dog');
  await expect(count(alice)).toHaveText(/ of 2$/);
});

test('Replace changes the current match; Replace all changes every one in one step that one Undo takes back', async ({ people }) => {
  const doc = docName('replace');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  const original = 'Tea at noon. More tea later, and tea again. Steam rises.';
  await write(alice, original);

  // The toolbar's button opens the replace box.
  await alice.page.getByRole('button', { name: 'Find and replace', exact: true }).click();
  await expect(findInput(alice)).toBeFocused();
  await alice.page.keyboard.type('tea');
  await expect(count(alice)).toHaveText('1 of 4');
  const replaceWith = findBox(alice).getByRole('textbox', { name: 'Replace with' });
  await replaceWith.fill('coffee');
  await findBox(alice).getByRole('button', { name: 'Replace', exact: true }).click();
  await expect(alice.editor).toContainText('coffee at noon. More tea later');
  await expect(count(alice)).toHaveText('1 of 3');

  await findBox(alice).getByRole('button', { name: 'Replace all', exact: true }).click();
  const replaced = 'coffee at noon. More coffee later, and coffee again. Scoffeem rises.';
  await expect.poll(() => documentText(alice)).toBe(replaced);
  await expect.poll(() => documentText(bob)).toBe(replaced);
  await expect(count(alice)).toHaveText('No results');

  // One Undo takes back all three replacements (and only those).
  await alice.page.keyboard.press('Escape');
  await expect(alice.editor).toBeFocused();
  await alice.page.keyboard.press('Control+z');
  const afterOne = 'coffee at noon. More tea later, and tea again. Steam rises.';
  await expect.poll(() => documentText(alice)).toBe(afterOne);
  await expect.poll(() => documentText(bob)).toBe(afterOne);
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => documentText(alice)).toBe(original);
});

/** Frames a page sends on its document's WebSocket, decoded to their y-protocols message type. */
function recordFrames(page: Page) {
  const frames: { type: number; cursor?: string }[] = [];
  page.on('websocket', (ws: PageSocket) => {
    ws.on('framesent', ({ payload }) => {
      const bytes = typeof payload === 'string' ? Buffer.from(payload) : payload;
      frames.push(decodeFrame(bytes));
    });
  });
  return frames;
}

/** lib0 encoding: unsigned varints, length-prefixed strings. Enough to read an awareness frame. */
function decodeFrame(bytes: Buffer): { type: number; cursor?: string } {
  let at = 0;
  const varUint = () => {
    let n = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++]!;
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
    }
  };
  const type = varUint();
  if (type !== 1) return { type };
  varUint(); // the awareness update's length
  varUint(); // states in it (the page only ever sends its own)
  varUint(); // client ID
  varUint(); // clock
  const length = varUint();
  const state = JSON.parse(bytes.subarray(at, at + length).toString('utf8')) as { cursor?: unknown } | null;
  return { type, cursor: JSON.stringify(state?.cursor ?? null) };
}

test('searching sends nothing to the server: no document update, and the selection others see does not move', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('find-quiet'));
  const frames = recordFrames(alice.page);
  await alice.page.reload(); // so that the recorder sees the socket from its start
  await expect(alice.status).toHaveAttribute('data-status', 'connected');
  await write(alice, 'alpha beta alpha gamma');
  const selection = () => alice.editor.evaluate((el) => {
    const { anchor, head } = (el as HTMLElement & { editor: { state: { selection: { anchor: number; head: number } } } }).editor.state.selection;
    return `${anchor}-${head}`;
  });
  const before = await selection();
  // The cursor others last saw: the last awareness frame sent.
  await expect.poll(() => frames.filter((f) => f.type === 1).length).toBeGreaterThan(0);
  const seen = frames.filter((f) => f.type === 1).at(-1)!.cursor;
  const start = frames.length;

  await alice.page.keyboard.press('Control+f');
  await alice.page.keyboard.type('alpha');
  await expect(count(alice)).toHaveText('1 of 2');
  await alice.page.keyboard.press('Enter');
  await expect(count(alice)).toHaveText('2 of 2');
  await findBox(alice).getByRole('checkbox', { name: 'Match case' }).check();
  await findInput(alice).fill('beta');
  await expect(count(alice)).toHaveText('1 of 1');
  await alice.page.keyboard.press('Escape');
  await expect(alice.editor).toBeFocused();
  expect(await selection()).toBe(before);

  // A keystroke marks the end: whatever searching sent went out before its update.
  await alice.page.keyboard.type('!');
  await expect.poll(() => frames.slice(start).some((f) => f.type === 0)).toBe(true);
  const during = frames.slice(start, start + frames.slice(start).findIndex((f) => f.type === 0));
  // No document update, and any awareness frame (the 15 s renewal) names the same cursor.
  expect(during.filter((f) => f.type !== 1)).toEqual([]);
  for (const f of during) expect(f.cursor).toBe(seen);
});

const SECRET = 'e2e-secret-not-for-production-0123456789';
const authed = withServer({ AUTH_SECRET: SECRET });

authed('a reader can find but not replace', async ({ people }) => {
  const doc = docName('find-read');
  const writer = await people.open('Wendy Writer', doc, { token: signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) }) });
  const reader = await people.open('Ray Reader', doc, { token: signToken(SECRET, { doc, mode: 'read', exp: inSeconds(600) }) });
  await write(writer, 'Read the fine print, then read it again.');
  await expect(reader.editor).toContainText('read it again');

  await reader.editor.click();
  await reader.page.keyboard.press('Control+h');
  await expect(findInput(reader)).toBeFocused();
  await reader.page.keyboard.type('read');
  await expect(count(reader)).toHaveText('1 of 2');
  await expect(findBox(reader).getByRole('textbox', { name: 'Replace with' })).toBeDisabled();
  await expect(findBox(reader).getByRole('button', { name: 'Replace all', exact: true })).toBeDisabled();
});
