// Suggesting mode (DESIGN.md, "Contract — review: suggestions"): a mode switch beside the toolbar
// (Editing, Suggesting, Viewing; `comment` access has Suggesting and Viewing), what a person types
// or deletes in Suggesting shown to everyone as `<ins>`/`<del>` with `data-suggestion` and
// `data-author`, one card per suggestion with Accept and Reject for writers, Accept all.
// A commenter's suggestions are checked by the server (an update it does not allow closes the
// connection with 1008): the editor must only ever send what the rule allows.
import { docName, documentText, expect, withServer, type User } from '../support/fixtures';
import { inSeconds, signToken, type Claims } from '../support/tokens';

const SECRET = 'e2e-suggestions-secret-0123456789abcdef';
const test = withServer({ AUTH_SECRET: SECRET });

/** A token naming its person (`sub`): their suggestions carry that identity. */
function tokenFor(doc: string, mode: Claims['mode'], name: string): string {
  return signToken(SECRET, { doc, mode, exp: inSeconds(600), name, sub: `user:${name.toLowerCase().replace(/\W+/g, '-')}` } as Claims);
}

function modeButton(user: User, name: 'Editing' | 'Suggesting' | 'Viewing') {
  return user.page.getByRole('group', { name: 'Mode' }).getByRole('button', { name, exact: true });
}

async function suggesting(user: User): Promise<void> {
  await modeButton(user, 'Suggesting').click();
  await expect(modeButton(user, 'Suggesting')).toHaveAttribute('aria-pressed', 'true');
}

/** Puts the caret right after the first occurrence of `text` (by the editor's own positions). */
async function caretAfter(user: User, text: string): Promise<void> {
  await user.editor.focus();
  await user.editor.evaluate((el, t) => {
    const editor = (el as HTMLElement & { editor: { state: { doc: { descendants(f: (n: { isText: boolean; text?: string }, pos: number) => boolean | void): void } }; commands: { setTextSelection(pos: number): boolean } } }).editor;
    let at = -1;
    editor.state.doc.descendants((node, pos) => {
      if (at < 0 && node.isText && node.text!.includes(t)) at = pos + node.text!.indexOf(t) + t.length;
    });
    if (at < 0) throw new Error(`no ${t}`);
    editor.commands.setTextSelection(at);
  }, text);
}

/** The text of every element `locator` matches, joined, without peers' caret labels (they sit inside marks). */
function textOf(locator: ReturnType<User['page']['locator']>): Promise<string> {
  return locator.evaluateAll((els) =>
    els
      .map((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
        return copy.textContent ?? '';
      })
      .join(''),
  );
}

async function writeAndSave(user: User, text: string): Promise<void> {
  await user.editor.click();
  await user.page.keyboard.type(text);
  await expect(user.status).toHaveAttribute('data-saved', 'saved');
}

test('a writer suggests: the other browser sees <ins> and <del> by its author, consecutive typing is one card, deleting it removes it', async ({ people }) => {
  const doc = docName('suggest');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  const bob = await people.open('Bob Stone', doc, { token: tokenFor(doc, 'write', 'Bob Stone') });
  await expect(modeButton(alice, 'Editing')).toHaveAttribute('aria-pressed', 'true');
  await writeAndSave(alice, 'Hello world');
  await expect.poll(() => documentText(bob)).toBe('Hello world');
  await suggesting(alice);

  await caretAfter(alice, 'world');
  await alice.page.keyboard.type(' again');
  const inserted = bob.page.locator('.ProseMirror ins[data-suggestion][data-author="Alice Martin"]');
  await expect.poll(() => textOf(inserted)).toBe(' again');
  const cards = alice.page.locator('[data-suggestion-card]');
  await expect(cards).toHaveCount(1);
  await expect(cards.first()).toContainText('Add “again”');
  await expect(cards.first()).toContainText('Alice Martin');
  const id = await inserted.getAttribute('data-suggestion');
  await expect(bob.page.locator(`[data-suggestion-card="${id}"]`)).toContainText('Add “again”');

  // Backspace in one's own suggestion deletes for real.
  await alice.page.keyboard.press('Backspace');
  await alice.page.keyboard.press('Backspace');
  await alice.page.keyboard.press('Backspace');
  await expect.poll(() => textOf(inserted)).toBe(' ag');
  await expect(bob.page.locator('.ProseMirror del')).toHaveCount(0);

  // Deleting accepted text keeps it, marked.
  await caretAfter(alice, 'Hello');
  for (let i = 0; i < 5; i++) await alice.page.keyboard.press('Backspace');
  const deleted = bob.page.locator('.ProseMirror del[data-suggestion][data-author="Alice Martin"]');
  await expect.poll(() => textOf(deleted)).toBe('Hello');
  await expect(cards).toHaveCount(2);
  await expect(alice.page.locator('[data-suggestion-card]', { hasText: 'Delete “Hello”' })).toHaveCount(1);
  expect(await documentText(bob)).toBe('Hello world ag');

  // Removing all of one's inserted text removes the suggestion.
  await caretAfter(alice, ' ag');
  for (let i = 0; i < 3; i++) await alice.page.keyboard.press('Backspace');
  await expect(inserted).toHaveCount(0);
  await expect(bob.page.locator('[data-suggestion-card]')).toHaveCount(1);
});

test('a commenter suggests an insertion and a deletion; the writer accepts one, rejects one, then accepts all', async ({ people }) => {
  // Needs the server's suggestion rule (s25-server): today's comment rules refuse any text change.
  const doc = docName('review');
  const writer = await people.open('Wanda Writer', doc, { token: tokenFor(doc, 'write', 'Wanda Writer') });
  await writeAndSave(writer, 'The quick brown fox jumps.');
  const carla = await people.open('Carla Critic', doc, { token: tokenFor(doc, 'comment', 'Carla Critic') });
  await expect.poll(() => documentText(carla)).toBe('The quick brown fox jumps.');
  await expect(modeButton(carla, 'Editing')).toHaveCount(0);
  await expect(modeButton(carla, 'Suggesting')).toHaveAttribute('aria-pressed', 'true');
  await expect(carla.editor).toHaveAttribute('contenteditable', 'true');

  await caretAfter(carla, 'quick');
  await carla.page.keyboard.type(' red');
  await caretAfter(carla, 'brown');
  for (let i = 0; i < 5; i++) await carla.page.keyboard.press('Backspace');
  // y-tiptap writes text as a string diff: " red" typed before " brown" is, to Yjs, "red " after
  // the old space, and the suggestion marks what Yjs holds as new.
  await expect.poll(() => textOf(writer.page.locator('ins[data-suggestion][data-author="Carla Critic"]'))).toBe('red ');
  await expect.poll(() => textOf(writer.page.locator('del[data-suggestion][data-author="Carla Critic"]'))).toBe('brown');
  await expect(writer.page.locator('[data-suggestion-card]')).toHaveCount(2);
  // A commenter has no Accept or Reject.
  await expect(carla.page.locator('[data-suggestion-card]')).toHaveCount(2);
  await expect(carla.page.getByRole('button', { name: 'Accept', exact: true })).toHaveCount(0);
  await expect(carla.status).toHaveAttribute('data-status', 'connected');

  // A reply thread on a suggestion: an ordinary thread whose id is the suggestion's.
  const hers = carla.page.locator('[data-suggestion-card]', { hasText: 'Add “red”' });
  await hers.getByRole('button', { name: 'Reply' }).click();
  await hers.getByRole('textbox', { name: 'Reply' }).fill('Red reads better.');
  await hers.getByRole('button', { name: 'Reply' }).click();
  const replied = writer.page.locator('[data-suggestion-card]', { hasText: 'Add “red”' });
  await expect(replied).toContainText('Red reads better.');
  await expect(replied).toContainText('Carla Critic');
  await expect(writer.page.locator('[data-thread]')).toHaveCount(0); // not a comment card of its own
  await expect(carla.status).toHaveAttribute('data-status', 'connected');

  await writer.page.locator('[data-suggestion-card]', { hasText: 'Add “red”' }).getByRole('button', { name: 'Accept' }).click();
  await writer.page.locator('[data-suggestion-card]', { hasText: 'Delete “brown”' }).getByRole('button', { name: 'Reject' }).click();
  for (const user of [writer, carla]) {
    await expect(user.page.locator('.ProseMirror [data-suggestion]')).toHaveCount(0);
    await expect.poll(() => documentText(user)).toBe('The quick red brown fox jumps.');
  }

  // Two more, then Accept all.
  await caretAfter(carla, 'jumps');
  await carla.page.keyboard.type(' high');
  await caretAfter(carla, 'The');
  for (let i = 0; i < 3; i++) await carla.page.keyboard.press('Backspace');
  await expect(writer.page.locator('[data-suggestion-card]')).toHaveCount(2);
  await writer.page.getByRole('button', { name: 'Accept all' }).click();
  for (const user of [writer, carla]) {
    await expect.poll(() => documentText(user)).toBe(' quick red brown fox jumps high.');
    await expect(user.page.locator('[data-suggestion-card]')).toHaveCount(0);
  }
  await expect(carla.status).toHaveAttribute('data-status', 'connected');
});

test("a commenter's Enter, formatting and block paste in Suggesting change nothing, and the connection stays open", async ({ people }) => {
  // Needs the server's suggestion rule (s25-server).
  const doc = docName('enter');
  const writer = await people.open('Wanda Writer', doc, { token: tokenFor(doc, 'write', 'Wanda Writer') });
  await writeAndSave(writer, 'One paragraph.');
  const carla = await people.open('Carla Critic', doc, { token: tokenFor(doc, 'comment', 'Carla Critic') });
  await expect.poll(() => documentText(carla)).toBe('One paragraph.');
  await caretAfter(carla, 'One');
  await carla.page.keyboard.press('Enter');
  await carla.page.keyboard.press('Control+b');
  await carla.page.keyboard.type('X');
  await expect.poll(() => textOf(writer.page.locator('ins[data-suggestion]'))).toBe('X');
  await expect(writer.editor.locator('p')).toHaveCount(1);
  await expect(writer.editor.locator('strong')).toHaveCount(0);
  await expect(carla.editor.locator('p')).toHaveCount(1);
  // Pasted paragraphs go in as one line of suggested text.
  await carla.editor.evaluate((el) => {
    const transfer = new DataTransfer();
    transfer.setData('text/html', '<p>First</p><p>Second</p>');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  });
  await expect.poll(() => textOf(writer.page.locator('ins[data-suggestion][data-author="Carla Critic"]'))).toContain('First Second');
  await expect(writer.editor.locator('p')).toHaveCount(1);
  await expect(carla.status).toHaveAttribute('data-status', 'connected');
  await expect(carla.page.getByRole('alert')).toHaveCount(0);
});

test('concurrent suggestions by two people in one sentence both survive, each with its author', async ({ people }) => {
  const doc = docName('concurrent');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  await writeAndSave(alice, 'Cats sleep all day.');
  const bob = await people.open('Bob Stone', doc, { token: tokenFor(doc, 'write', 'Bob Stone') });
  await expect.poll(() => documentText(bob)).toBe('Cats sleep all day.');
  await suggesting(alice);
  await suggesting(bob);
  await caretAfter(alice, 'Cats');
  await caretAfter(bob, 'all day');
  await Promise.all([alice.page.keyboard.type(' and dogs'), bob.page.keyboard.type(' long')]);
  for (const user of [alice, bob]) {
    await expect.poll(() => textOf(user.page.locator('ins[data-author="Alice Martin"]'))).toBe('and dogs ');
    await expect.poll(() => textOf(user.page.locator('ins[data-author="Bob Stone"]'))).toBe(' long');
    await expect(user.page.locator('[data-suggestion-card]')).toHaveCount(2);
  }
  expect(await documentText(alice)).toBe('Cats and dogs sleep all day long.');
});

test("a writer's formatting and new paragraph are suggestions too, and rejecting puts them back", async ({ people }) => {
  const doc = docName('format');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  const bob = await people.open('Bob Stone', doc, { token: tokenFor(doc, 'write', 'Bob Stone') });
  await writeAndSave(alice, 'Make this bold.');
  await suggesting(alice);
  await alice.editor.focus();
  await alice.editor.evaluate((el) => (el as HTMLElement & { editor: { commands: { setTextSelection(r: { from: number; to: number }): boolean } } }).editor.commands.setTextSelection({ from: 6, to: 10 }));
  await alice.page.keyboard.press('Control+b');
  await expect.poll(() => textOf(bob.page.locator('.ProseMirror [data-suggestion][data-previous]'))).toBe('this');
  await expect.poll(() => textOf(bob.page.locator('.ProseMirror strong'))).toBe('this');
  const format = bob.page.locator('[data-suggestion-card]', { hasText: 'Format: bold' });
  await expect(format).toHaveCount(1);

  await caretAfter(alice, 'Make');
  await alice.page.keyboard.press('Enter');
  await expect(bob.page.locator('.ProseMirror p')).toHaveCount(2);
  await expect(bob.page.locator('.ProseMirror p[data-suggestion-kind="insert"][data-author="Alice Martin"]')).toHaveCount(1);
  const paragraph = bob.page.locator('[data-suggestion-card]', { hasText: 'Add paragraph' });
  await expect(paragraph).toHaveCount(1);

  await paragraph.getByRole('button', { name: 'Reject' }).click();
  await format.getByRole('button', { name: 'Reject' }).click();
  for (const user of [alice, bob]) {
    await expect(user.page.locator('.ProseMirror p')).toHaveCount(1);
    await expect(user.page.locator('.ProseMirror strong')).toHaveCount(0);
    await expect(user.page.locator('.ProseMirror [data-suggestion]')).toHaveCount(0);
    await expect.poll(() => documentText(user)).toBe('Make this bold.');
  }
});

test("a writer's heading in Suggesting is a format suggestion: rejected it is a paragraph again, accepted it stays", async ({ people }) => {
  const doc = docName('heading');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  const bob = await people.open('Bob Stone', doc, { token: tokenFor(doc, 'write', 'Bob Stone') });
  await writeAndSave(alice, 'A plain line');
  await suggesting(alice);
  await caretAfter(alice, 'plain');
  const heading = async () => {
    await alice.page.getByRole('button', { name: 'Heading 1', exact: true }).click();
    await expect.poll(() => textOf(bob.page.locator('.ProseMirror h1[data-suggestion-kind="format"][data-author="Alice Martin"]'))).toBe('A plain line');
  };
  await heading();
  const card = bob.page.locator('[data-suggestion-card]', { hasText: 'Format: heading 1' });
  await card.getByRole('button', { name: 'Reject' }).click();
  for (const user of [alice, bob]) {
    await expect(user.page.locator('.ProseMirror h1')).toHaveCount(0);
    await expect.poll(() => textOf(user.page.locator('.ProseMirror p'))).toBe('A plain line');
    await expect(user.page.locator('.ProseMirror [data-suggestion]')).toHaveCount(0);
  }
  await caretAfter(alice, 'plain');
  await heading();
  await card.getByRole('button', { name: 'Accept' }).click();
  for (const user of [alice, bob]) {
    await expect.poll(() => textOf(user.page.locator('.ProseMirror h1'))).toBe('A plain line');
    await expect(user.page.locator('.ProseMirror [data-suggestion]')).toHaveCount(0);
  }
});

test('undo takes back a suggestion in one step, and an accept', async ({ people }) => {
  const doc = docName('undo');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  await writeAndSave(alice, 'Plain text.');
  await suggesting(alice);
  await caretAfter(alice, 'Plain');
  await alice.page.keyboard.type(' new');
  await expect.poll(() => textOf(alice.page.locator('ins[data-suggestion]'))).toBe('new ');
  await alice.page.keyboard.press('Control+z');
  await expect(alice.page.locator('ins[data-suggestion]')).toHaveCount(0);
  expect(await documentText(alice)).toBe('Plain text.');

  await caretAfter(alice, 'Plain');
  await alice.page.keyboard.type('ly');
  await expect.poll(() => textOf(alice.page.locator('ins[data-suggestion]'))).toBe('ly');
  await alice.page.locator('[data-suggestion-card]').getByRole('button', { name: 'Accept' }).click();
  await expect(alice.page.locator('ins[data-suggestion]')).toHaveCount(0);
  expect(await documentText(alice)).toBe('Plainly text.');
  await alice.editor.focus();
  await alice.page.keyboard.press('Control+z');
  await expect.poll(() => textOf(alice.page.locator('ins[data-suggestion]'))).toBe('ly');
});

test('the mode is remembered for the document after a reload, and Viewing is read-only', async ({ people }) => {
  const doc = docName('mode');
  const alice = await people.open('Alice Martin', doc, { token: tokenFor(doc, 'write', 'Alice Martin') });
  await writeAndSave(alice, 'Stay.');
  await modeButton(alice, 'Viewing').click();
  await expect(modeButton(alice, 'Viewing')).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.editor).toHaveAttribute('contenteditable', 'false');
  await alice.editor.click();
  await alice.page.keyboard.type('nope');
  expect(await documentText(alice)).toBe('Stay.');

  await alice.page.reload();
  await expect(modeButton(alice, 'Viewing')).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.editor).toHaveAttribute('contenteditable', 'false');
  await suggesting(alice);
  await alice.page.reload();
  await expect(modeButton(alice, 'Suggesting')).toHaveAttribute('aria-pressed', 'true');
  await expect(alice.editor).toHaveAttribute('contenteditable', 'true');

  // A reader has Viewing only.
  const reader = await people.open('Rita Reader', doc, { token: tokenFor(doc, 'read', 'Rita Reader') });
  await expect(modeButton(reader, 'Viewing')).toHaveAttribute('aria-pressed', 'true');
  await expect(reader.page.getByRole('group', { name: 'Mode' }).getByRole('button')).toHaveCount(1);
});
