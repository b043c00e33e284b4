// The outline (issue 26): the headings beside the text, live for everyone's edits; a click goes
// to the heading; the section being read is marked; narrow screens do without it.
import { caretToEnd, docName, expect, test, type User } from '../support/fixtures';

const outline = (user: User) => user.page.getByRole('navigation', { name: 'Outline' });
const entries = (user: User) => outline(user).getByRole('listitem');
const selectionText = (user: User) =>
  user.editor.evaluate((el) => (el as HTMLElement & { editor: { state: { selection: { $from: { parent: { textContent: string } } } } } }).editor.state.selection.$from.parent.textContent);

test('the outline lists the headings live, a click scrolls to one and puts the caret there, the section being read is marked', async ({ people }) => {
  const doc = docName('outline');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  for (const u of [alice, bob]) await u.page.setViewportSize({ width: 1280, height: 720 });
  await expect(outline(alice)).toBeVisible();

  // Markdown shortcuts make the headings; long sections between them, so the page scrolls.
  await caretToEnd(alice);
  const filler = 'A paragraph long enough to take a line of the page. '.repeat(3);
  for (const [mark, title] of [['# ', 'Introduction'], ['## ', 'Method'], ['## ', 'Results']] as const) {
    await alice.page.keyboard.type(`${mark}${title}`);
    await alice.page.keyboard.press('Enter');
    // The last section is long enough to scroll its heading to the top of the page.
    for (let i = 0; i < (title === 'Results' ? 20 : 8); i++) {
      await alice.page.keyboard.insertText(filler);
      await alice.page.keyboard.press('Enter');
    }
  }
  await expect(entries(alice)).toHaveText(['Introduction', 'Method', 'Results']);
  await expect(entries(bob)).toHaveText(['Introduction', 'Method', 'Results']);
  await expect(outline(bob).locator('.tandem-outline__item--h2')).toHaveText(['Method', 'Results']);

  // Bob renames a heading and adds one: Alice's outline follows.
  const method = bob.editor.locator('h2', { hasText: 'Method' });
  await method.click();
  await bob.page.keyboard.press('End');
  await bob.page.keyboard.type('s');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.type('### Sample');
  await expect(entries(alice)).toHaveText(['Introduction', 'Methods', 'Sample', 'Results']);

  // A click on "Results" brings it to the top and puts the caret in it.
  await alice.page.keyboard.press('Control+Home');
  await outline(alice).getByRole('link', { name: 'Results' }).click();
  const results = alice.editor.locator('h2', { hasText: 'Results' });
  await expect(results).toBeInViewport();
  await expect.poll(() => selectionText(alice)).toBe('Results');
  await expect(outline(alice).getByRole('link', { name: 'Results' })).toHaveAttribute('aria-current', 'true');
  await expect(outline(alice).locator('[aria-current]')).toHaveCount(1);

  // Back to the top: the first section is the current one again.
  await outline(alice).getByRole('link', { name: 'Introduction' }).click();
  await expect(alice.editor.locator('h1', { hasText: 'Introduction' })).toBeInViewport();
  await expect(outline(alice).getByRole('link', { name: 'Introduction' })).toHaveAttribute('aria-current', 'true');

  // Collapsed, only its button stays.
  const toggle = outline(alice).getByRole('button', { name: 'Outline' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(entries(alice)).toHaveCount(0);
  await toggle.click();
  await expect(entries(alice)).toHaveCount(4);
});

test('a narrow screen hides the outline', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('outline-narrow'));
  await alice.page.setViewportSize({ width: 1280, height: 720 });
  await caretToEnd(alice);
  await alice.page.keyboard.type('# Only heading');
  await expect(entries(alice)).toHaveText(['Only heading']);
  await alice.page.setViewportSize({ width: 800, height: 720 });
  await expect(outline(alice)).toBeHidden();
  await expect(alice.editor.locator('h1')).toHaveText('Only heading');
});
