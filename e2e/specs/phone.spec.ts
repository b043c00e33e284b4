// The editor on a phone, 390 x 844 (issue 29, item 5). Root cause: the desktop layout only
// wrapped: header and toolbar took 230 px of 844 (the document's name over three lines, the
// toolbar over three rows), Version history squeezed the document to a sliver beside it, and
// the name prompt, a fixed corner card, sat over the end of the text.
import type { Locator, Page } from '@playwright/test';
import { seriousViolations } from '../support/axe';
import { docName, expect, test } from '../support/fixtures';

const PHONE = { width: 390, height: 844 };

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  if (!b) throw new Error(`${locator} is not visible`);
  return { top: b.y, bottom: b.y + b.height, left: b.x, right: b.x + b.width, width: b.width, height: b.height };
}

async function expectFullScreen(page: Page, locator: Locator) {
  const b = await box(locator);
  expect([b.left, b.top, Math.round(b.width), Math.round(b.height)]).toEqual([0, 0, PHONE.width, PHONE.height]);
}

test('at 390 px: one header row and a one-row toolbar within 120 px; history and share as full-screen sheets', async ({ people }) => {
  const doc = docName('phone');
  const alice = await people.open('Alice Martin', doc);
  await people.open('Bob Chen', doc);
  const page = alice.page;
  await page.setViewportSize(PHONE);

  const header = await box(page.locator('.doc-header'));
  const bar = await box(page.locator('.tandem-bar'));
  expect(Math.max(header.bottom, bar.bottom)).toBeLessThanOrEqual(120);
  // One header row: title, avatars and the menu side by side within the header's height.
  for (const part of [page.locator('.doc-header__name'), page.getByRole('list', { name: 'People in this document' }), page.getByRole('button', { name: 'Document menu' })]) {
    const b = await box(part);
    expect(b.top).toBeGreaterThanOrEqual(header.top);
    expect(b.bottom).toBeLessThanOrEqual(header.bottom);
  }
  await expect(page.locator('.tandem-avatar')).toHaveCount(2);
  expect(await seriousViolations(page)).toEqual([]);
  // One toolbar row: every button at the same height; those past the edge scroll into reach.
  const toolbar = page.getByRole('toolbar', { name: 'Formatting' });
  const tops = await toolbar.locator('button').evaluateAll((buttons) => new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size);
  expect(tops).toBe(1);
  await alice.editor.click();
  await page.getByRole('button', { name: 'Insert table' }).click();
  await expect(alice.editor.locator('table')).toHaveCount(1);
  // A menu of the scrolling toolbar is not clipped by it.
  await page.getByRole('button', { name: 'Text colour' }).click();
  await expect(page.getByRole('menu', { name: 'Text colour' }).getByRole('menuitem', { name: 'Default colour' })).toBeInViewport({ ratio: 1 });
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Document menu' }).click();
  await page.getByRole('menuitem', { name: 'Version history' }).click();
  const panel = page.getByRole('complementary', { name: 'Version history' });
  await expectFullScreen(page, panel);
  // On top of everything: no toolbar button drawn over the panel.
  expect(await panel.evaluate((el, [x, y]) => el.contains(document.elementFromPoint(x!, y!)), [PHONE.width / 2, (bar.top + bar.bottom) / 2])).toBe(true);
  await panel.getByRole('button', { name: 'Close version history' }).click();
  await expect(panel).toBeHidden();

  await page.getByRole('button', { name: 'Document menu' }).click();
  await page.getByRole('menuitem', { name: 'Share' }).click();
  const dialog = page.getByRole('dialog', { name: /^Share/ });
  await expectFullScreen(page, dialog);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Document menu' })).toBeFocused();
});

test('at 390 px the name prompt sits below the document, never over its text', async ({ browser, people, server }) => {
  const context = await browser.newContext({ viewport: PHONE });
  const page = people.watch(await context.newPage(), 'newcomer');
  await page.goto(`${server.httpUrl}/d/${docName('phone-prompt')}`);
  const prompt = page.getByRole('form', { name: 'Your name' });
  await expect(prompt).toBeVisible();
  const editor = page.locator('.ProseMirror');
  await editor.click();
  for (let i = 0; i < 30; i++) await page.keyboard.type(`Line ${i}\n`);
  await page.keyboard.type('The last line.');
  await expect(editor.getByText('The last line.')).toBeInViewport();
  const text = await box(page.locator('.tandem-page'));
  const card = await box(prompt);
  expect(card.top).toBeGreaterThanOrEqual(text.bottom);
  expect(card.bottom).toBeLessThanOrEqual(PHONE.height);
  await context.close();
});
