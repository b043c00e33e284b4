// Compare (issue 25): any two versions as one document, word by word, with who changed what. The
// History panel only diffed whole blocks; here two people edit between two versions and the
// comparison marks each one's insertions and deletions with their name, and its changes can be
// stepped through.
import { docName, documentText, expect, test } from '../support/fixtures';

test('History → Compare: insertions and deletions at character level, by author, stepped through', async ({ people }) => {
  const doc = docName('compare');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  const page = alice.page;
  await alice.editor.click();
  await page.keyboard.type('Hello world');
  await expect.poll(() => documentText(bob)).toBe('Hello world');
  await page.getByRole('button', { name: 'Version history' }).click();
  const panel = page.getByRole('complementary', { name: 'Version history' });
  const name = async (label: string) => {
    await panel.getByRole('textbox', { name: 'Version name' }).fill(label);
    await panel.getByRole('button', { name: 'Name this version' }).click();
    await expect(panel.getByRole('status')).toHaveText(`Saved “${label}”`);
  };
  await name('First');

  // Bob replaces "world" with "there"; Alice adds a word in front.
  await bob.editor.click();
  await bob.page.keyboard.press('Control+End');
  for (let i = 0; i < 5; i++) await bob.page.keyboard.press('Backspace');
  await bob.page.keyboard.type('there');
  await expect.poll(() => documentText(alice)).toBe('Hello there');
  await alice.editor.click();
  await page.keyboard.press('Control+Home');
  await page.keyboard.type('Dear ');
  await expect.poll(() => documentText(bob)).toBe('Dear Hello there');
  await name('Second');

  await panel.getByRole('button', { name: /First/ }).click();
  const preview = panel.getByRole('region', { name: /^Preview of the version of / });
  await preview.getByRole('combobox', { name: 'Compare with' }).selectOption({ label: (await preview.getByRole('option', { name: /^Second/ }).textContent())! });
  await preview.getByRole('button', { name: 'Compare', exact: true }).click();

  const compared = panel.locator('[data-compare]');
  await expect(compared.locator('ins[data-author="Bob Chen"]')).toHaveText(['there']);
  await expect(compared.locator('del[data-author="Bob Chen"]')).toHaveText(['world']);
  await expect(compared.locator('ins[data-author="Alice Martin"]')).toHaveText(['Dear ']);
  await expect(compared).toHaveText('Dear Hello worldthere');

  // Stepping: Next goes to the first change, then the second; Previous back; each is outlined.
  const view = panel.getByRole('region', { name: /^Changes between the version of / });
  const count = view.getByRole('status');
  const changes = await view.getByRole('list', { name: 'Changes' }).getByRole('listitem').count();
  expect(changes).toBe(2);
  await expect(count).toHaveText(`${changes} changes`);
  await view.getByRole('button', { name: 'Next change' }).click();
  await expect(count).toHaveText(`Change 1 of ${changes}`);
  await expect(compared.locator('[data-current]').first()).toBeInViewport();
  await expect(compared.locator('[data-current]')).toHaveText(['Dear ']);
  await view.getByRole('button', { name: 'Next change' }).click();
  await expect(count).toHaveText(`Change 2 of ${changes}`);
  await expect(compared.locator('[data-current]')).toHaveText(['world', 'there']);
  await expect(view.getByRole('button', { name: 'Bob Chen: deleted “world”, added “there”' })).toHaveAttribute('aria-current', 'true');
  await view.getByRole('button', { name: 'Previous change' }).click();
  await expect(count).toHaveText(`Change 1 of ${changes}`);
  await expect(view.getByRole('button', { name: 'Alice Martin: added “Dear”' })).toHaveAttribute('aria-current', 'true');

  // A version and now: Bob's later word shows too.
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' today');
  await expect.poll(() => documentText(alice)).toBe('Dear Hello there today');
  await preview.getByRole('combobox', { name: 'Compare with' }).selectOption('now');
  await preview.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(compared.locator('ins[data-author="Bob Chen"]')).toHaveText(['there today']);
});
