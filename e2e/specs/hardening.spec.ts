// Contract "hardening" as a person sees it (issue 27): names the server did not vouch for say so
// (anyone with a share link could appear as someone else), and a colour that is not a colour
// never reaches `style` (a writer could lay a full-page overlay over every viewer's screen).
import * as Y from 'yjs';
import { docName, expect, withServer } from '../support/fixtures';
import { inSeconds, signToken } from '../support/tokens';

const SECRET = 'e2e-hardening-secret-0123456789abcdef';
// Short pings: browsers must answer the server's pings (a pong counts only when it echoes the
// ping's payload), or they would be dropped within two seconds here.
const test = withServer({ AUTH_SECRET: SECRET, PING_INTERVAL_MS: '1000' });

test('a name the server did not stamp is shown as unverified; a stamped one is not', async ({ people, server }) => {
  const doc = docName('verified');
  const named = signToken(SECRET, { doc, mode: 'write', name: 'Alice Martin', exp: inSeconds(600) });
  const link = signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) }); // a share link: no name
  const alice = await people.open('Alice Martin', doc, { token: named });
  const impostor = await people.open('Alice Martin', doc, { token: link });
  const other = (u: typeof alice) => u.page.locator('.tandem-avatar:not([data-self])');
  await expect(other(alice)).toHaveAttribute('data-verified', 'false');
  await expect(other(alice)).toHaveAttribute('title', 'Alice Martin (unverified)');
  await expect(other(alice)).toHaveAttribute('aria-label', 'Alice Martin');
  await expect(other(impostor)).toHaveAttribute('data-verified', 'true');
  await expect(other(impostor)).toHaveAttribute('title', 'Alice Martin');
  // Both still connected after many ping intervals: nobody was dropped for a missed pong (1006).
  await alice.page.waitForTimeout(4000);
  for (const u of [alice, impostor]) await expect(u.status).toHaveAttribute('data-status', 'connected');
  const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
  expect(metrics).not.toMatch(/tandem_connections_closed_total\{code="1006"\} [1-9]/);
});

test('a colour attribute holding other CSS is dropped in the editor', async ({ people, server }) => {
  const doc = docName('colour');
  const token = signToken(SECRET, { doc, mode: 'write', exp: inSeconds(600) });
  // What a hostile writer (or an imported Yjs update) can put into the shared document.
  const ydoc = new Y.Doc();
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  ydoc.getXmlFragment('default').insert(0, [paragraph]);
  text.insert(0, 'overlay', { textStyle: { color: 'red; position: fixed; inset: 0; z-index: 9999' } });
  text.insert(7, ' and blue', { textStyle: { color: '#1155cc' } });
  const put = await fetch(`${server.httpUrl}/api/docs/${encodeURIComponent(doc)}/import`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.yjs.doc', authorization: `Bearer ${token}` },
    body: Y.encodeStateAsUpdate(ydoc) as BodyInit,
  });
  expect(put.status).toBe(200);
  const viewer = await people.open('Bob Chen', doc, { token });
  await expect(viewer.editor).toContainText('overlay and blue');
  const styles = await viewer.editor.locator('[style]').evaluateAll((els) => els.map((e) => e.getAttribute('style') ?? ''));
  expect(styles.join('|')).not.toMatch(/position|inset|z-index/);
  expect(styles.some((s) => /color:\s*(#1155cc|rgb\(17, 85, 204\))/.test(s))).toBe(true);
});
