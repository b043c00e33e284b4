// A document with 300 people in it (issue 28). Root cause guarded: every peer's caret was built
// into the DOM and every awareness message rebuilt them all, and the avatar stack grew one
// avatar per person. Now carets exist only near the visible text, and past a few avatars the
// stack collapses to "+N" with a list of everyone that filters by name.
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { docName, expect, test, type User } from '../support/fixtures';

const PEERS = 300;
const PARAGRAPHS = 150;
const MESSAGE_AWARENESS = 1; // y-protocols' message type on a y-websocket connection

const crowdName = (i: number) => `Crowd ${String(i).padStart(3, '0')}`;
/** Peer i's cursor is in paragraph i / 2: the crowd is spread evenly from the top to the bottom. */
const paragraphOf = (i: number) => Math.floor((i * PARAGRAPHS) / PEERS);

interface Crowd {
  close(): void;
}

/** Writes the document's paragraphs through a plain y-websocket client, and keeps it to read item IDs. */
async function seed(wsUrl: string, name: string): Promise<{ doc: Y.Doc; close(): void }> {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(wsUrl, encodeURIComponent(name), doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
  const body = doc.getXmlFragment('default');
  body.insert(
    0,
    Array.from({ length: PARAGRAPHS }, (_, i) => {
      const p = new Y.XmlElement('paragraph');
      p.insert(0, [new Y.XmlText(`Line ${i} of a long document.`)]);
      return p;
    }),
  );
  return { doc, close: () => provider.destroy() };
}

/**
 * `PEERS` raw awareness clients, one socket and one client ID each (as browsers are), each with a
 * name and a cursor in its paragraph. Nothing but awareness: they never sync the document.
 */
async function crowd(wsUrl: string, name: string, doc: Y.Doc): Promise<Crowd> {
  const paragraphs = doc.getXmlFragment('default').toArray() as Y.XmlElement[];
  const sockets: WebSocket[] = [];
  const awarenesses: Awareness[] = [];
  await Promise.all(
    Array.from({ length: PEERS }, async (_, i) => {
      const awareness = new Awareness(new Y.Doc());
      awarenesses.push(awareness);
      const text = paragraphs[paragraphOf(i)]!.get(0) as Y.XmlText;
      const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, 5));
      awareness.setLocalState({ user: { name: crowdName(i), color: '#1967d2' }, cursor: { anchor: at, head: at } });
      const ws = new WebSocket(`${wsUrl}/${encodeURIComponent(name)}`);
      sockets.push(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [awareness.clientID]));
      ws.send(encoding.toUint8Array(e));
    }),
  );
  return {
    close() {
      for (const ws of sockets) ws.terminate();
      for (const a of awarenesses) a.destroy();
    },
  };
}

/** Names of the peers whose caret is in the DOM. */
const caretNames = (user: User) => user.editor.locator('.collaboration-carets__caret').evaluateAll((els) => els.map((el) => el.getAttribute('data-user-name')));

test('300 people: "+N" with a list that filters by name, and carets only near the visible text', async ({ people, server }) => {
  test.setTimeout(120_000);
  const doc = docName('crowd');
  const seeded = await seed(server.wsUrl, doc);
  const peers = await crowd(server.wsUrl, doc, seeded.doc);
  try {
    const alice = await people.open('Alice Martin', doc);
    await expect(alice.editor.locator('p', { hasText: `Line ${PARAGRAPHS - 1} of` })).toHaveCount(1);

    // Three avatars (Alice first), then "+298" for the rest.
    const more = alice.page.getByRole('button', { name: `Show all ${PEERS + 1} people` });
    await expect(more).toHaveText(`+${PEERS + 1 - 3}`);
    await expect(alice.page.locator('.tandem-presence .tandem-avatar')).toHaveCount(3);
    await expect(alice.page.locator('.tandem-presence .tandem-avatar').first()).toHaveAttribute('data-user-name', 'Alice Martin');

    // The list holds everyone and filters by name.
    await more.click();
    const list = alice.page.getByRole('dialog', { name: 'Everyone in this document' });
    const filter = list.getByRole('searchbox', { name: 'Filter people by name' });
    await expect(filter).toBeFocused();
    await expect(list.getByRole('listitem')).toHaveCount(PEERS + 1);
    await filter.fill('crowd 12');
    await expect(list.getByRole('listitem')).toHaveCount(10); // Crowd 120 … Crowd 129
    await filter.fill('Crowd 123');
    const found = list.locator('.tandem-avatar');
    await expect(found).toHaveCount(1);
    await expect(found).toHaveAttribute('data-user-name', 'Crowd 123');
    await expect(found).toHaveAttribute('aria-label', 'Crowd 123');
    await expect(found).toHaveAttribute('title', 'Crowd 123');
    await alice.page.keyboard.press('Escape');
    await expect(list).toHaveCount(0);
    await expect(more).toBeFocused();

    // At the top: the carets of the people in the first paragraphs, none from the bottom.
    await expect.poll(async () => (await caretNames(alice)).includes(crowdName(0))).toBe(true);
    const top = await caretNames(alice);
    expect(top.length).toBeGreaterThan(0);
    expect(top.length).toBeLessThan(PEERS / 2);
    expect(top).not.toContain(crowdName(PEERS - 1));

    // Scrolled to the bottom: the last people's carets come, the first ones' go.
    await alice.page.locator('.tandem-page').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(async () => (await caretNames(alice)).includes(crowdName(PEERS - 1))).toBe(true);
    const bottom = await caretNames(alice);
    expect(bottom).not.toContain(crowdName(0));
    expect(bottom.length).toBeLessThan(PEERS / 2);
  } finally {
    peers.close();
    seeded.close();
  }
});
