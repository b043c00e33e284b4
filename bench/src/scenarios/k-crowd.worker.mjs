// K's crowd (../scenarios/k-crowd.mjs): a document with text, and simulated people in it — raw
// awareness clients, one socket and one client ID each, moving their cursors to random places
// in the text. They read in batches like B's idle sockets (../held.mjs): the server sends each
// of them every move of everyone, as it would to a browser.
import * as Y from 'yjs';
import { RawClient } from '../clients.mjs';
import * as wire from '../wire.mjs';
import { pool, sleep, withTimeout } from '../util.mjs';

const WORDS = 'the plan for the launch needs a date a budget and someone who owns the follow up notes'.split(' ');

function sentence(i) {
  return `Point ${i + 1}: ${Array.from({ length: 18 }, (_, k) => WORDS[(i * 7 + k * 3) % WORDS.length]).join(' ')}.`;
}

/** The body's paragraphs' texts, to aim cursors at. */
function texts(doc) {
  return doc.getXmlFragment('default').toArray().flatMap((p) => (p instanceof Y.XmlElement ? p.toArray().filter((t) => t instanceof Y.XmlText) : []));
}

function cursorIn(targets) {
  const text = targets[Math.floor(Math.random() * targets.length)];
  const at = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, Math.floor(Math.random() * (text.length + 1))));
  return { anchor: at, head: at };
}

/** @param {import('../held.mjs').Held} held */
export function commands(held) {
  let mover = null;
  // the moves sent since the crowd came, to show that its process kept up (it yields its core)
  let moved = { n: 0, since: 0 };
  held.onClose(() => {
    clearInterval(mover);
    mover = null;
  });
  return {
    /** Writes `paragraphs` paragraphs of text into `name` (the same text every time). */
    async kSeed({ proto, url, name, paragraphs }) {
      const doc = new Y.Doc();
      const writer = await held.writer(proto, url, name, doc);
      const body = doc.getXmlFragment('default');
      doc.transact(() => {
        body.insert(
          0,
          Array.from({ length: paragraphs }, (_, i) => {
            const p = new Y.XmlElement('paragraph');
            p.insert(0, [new Y.XmlText(sentence(i))]);
            return p;
          }),
        );
      });
      // Sent once its socket has nothing left to write.
      const ws = writer.provider.ws;
      while (ws && ws.bufferedAmount > 0) await sleep(10);
      writer.destroy(); // it would decode every move of the crowd for nothing
      return { last: sentence(paragraphs - 1) };
    },

    /** Opens `peers` people on `name`, each moving its cursor `hz` times a second, spread over the text. */
    async kCrowd({ proto, url, name, peers, hz }) {
      const doc = new Y.Doc();
      const reader = new RawClient(proto, url, name, { onUpdate: (u) => Y.applyUpdate(doc, u) });
      await withTimeout(reader.synced, 15000, 'crowd reader sync');
      reader.close();
      const targets = texts(doc);
      if (targets.length === 0) throw new Error('kCrowd: the document has no text to put cursors in');
      const people = [];
      await pool(
        Array.from({ length: peers }, (_, i) => i),
        32,
        async (i) => {
          const clientID = (Math.random() * 2 ** 31) >>> 0;
          // "Zz": after the browsers' own people in the avatar stack, which sorts by name.
          const state = { user: { name: `Zz Crowd ${String(i).padStart(3, '0')}`, color: '#5f6368' }, cursor: cursorIn(targets) };
          const r = held.light(proto, url, name, { clientID, awareness: state });
          await withTimeout(r.synced, 30000, 'crowd peer sync');
          people.push({ r, clientID, state, clock: 1, next: performance.now() + Math.random() * (1000 / hz) });
        },
      );
      // One timer for everyone: each person moves once per period, at its own phase.
      moved = { n: 0, since: performance.now() };
      mover = setInterval(() => {
        const now = performance.now();
        for (const p of people) {
          if (p.next > now || p.r.closed) continue;
          p.next += 1000 / hz;
          p.state.cursor = cursorIn(targets);
          p.r.send(wire.awarenessMsg(proto, name, p.clientID, ++p.clock, p.state));
          moved.n++;
        }
      }, 20);
      return { peers: people.length, paragraphs: targets.length };
    },

    /** The crowd's moves a second since it came. */
    kCrowdRate() {
      return moved.n / ((performance.now() - moved.since) / 1000);
    },
  };
}
