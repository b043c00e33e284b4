// Sign-in and people (DESIGN.md, "Sign-in (optional)", "People and roles") in a real browser,
// through a real OpenID Connect provider's login page (panva's oidc-provider, in this process):
// Alice signs in and owns a new document, shares it with Bob as commenter, promotes him to editor
// while his page is open (it reconnects with the new access, no reload), removes him (his page
// says why), and signs out.
import { test as base, type BrowserContext, type Page } from '@playwright/test';
import { freePort } from '../../scripts/testkit/index.mjs';
import { signInEnv, startProvider, type TestProvider } from '../../server/test/signin/support/provider';
import { docName, expect } from '../support/fixtures';
import { TandemServer } from '../support/server';

const test = base.extend<{}, { signIn: { server: TandemServer; provider: TestProvider } }>({
  signIn: [
    async ({}, use) => {
      const port = await freePort();
      const provider = await startProvider([`http://127.0.0.1:${port}/auth/callback`]);
      const server = await TandemServer.create(
        signInEnv(provider.issuer, `http://127.0.0.1:${port}`, 'e2e-sign-in-secret-0123456789abcdef'),
        port,
      );
      await use({ server, provider });
      await server.dispose();
      await provider.stop();
    },
    { scope: 'worker' },
  ],
});

/** Signs in on the provider's own login page, from wherever the page is now. */
async function logIn(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

const access = (page: Page, doc: string) => page.evaluate(async (d) => ((await (await fetch(`/api/access/${encodeURIComponent(d)}`)).json()) as { mode?: string }).mode ?? null, doc);

test('sign in, share with a commenter, promote them live, remove them, sign out', async ({ browser, signIn: { server } }) => {
  const doc = docName('signin');
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  const open = async () => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    return page;
  };
  try {
    // Alice, signed out, opens a new document: the page offers to sign in, and she does.
    const alice = await open();
    await alice.goto(`${server.httpUrl}/d/${encodeURIComponent(doc)}`);
    await alice.getByRole('link', { name: 'Sign in' }).click();
    await logIn(alice, 'alice');
    await expect(alice).toHaveURL(`${server.httpUrl}/d/${encodeURIComponent(doc)}`);
    await expect(alice.getByRole('button', { name: 'Account: Alice Archer' })).toBeVisible();
    const aliceEditor = alice.locator('.ProseMirror');
    await expect(alice.locator('[data-status="connected"]')).toBeVisible();
    await aliceEditor.click();
    await alice.keyboard.type('Plan by Alice.');

    // She shares it with Bob as a commenter.
    await alice.getByRole('button', { name: 'Share', exact: true }).click();
    const dialog = alice.getByRole('dialog', { name: /^Share/ });
    await dialog.getByLabel('Add people by email').fill('bob@example.com');
    await dialog.getByLabel('Role for new person').selectOption('commenter');
    await dialog.getByRole('button', { name: 'Add' }).click();
    await expect(dialog.getByLabel('Role of bob@example.com')).toHaveValue('commenter');

    // Bob signs in and opens it: he may comment, not edit; his name is the provider's, verified.
    const bob = await open();
    await bob.goto(`${server.httpUrl}/auth/login?next=${encodeURIComponent(`/d/${encodeURIComponent(doc)}`)}`);
    await logIn(bob, 'bob');
    await expect(bob.locator('.ProseMirror')).toContainText('Plan by Alice.');
    await expect(bob.locator('[data-status="connected"]')).toBeVisible();
    expect(await access(bob, doc)).toBe('comment');
    await expect(alice.locator('[data-user-name="Bob Baker"]').first()).toBeVisible();

    // Their home pages: Alice's documents, and what is shared with Bob, newest first.
    const bobHome = await bob.context().newPage();
    await bobHome.goto(`${server.httpUrl}/`);
    await expect(bobHome.getByRole('region', { name: 'Shared with me' }).locator(`[data-role="commenter"]`)).toHaveCount(1);
    await expect(bobHome.getByRole('region', { name: 'My documents' })).toContainText('Documents you create appear here.');
    await bobHome.close();
    const aliceHome = await alice.context().newPage();
    await aliceHome.goto(`${server.httpUrl}/`);
    await expect(aliceHome.getByRole('region', { name: 'My documents' }).locator('[data-role="owner"]')).toHaveCount(1);
    await aliceHome.close();

    // Promoted to editor while his page is open: it reconnects with the new access, no reload.
    await dialog.getByLabel('Role of bob@example.com').selectOption('editor');
    await expect.poll(() => access(bob, doc)).toBe('write');
    await expect(bob.locator('[data-status="connected"]')).toBeVisible();

    // Removed: his page says why.
    await dialog.getByLabel('Role of bob@example.com').selectOption('remove');
    await expect(dialog.locator('[data-email="bob@example.com"]')).toHaveCount(0);
    await expect(bob.getByRole('alert', { name: /no access to this document/ })).toHaveText('Access denied');

    // Alice signs out: back home, signed out.
    await dialog.getByRole('button', { name: 'Done' }).click();
    await alice.getByRole('button', { name: 'Account: Alice Archer' }).click();
    await alice.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(alice.getByRole('link', { name: 'Sign in' })).toBeVisible();
    expect(await alice.evaluate(async () => ((await (await fetch('/api/me')).json()) as { user: unknown }).user)).toBeNull();
    expect(errors).toEqual([]);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
