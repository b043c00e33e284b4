import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

type Settling = Window & { settleForAxe?: CSSStyleSheet };

/**
 * The serious and critical axe-core violations on the page, as "rule: targets". The page is
 * checked as it stands once its transitions end: one under way (a peer's caret label fading
 * after 3 s still, say) blends colours that neither of its ends shows, and axe would measure
 * the contrast of that blend (comments.spec failed so, once in a full run). For the scan,
 * transitions jump to their end; a constructed style sheet, which the page's CSP allows.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync('*, *::before, *::after { transition: none !important; }');
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    (window as Settling).settleForAxe = sheet;
  });
  try {
    const { violations } = await new AxeBuilder({ page }).analyze();
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  } finally {
    await page.evaluate(() => {
      const sheet = (window as Settling).settleForAxe;
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== sheet);
    });
  }
}
