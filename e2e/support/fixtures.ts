import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { TandemServer } from './server';

export { expect };

export interface User {
  name: string;
  context: BrowserContext;
  page: Page;
  editor: ReturnType<Page['locator']>;
  status: ReturnType<Page['locator']>;
  /** Opens the document again in a new tab of the same browser profile (same IndexedDB). */
  reopen(): Promise<void>;
}

const PALETTE = ['#1967d2', '#d93025', '#188038', '#9334e6', '#c2410c', '#007b83'];

/** Opens people on documents and fails the test if any page threw an uncaught error. */
export class People {
  readonly pageErrors: string[] = [];
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly server: TandemServer,
  ) {}

  watch(page: Page, who: string): Page {
    page.on('pageerror', (err) => this.pageErrors.push(`${who}: ${err.message}`));
    return page;
  }

  async open(name: string, doc: string, opts: { token?: string } = {}): Promise<User> {
    const context = await this.browser.newContext();
    this.contexts.push(context);
    // The app picks a random colour per browser; give each person a distinct one, so that
    // screenshots tell them apart (the app keeps a colour it finds in localStorage).
    const color = PALETTE[this.contexts.length % PALETTE.length];
    await context.addInitScript((c) => {
      if (!localStorage.getItem('tandem:user')) localStorage.setItem('tandem:user', JSON.stringify({ color: c }));
    }, color);
    const path = `/d/${encodeURIComponent(doc)}?name=${encodeURIComponent(name)}${opts.token ? `&token=${encodeURIComponent(opts.token)}` : ''}`;
    const user: User = {
      name,
      context,
      page: null as unknown as Page,
      editor: null as unknown as User['editor'],
      status: null as unknown as User['status'],
      reopen: async () => {
        const page = this.watch(await context.newPage(), name);
        await page.goto(this.server.httpUrl + path);
        user.page = page;
        user.editor = page.locator('.ProseMirror');
        user.status = page.getByRole('status');
        await expect(user.editor).toBeVisible();
      },
    };
    await user.reopen();
    return user;
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.contexts.map((c) => c.close().catch(() => undefined)));
  }
}

/**
 * A `test` with a server per worker (started with `env`) and `people` who open documents on it.
 * Specs that stop the server start it again before they end.
 */
export function withServer(env: Record<string, string> = {}) {
  return base.extend<{ people: People }, { server: TandemServer }>({
    server: [
      async ({}, use) => {
        const server = await TandemServer.create(env);
        await use(server);
        await server.dispose();
      },
      { scope: 'worker' },
    ],
    people: async ({ browser, server }, use) => {
      const people = new People(browser, server);
      await use(people);
      await people.closeAll();
      if (!server.running) await server.start(); // leave the worker's server as we found it
      expect(people.pageErrors, 'uncaught errors in pages').toEqual([]);
    },
  });
}

/** The worker's open server: no AUTH_SECRET, production defaults otherwise. */
export const test = withServer();

/** A fresh document name per test, so tests never see each other's text. */
export function docName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;
}

/**
 * The document's text as this person sees it, without other people's caret labels: a peer's
 * caret can sit inside a word (after an undo or redo it goes back to where that step began),
 * and its label is part of the editor's textContent.
 */
export function documentText(user: User): Promise<string> {
  return user.editor.evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return copy.textContent ?? '';
  });
}

/**
 * Places the caret, collapsed, at the very end of the document, and waits until the editor's own
 * state says so. Not by clicking: clicks at one spot within 500 ms are a double or triple click to
 * ProseMirror, which selects a word or the whole paragraph there, and a key pressed before the
 * editor has taken in the caret's move (the browser reports it asynchronously) replaces that
 * selection. (The paste test lost a whole pasted paragraph that way to the Enter that followed.)
 */
export async function caretToEnd(user: User): Promise<void> {
  const atEnd = () =>
    user.editor.evaluate((el) => {
      // Tiptap puts the editor on its element; the selection is the one keys act on.
      const { selection, doc } = (el as HTMLElement & { editor: { state: { selection: { empty: boolean; to: number }; doc: { content: { size: number }; textBetween(from: number, to: number): string } } } }).editor.state;
      return selection.empty && doc.textBetween(selection.to, doc.content.size) === '';
    });
  await expect(async () => {
    await user.editor.focus();
    await user.page.keyboard.press('Control+End');
    await expect.poll(atEnd, { timeout: 1000 }).toBe(true);
  }).toPass({ timeout: 10_000 });
}

/**
 * Waits until every update this page wrote to its IndexedDB copy is committed: a read
 * transaction on the same store is ordered after all readwrite transactions created before it.
 */
export async function flushOfflineCopy(user: User, wsUrl: string, doc: string): Promise<number> {
  return user.page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const count = db.transaction('updates', 'readonly').objectStore('updates').count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
          count.onerror = () => reject(count.error);
        };
      }),
    `tandem:${wsUrl}:${doc}`,
  );
}
