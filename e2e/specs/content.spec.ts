// Tables, task lists, highlight, text colour and horizontal rules: made with the toolbar or
// Google Docs' shortcuts in one browser, they appear *structurally* in the other, and survive a
// restart of the server (the schema is shared; the server keeps the Yjs document as is).
import type { Page } from '@playwright/test';
import { caretToEnd, docName, expect, test, type User } from '../support/fixtures';

/** The shape of every table in the page: cells per row. */
function tableShapes(page: Page): Promise<number[][]> {
  return page.locator('.ProseMirror table').evaluateAll((tables) =>
    tables.map((t) => [...t.querySelectorAll(':scope > tbody > tr, :scope > tr')].map((tr) => tr.querySelectorAll(':scope > td, :scope > th').length)),
  );
}

/** What the other browser must see: tags and states, not just text. */
async function structure(user: User): Promise<Record<string, unknown>> {
  return user.editor.evaluate((live) => {
    // Without peers' caret labels, which sit inside the text.
    const el = live.cloneNode(true) as HTMLElement;
    for (const caret of el.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return {
    tables: el.querySelectorAll('table').length,
    headerCells: el.querySelectorAll('table th').length,
    cellTexts: [...el.querySelectorAll('td, th')].map((c) => c.textContent).filter(Boolean),
    tasks: [...el.querySelectorAll('ul[data-type="taskList"] > li')].map((li) => `${li.getAttribute("data-checked")}:${li.querySelector(":scope > div")?.textContent}`),
    marks: [...el.querySelectorAll('mark')].map((m) => m.textContent),
    red: [...el.querySelectorAll('span[style*="color"]')].map((s) => `${s.textContent}|${(s as HTMLElement).style.color}`),
    rules: el.querySelectorAll('hr').length,
    };
  });
}

const button = (user: User, name: string) => user.page.getByRole('button', { name, exact: true });

test('tables, checklists, highlight, colour and rules appear structurally for the other person and survive a restart', async ({ people, server }) => {
  const doc = docName('content');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await alice.page.keyboard.type('Plan');

  // Highlight by shortcut (pressed state follows), colour from the menu.
  await alice.page.keyboard.press('Shift+Home');
  await alice.page.keyboard.press('Control+Shift+H');
  await expect(button(alice, 'Highlight')).toHaveAttribute('aria-pressed', 'true');
  await button(alice, 'Text colour').click();
  await alice.page.getByRole('menuitemradio', { name: 'Red' }).click();
  await caretToEnd(alice);

  // A checklist by Google Docs' shortcut; its box is ticked by Bob below.
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Control+Shift+9');
  await expect(button(alice, 'Checklist')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.type('Buy milk');
  await alice.page.keyboard.press('Enter');
  await alice.page.keyboard.press('Enter'); // leaves the list

  await button(alice, 'Horizontal rule').click();
  await button(alice, 'Insert table').click();
  await expect(button(alice, 'Header row')).toHaveAttribute('aria-pressed', 'true');
  await alice.page.keyboard.type('Name');
  await alice.page.keyboard.press('Tab');
  await alice.page.keyboard.type('Role');
  await button(alice, 'Add row below').click();
  await button(alice, 'Add column right').click();
  await button(alice, 'Add row below').click();
  await alice.page.locator('.ProseMirror tr').last().locator('td').first().click();
  await button(alice, 'Delete row').click();
  expect(await tableShapes(alice.page)).toEqual([[4, 4, 4, 4]]);

  await expect(bob.page.locator('.ProseMirror ul[data-type="taskList"] li')).toHaveCount(1);
  await bob.page.locator('.ProseMirror ul[data-type="taskList"] li input[type="checkbox"]').check();
  await expect(alice.page.locator('.ProseMirror ul[data-type="taskList"] li')).toHaveAttribute('data-checked', 'true');

  const want = {
    tables: 1,
    headerCells: 4,
    cellTexts: ['Name', 'Role'],
    tasks: ['true:Buy milk'],
    marks: ['Plan'],
    red: ['Plan|rgb(224, 0, 0)'],
    rules: 1,
  };
  await expect.poll(() => structure(alice)).toEqual(want);
  await expect.poll(() => structure(bob)).toEqual(want);
  expect(await tableShapes(bob.page)).toEqual([[4, 4, 4, 4]]);
  await expect(alice.status).toHaveText('All changes saved');

  await server.restart();
  const carol = await people.open('Carol Diaz', doc);
  await expect.poll(() => structure(carol)).toEqual(want);

  // The small things: counts in the footer, Ctrl+/ lists the shortcuts.
  await expect(carol.page.locator('.tandem-footer__count')).toHaveText(/^\d+ words · \d+ characters$/);
  await carol.editor.click();
  await carol.page.keyboard.press('Control+/');
  const dialog = carol.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toContainText('Checklist');
  await carol.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('two people adding rows and columns to one table at the same moment converge to a rectangular table', async ({ people, server }) => {
  const doc = docName('tables');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await button(alice, 'Insert table').click();
  await expect.poll(() => tableShapes(bob.page)).toEqual([[3, 3, 3]]);

  // The same moment, for real: both edit the same table while neither can hear the other.
  await server.stop();
  await bob.page.locator('.ProseMirror td').last().click();
  await alice.page.locator('.ProseMirror td').first().click();
  for (let i = 0; i < 2; i++) {
    await button(alice, 'Add row below').click();
    await button(alice, 'Add column right').click();
    await button(bob, 'Add column left').click();
    await button(bob, 'Add row above').click();
  }
  expect(await tableShapes(alice.page)).toEqual([[5, 5, 5, 5, 5]]);
  await server.start();

  // Converged (same shape on both), sane (every row as wide as the others) and not growing.
  const settled = async () => {
    const [a, b] = [await tableShapes(alice.page), await tableShapes(bob.page)];
    return JSON.stringify(a) === JSON.stringify(b) ? a : null;
  };
  await expect.poll(settled, { timeout: 15_000 }).not.toBeNull();
  await expect(alice.status).toHaveText('All changes saved');
  await expect(bob.status).toHaveText('All changes saved');
  const shape = (await settled())!;
  expect(shape).toHaveLength(1);
  const rows = shape[0]!;
  expect(rows.length).toBe(7); // 3 + 2 + 2: rows are inserted, never merged
  expect(new Set(rows).size, `ragged table: ${JSON.stringify(rows)}`).toBe(1);
  expect(rows[0]).toBeGreaterThanOrEqual(7); // 3 + 2 + 2 columns at least…
  expect(rows[0]).toBeLessThanOrEqual(9); // …and never "without end"
  // Still the same a moment later on both (no fix-up ping-pong between the two).
  await alice.editor.click();
  await caretToEnd(alice);
  await alice.page.keyboard.type('x');
  await expect.poll(settled).toEqual(shape);
});
