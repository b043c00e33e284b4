import { defineConfig } from '@playwright/test';

/** Debian's Chromium: `npx playwright install` cannot download browsers here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: './specs',
  // Each worker runs its own server (see support/fixtures.ts); two fit on two cores.
  workers: 2,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    viewport: { width: 900, height: 720 },
    actionTimeout: 10_000,
    // No trace by default: its screencast kept Chromium's compositor and encoder busy on every open
    // page, idle or not, and made the suite a third slower (a failure still leaves its page's
    // error-context.md). For one: `npm test -w e2e -- specs/x.spec.ts --trace=retain-on-failure`.
    trace: 'off',
  },
});
