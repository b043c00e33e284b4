// Paste (issue 29, item 7). Root causes: images pasted from other sites stayed `<img src>` of that
// site (broken when it changes, and a request to it from every reader); plain text was parsed
// as paragraphs only, so Markdown's block syntax stayed literal text.
import { createServer, type Server } from 'node:http';
import { docName, expect, test, type User } from '../support/fixtures';
import { gradientPng } from '../support/png';
import { serverDocXml } from '../support/serverDoc';

const IMG = '.ProseMirror img:not(.ProseMirror-separator)';

function paste(user: User, data: Record<string, string>) {
  return user.editor.evaluate((el, d) => {
    const transfer = new DataTransfer();
    for (const [type, value] of Object.entries(d)) transfer.setData(type, value);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, data);
}

test('pasted plain-text Markdown becomes headings, lists, quotes and code for everyone', async ({ people }) => {
  const doc = docName('markdown');
  const alice = await people.open('Alice Martin', doc);
  const bob = await people.open('Bob Chen', doc);
  await alice.editor.click();
  await paste(alice, {
    'text/plain': ['# Plan', '', 'Some **bold** words', '- milk', '- eggs', '1. first', '2. second', '> quoted', '```', 'const x = 1 < 2;', '```', '## Done'].join('\n'),
  });
  const b = bob.editor;
  await expect(b.locator('h1')).toHaveText('Plan');
  await expect(b.locator('h2')).toHaveText(/^Done/); // Alice's caret label follows it
  await expect(b.locator('p strong')).toHaveText('bold');
  await expect(b.locator('ul > li')).toHaveText(['milk', 'eggs']);
  await expect(b.locator('ol > li')).toHaveText(['first', 'second']);
  await expect(b.locator('blockquote')).toHaveText('quoted');
  await expect(b.locator('pre code')).toHaveText('const x = 1 < 2;');
  await expect(b).not.toContainText('#');
});

test('an image pasted from another site is copied into the document; where the site forbids it, it stays a link and the person is told', async ({ people, server }) => {
  // Another site, on another origin: one image readable by other pages (CORS), one not.
  const png = gradientPng(50, 30);
  const site: Server = createServer((req, res) => {
    const open = req.url === '/open.png';
    res.writeHead(200, { 'content-type': 'image/png', ...(open ? { 'access-control-allow-origin': '*' } : {}) });
    res.end(png);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  const port = (site.address() as { port: number }).port;
  // localhost, not 127.0.0.1: another origin than the Tandem server's.
  const origin = `http://localhost:${port}`;
  try {
    const doc = docName('paste-images');
    const alice = await people.open('Alice Martin', doc);
    const bob = await people.open('Bob Chen', doc);
    await alice.editor.click();
    await paste(alice, { 'text/html': `<p>From the web:</p><img src="${origin}/open.png" alt="Chart"><p>and</p><img src="${origin}/closed.png" alt="Secret chart">` });

    // The readable one is now the document's own file, for Bob too.
    const img = bob.page.locator(IMG);
    await expect(img).toHaveCount(1);
    await expect(img).toHaveAttribute('src', new RegExp(`^${server.httpUrl}/files/${encodeURIComponent(doc)}/[0-9a-f]{64}$`));
    await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(50);
    // The other one is a link to where it was, and Alice was told why.
    await expect(bob.editor.locator('a', { hasText: 'Secret chart' })).toHaveAttribute('href', `${origin}/closed.png`);
    await expect(alice.page.getByRole('alert')).toContainText('kept as a link');
    await expect(alice.status).toHaveText('All changes saved');
    const stored = await serverDocXml(server.wsUrl, doc);
    expect(stored).not.toContain(`${origin}/open.png`);
  } finally {
    site.closeAllConnections();
    await new Promise((r) => site.close(r));
  }
});
