import { docName, expect, withServer } from '../support/fixtures';
import { inSeconds, signToken, type Claims } from '../support/tokens';
const SECRET = 'e2e-suggestions-secret-0123456789abcdef';
const test = withServer({ AUTH_SECRET: SECRET });
function tokenFor(doc: string, mode: Claims['mode'], name: string): string {
  return signToken(SECRET, { doc, mode, exp: inSeconds(600), name, sub: `user:${name.toLowerCase().replace(/\W+/g, '-')}` } as Claims);
}
test('debug', async ({ people }) => {
  const doc = docName('dbg');
  const w = await people.open('Wanda Writer', doc, { token: tokenFor(doc, 'write', 'Wanda Writer') });
  await w.editor.click();
  await w.page.keyboard.type('The quick brown fox jumps.');
  await expect(w.status).toHaveAttribute('data-saved', 'saved');
  const c = await people.open('Carla Critic', doc, { token: tokenFor(doc, 'comment', 'Carla Critic') });
  c.page.on('console', (m) => console.log('PAGE', m.text()));
  c.page.on('websocket', (ws) => ws.on('close', () => console.log('WS CLOSED')));
  await expect(c.editor).toContainText('The quick');
  await c.editor.evaluate((el) => {
    const v = (el as any).editor.view;
    const orig = v._props.dispatchTransaction;
    v._props.dispatchTransaction = (tr: any) => { if (tr.docChanged) console.log(JSON.stringify(tr.steps.map((s: any) => s.toJSON()))); orig(tr); };
  });
  await c.editor.focus();
  await c.editor.evaluate((el) => (el as any).editor.commands.setTextSelection(10));
  await c.page.keyboard.type(' red');
  await c.page.waitForTimeout(1500);
  console.log(await c.page.getByRole('status').textContent(), await c.page.getByRole('alert').allTextContents());
  console.log(await c.editor.innerHTML());
});
