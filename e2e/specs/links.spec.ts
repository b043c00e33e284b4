// Links that can be used (issue 29, item 2). Root causes: Link was configured `openOnClick:
// false` with nothing in its place (no bubble, no Ctrl+click), no Ctrl+K binding, the link box
// was `type="url"` (so `example.net` was refused) and with no selection `setLink` had no text to
// mark, so Apply did nothing.
import { caretToEnd, docName, expect, test, type User } from '../support/fixtures';

const linkIn = (u: User, text: string) => u.editor.locator('a', { hasText: text });

test('Ctrl+K links the word at the caret, bare domains get https://, javascript: is refused, the bubble edits and removes, Ctrl+click opens', async ({ people, server }) => {
  const doc = docName('links');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Visit site');
  await alice.page.keyboard.press('ArrowLeft');
  await alice.page.keyboard.press('ArrowLeft');

  // Ctrl+K on the word at the caret; a bare domain.
  await alice.page.keyboard.press('Control+k');
  const address = alice.page.getByRole('textbox', { name: 'Link address' });
  await expect(address).toBeFocused();
  await address.fill('example.net');
  await address.press('Enter');
  await expect(linkIn(bob, 'site')).toHaveAttribute('href', 'https://example.net');
  await expect(linkIn(bob, 'site')).toHaveAttribute('rel', /noopener noreferrer/);

  // Never a javascript: link.
  await alice.page.keyboard.press('Home');
  await alice.page.keyboard.press('ArrowRight');
  await alice.page.keyboard.press('Control+k');
  await address.fill('javascript:alert(1)');
  await address.press('Enter');
  await expect(alice.page.getByRole('alert')).toContainText('Enter a web address');
  await address.press('Escape');
  await expect(address).toHaveCount(0);
  await expect(alice.editor.locator('a')).toHaveCount(1);

  // With nothing selected (after a space, no word at the caret) the box takes a text too.
  await caretToEnd(alice);
  await alice.page.keyboard.type(' and ');
  await alice.page.keyboard.press('Control+k');
  await alice.page.getByRole('textbox', { name: 'Text to display' }).fill('health');
  await address.fill(`${server.httpUrl}/healthz`);
  await address.press('Enter');
  await expect(linkIn(bob, 'health')).toHaveAttribute('href', `${server.httpUrl}/healthz`);

  // The bubble on a link: its address, Open, Edit, Remove.
  await linkIn(alice, 'site').click();
  const bubble = alice.page.getByRole('group', { name: 'Link' });
  await expect(bubble.getByRole('link')).toHaveText('https://example.net');
  await expect(bubble.getByRole('link')).toHaveAttribute('rel', 'noopener noreferrer');
  await bubble.getByRole('button', { name: 'Edit' }).click();
  await expect(address).toHaveValue('https://example.net');
  await address.fill('example.org/plan');
  await address.press('Enter');
  await expect(linkIn(bob, 'site')).toHaveAttribute('href', 'https://example.org/plan');
  await linkIn(alice, 'site').click();
  await bubble.getByRole('button', { name: 'Remove' }).click();
  await expect(bob.editor.locator('a')).toHaveCount(1);
  await expect(linkIn(bob, 'health')).toHaveCount(1);

  // Ctrl+click opens in a new tab that cannot reach back to the document.
  const [tab] = await Promise.all([alice.context.waitForEvent('page'), linkIn(alice, 'health').click({ modifiers: ['Control'] })]);
  await tab.waitForLoadState();
  expect(tab.url()).toBe(`${server.httpUrl}/healthz`);
  expect(await tab.evaluate(() => window.opener)).toBeNull();
  await tab.close();
  // The bubble's Open does the same.
  await linkIn(alice, 'health').click();
  const [tab2] = await Promise.all([alice.context.waitForEvent('page'), bubble.getByRole('button', { name: 'Open' }).click()]);
  await tab2.waitForLoadState();
  expect(tab2.url()).toBe(`${server.httpUrl}/healthz`);
});
