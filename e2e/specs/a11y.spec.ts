// Keyboard and screen-reader use (issue 29, item 4). Root causes: every toolbar button was its own
// Tab stop (about 25 presses to get past it), menus opened with focus left on their button, the
// Share dialog let Tab walk out into the page behind it, closing things dropped focus on <body>,
// and the orange user colour gave its white label a contrast of 3.1:1.
import type { Page } from '@playwright/test';
import { seriousViolations } from '../support/axe';
import { docName, expect, test } from '../support/fixtures';

test('axe finds no serious or critical violations on the home page, the editor, Share and History', async ({ people, server }) => {
  test.slow(); // four full axe scans: about 20 s on an idle machine, over a minute on a busy one
  const doc = docName('axe');
  const alice = await people.open('Alice Martin', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Checked by axe.');
  const page = alice.page;
  expect.soft(await seriousViolations(page)).toEqual([]);

  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await expect(page.getByRole('dialog', { name: /^Share/ }).getByRole('textbox', { name: 'Link' })).toBeVisible();
  expect.soft(await seriousViolations(page)).toEqual([]);
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Version history' }).click();
  const panel = page.getByRole('complementary', { name: 'Version history' });
  await panel.getByRole('textbox', { name: 'Version name' }).fill('First');
  await panel.getByRole('button', { name: 'Name this version' }).click();
  await panel.getByRole('button', { name: /First/ }).click();
  await expect(panel.getByRole('button', { name: 'Restore this version' })).toBeVisible();
  expect.soft(await seriousViolations(page)).toEqual([]);

  await page.goto(server.httpUrl + '/');
  await expect(page.getByRole('region', { name: 'Recent documents' })).toBeVisible();
  expect.soft(await seriousViolations(page)).toEqual([]);
});

const focused = (page: Page) => page.locator(':focus');

test('the toolbar is one Tab stop; arrow keys, Home and End move inside it, and it remembers the last button', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('roving'));
  const page = alice.page;
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
  await page.getByRole('button', { name: 'Share', exact: true }).focus();
  await page.keyboard.press('Tab');
  await expect(focused(page)).toHaveAccessibleName('Heading 1'); // Undo and Redo are disabled: no history yet
  await page.keyboard.press('ArrowRight');
  await expect(focused(page)).toHaveAccessibleName('Heading 2');
  await page.keyboard.press('End');
  await expect(focused(page)).toHaveAccessibleName('Insert table');
  await page.keyboard.press('ArrowRight');
  await expect(focused(page)).toHaveAccessibleName('Heading 1');
  await page.keyboard.press('ArrowLeft');
  await expect(focused(page)).toHaveAccessibleName('Insert table');
  await page.keyboard.press('Home');
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(focused(page)).toHaveAccessibleName('Bold');
  // One Tab leaves the toolbar (for the document); Escape then Shift+Tab comes back to the button
  // used last (in the document, Tab and Shift+Tab indent: issue 29, item 1).
  await page.keyboard.press('Tab');
  expect(await toolbar.evaluate((el) => el.contains(document.activeElement))).toBe(false);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  await expect(focused(page)).toHaveAccessibleName('Bold');
  await expect(toolbar.locator('[tabindex="0"]')).toHaveCount(1);
});

test('menus open with focus inside and arrow keys; Escape returns focus to their button; Share traps focus', async ({ people }) => {
  const alice = await people.open('Alice Martin', docName('menus'));
  const page = alice.page;

  const colour = page.getByRole('button', { name: 'Text colour' });
  await colour.focus();
  await page.keyboard.press('Enter');
  const colours = page.getByRole('menu', { name: 'Text colour' });
  await expect(focused(page)).toHaveAccessibleName('Black');
  await page.keyboard.press('ArrowRight');
  await expect(focused(page)).toHaveAccessibleName('Dark grey');
  await page.keyboard.press('Escape');
  await expect(colours).toBeHidden();
  await expect(colour).toBeFocused();

  const file = page.getByRole('button', { name: 'File' });
  await file.focus();
  await page.keyboard.press('Enter');
  await expect(focused(page)).toHaveAccessibleName('Download as Markdown');
  await page.keyboard.press('ArrowDown');
  await expect(focused(page)).toHaveAccessibleName('Download as HTML');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await expect(focused(page)).toHaveAccessibleName('Print');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'File' })).toBeHidden();
  await expect(file).toBeFocused();

  const share = page.getByRole('button', { name: 'Share', exact: true });
  await share.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: /^Share/ });
  await expect(dialog.getByRole('textbox', { name: 'Link' })).toBeVisible();
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await page.keyboard.press(key);
    expect(await dialog.evaluate((el) => el.contains(document.activeElement)), `focus inside the dialog after ${key}`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(share).toBeFocused();

  const historyButton = page.getByRole('button', { name: 'Version history' });
  await historyButton.focus();
  await page.keyboard.press('Enter');
  await expect(focused(page)).toHaveText('Version history'); // the panel's heading: the keyboard starts there
  await page.keyboard.press('Tab');
  await expect(focused(page)).toHaveAccessibleName('Close version history');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: 'Version history' })).toBeHidden();
  await expect(historyButton).toBeFocused();
});

function contrastWithWhite(rgb: string): number {
  const [r, g, b] = (rgb.match(/\d+/g) ?? []).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r! + 0.7152 * g! + 0.0722 * b! + 0.05);
}

test('every user colour gives white labels 4.5:1, and a colour kept from the old palette is replaced', async ({ browser, people, server }) => {
  const { COLORS } = await import('../../client/src/app/names');
  const hex = (c: string) => `rgb(${[1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)).join(', ')})`;
  for (const c of COLORS) expect(contrastWithWhite(hex(c)), c).toBeGreaterThanOrEqual(4.5);

  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('tandem:user', JSON.stringify({ name: 'Olga Orange', color: '#e37400' })));
  const page = people.watch(await context.newPage(), 'Olga');
  await page.goto(`${server.httpUrl}/d/${docName('orange')}`);
  const avatar = page.locator('.tandem-avatar[data-user-name="Olga Orange"]');
  await expect(avatar).toBeVisible();
  const background = await avatar.evaluate((el) => getComputedStyle(el).backgroundColor);
  expect(contrastWithWhite(background)).toBeGreaterThanOrEqual(4.5);
  await context.close();
});
