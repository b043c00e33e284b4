// Scenario G's simulated people, run inside a load-generator worker. Each user holds one
// document at a time through a real y-websocket provider (its own Y.Doc, awareness with a name
// and a cursor), reads, types and moves its cursor at a human pace, and now and then leaves for
// another document. Every local change is recorded (insert clocks, deleted ids) and each
// session's final Y.Doc is merged into a per-document "expected" copy when it leaves, so that
// the end of the run can say which changes, if any, the server did not keep.
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { openProvider, RawClient } from '../clients.mjs';
import { pool, sleep, withTimeout } from '../util.mjs';

/** Pace of one user; the scenario overrides it for the smoke form. All times in ms. */
export const PACE = {
  rampMs: 10000, // first joins spread over this
  sessionMs: 60000, // mean time on one document (exponential, clamped to [sessionMs/8, 4 × sessionMs])
  navigateMs: [300, 2000], // between leaving a document and opening the next
  readMs: [2000, 18000], // a pause spent reading (half of them move the cursor once)
  pType: 0.22, // share of actions that type a burst
  pDelete: 0.06, // share that select a range and delete it, raised as the text grows...
  pDeleteGrow: 0.3, // ...by up to this much at targetChars
  targetChars: 3000,
  burst: [3, 40], // keystrokes in a burst
  keyMs: [80, 320], // between keystrokes (≈ 5 per second)
  thinkMs: [300, 1000], // after placing the cursor or selecting, before typing or deleting
  pBackspace: 0.06, // per keystroke, when something typed in this burst is left to erase
  select: [5, 60], // characters selected for a deletion
};

const rand = (a, b) => a + Math.random() * (b - a);
const randInt = (a, b) => Math.floor(rand(a, b + 1)); // inclusive
const WORDS = 'the quick brown fox jumps over a lazy dog while we edit this shared page together and then some more'.split(' ');
const COLORS = ['#30bced', '#6eeb83', '#ffbc42', '#ecd444', '#ee6352', '#9ac2c9', '#8acb88', '#1be7ff'];

/**
 * Whether a y-websocket provider sends an edit the moment it is made: it keeps `wsconnected`
 * until its socket has closed, and does not send an edit made while the socket is closing (the
 * next sync does), so a person leaving then would lose it on the client's side.
 */
function socketOpen(provider) {
  const { ws } = provider;
  return provider.wsconnected && ws !== null && ws.readyState === ws.OPEN;
}

function nextChars(u) {
  if (!u.word.length) u.word = [...`${WORDS[randInt(0, WORDS.length - 1)]} `];
  return u.word.shift();
}

export function commands() {
  /** One run at a time per worker. */
  let G = null;

  const stats = () => ({
    sessions: G.sessions.size,
    synced: [...G.sessions].filter((s) => s.p.provider.synced).length,
    joins: G.joins, leaves: G.leaves, connects: G.connects,
    inserts: G.inserts, deletes: G.deletes, cursor: G.cursor,
  });

  function expectedDoc(name) {
    let d = G.expected.get(name);
    if (!d) G.expected.set(name, (d = new Y.Doc()));
    return d;
  }

  function join(u, name) {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    const p = openProvider('yws', G.url, name, doc);
    const awareness = p.provider.awareness;
    awareness.setLocalStateField('user', { name: `User ${u.id}`, color: COLORS[u.id % COLORS.length] });
    const s = { name, doc, text, p, client: doc.clientID, ends: [], at: [], sent: [], dels: [], anchor: null, head: null, closed: false, joinedAt: Date.now(), closes: [] };
    doc.on('afterTransaction', (tr) => {
      if (!tr.local) return; // the provider applies remote changes with itself as origin: not local
      const end = tr.afterState.get(s.client) ?? 0;
      if (end > (tr.beforeState.get(s.client) ?? 0)) {
        s.ends.push(end);
        s.at.push(Date.now()); // when each insert was made, to place a loss (before or after a restart, a close)
        // Whether the provider sent it at once (its socket open): one made otherwise waits for the next sync.
        s.sent.push(socketOpen(p.provider) ? 1 : 0);
        G.inserts++;
      }
      const del = [];
      tr.deleteSet.clients.forEach((items, client) => {
        for (const it of items) del.push(client, it.clock, it.len);
      });
      if (del.length) {
        s.dels.push(del);
        G.deletes++;
      }
    });
    p.provider.on('status', ({ status }) => {
      if (status === 'connected') G.connects++;
    });
    // Every socket's close, also one that ends after the provider was destroyed (its own events stop then).
    const watch = (ws) => ws?.addEventListener('close', (event) => s.closes.push([Date.now(), event?.code ?? null, s.closed ? 'after leave' : 'live']));
    watch(p.provider.ws); // the first socket opened in the constructor
    p.provider.on('status', ({ status }) => {
      if (status === 'connecting') watch(p.provider.ws);
    });
    G.sessions.add(s);
    G.joins++;
    return s;
  }

  /** Records what the session holds, then closes it (the provider tells the peers it left). */
  function leave(s) {
    const exp = expectedDoc(s.name);
    Y.applyUpdate(exp, Y.encodeStateAsUpdate(s.doc, Y.encodeStateVector(exp)));
    G.records.push({ name: s.name, client: s.client, ends: s.ends, at: s.at, sent: s.sent, dels: s.dels, joinedAt: s.joinedAt, leftAt: Date.now(), closes: s.closes });
    s.closed = true;
    s.p.destroy();
    s.doc.destroy(); // also ends its awareness timer
    G.sessions.delete(s);
    G.leaves++;
  }

  const running = () => G.phase === 'run';

  /** A pause that ends early when the run stops (a user reading for 18 s must not hold up the end). */
  function nap(ms) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        G.naps.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      G.naps.add(done);
    });
  }

  function stop(phase) {
    G.phase = phase;
    for (const wake of [...G.naps]) wake();
  }
  /** Connected and synced, its socket open (see socketOpen). */
  const ready = (s) => socketOpen(s.p.provider) && s.p.provider.synced;

  async function until(cond, abort = () => false) {
    while (!cond() && !abort()) await sleep(100);
  }

  /** The cursor (or a selection) as relative positions in the user's awareness, as an editor publishes it. */
  function setCursor(s, anchor, head = anchor) {
    s.anchor = Y.createRelativePositionFromTypeIndex(s.text, anchor);
    s.head = head === anchor ? s.anchor : Y.createRelativePositionFromTypeIndex(s.text, head);
    s.p.provider.awareness.setLocalStateField('cursor', { anchor: Y.relativePositionToJSON(s.anchor), head: Y.relativePositionToJSON(s.head) });
    G.cursor++;
  }

  const resolve = (s, rel) => Y.createAbsolutePositionFromRelativePosition(rel, s.doc)?.index ?? s.text.length;

  async function typeBurst(u, s) {
    const P = G.pace;
    setCursor(s, randInt(0, s.text.length));
    await nap(rand(...P.thinkMs));
    const n = randInt(...P.burst);
    let typed = 0;
    for (let k = 0; k < n; k++) {
      await nap(rand(...P.keyMs));
      if (!running() || s.closed) return;
      const pos = Math.min(resolve(s, s.anchor), s.text.length);
      if (typed > 0 && pos > 0 && Math.random() < P.pBackspace) {
        s.text.delete(pos - 1, 1);
        typed--;
        setCursor(s, pos - 1);
      } else {
        s.text.insert(pos, nextChars(u));
        typed++;
        setCursor(s, pos + 1);
      }
    }
  }

  async function deleteRange(s) {
    const P = G.pace;
    const len = s.text.length;
    const n = Math.min(len, randInt(...P.select));
    const at = randInt(0, len - n);
    setCursor(s, at, at + n);
    await nap(rand(...P.thinkMs));
    if (!running() || s.closed) return;
    const a = resolve(s, s.anchor);
    const b = resolve(s, s.head);
    if (b > a) s.text.delete(a, b - a);
    setCursor(s, Math.min(a, s.text.length));
  }

  async function read(s) {
    const ms = rand(...G.pace.readMs);
    if (Math.random() < 0.5) {
      await nap(ms / 2);
      if (!running() || s.closed) return;
      setCursor(s, randInt(0, s.text.length));
      await nap(ms / 2);
    } else await nap(ms);
  }

  async function act(u, s) {
    const P = G.pace;
    const r = Math.random();
    const pDelete = P.pDelete + P.pDeleteGrow * Math.min(1, s.text.length / P.targetChars);
    if (r < P.pType) await typeBurst(u, s);
    else if (r < P.pType + pDelete && s.text.length > 0) await deleteRange(s);
    else await read(s);
  }

  async function user(u) {
    const P = G.pace;
    await nap(rand(0, P.rampMs));
    let last = -1;
    while (running()) {
      let d;
      do {
        d = randInt(0, G.names.length - 1);
      } while (d === last && G.names.length > 1);
      last = d;
      const s = join(u, G.names[d]);
      await until(() => s.p.provider.synced, () => !running());
      const stay = Math.min(4 * P.sessionMs, Math.max(P.sessionMs / 8, -Math.log(1 - Math.random()) * P.sessionMs));
      const leaveAt = performance.now() + stay;
      while (running() && performance.now() < leaveAt) await act(u, s);
      if (!running()) return; // stays on its document: gFinish records and closes it
      // A person closing the tab while the server is away loses what it typed meanwhile; the
      // lost-update count is about what the server had a chance to receive, so a user leaves
      // only once its provider is connected and synced again (its offline edits sent back).
      await until(() => ready(s), () => !running());
      if (!running()) return;
      leave(s);
      await nap(rand(...P.navigateMs));
    }
  }

  return {
    /** Starts `users` people (ids) on documents `names` of the server at `url`. */
    gStart({ url, names, users, pace = {} }) {
      if (G?.phase === 'run') throw new Error('a soak is already running in this worker');
      G = {
        url, names, pace: { ...PACE, ...pace }, phase: 'run', naps: new Set(),
        sessions: new Set(), expected: new Map(), records: [],
        joins: 0, leaves: 0, connects: 0, inserts: 0, deletes: 0, cursor: 0,
        elu: performance.eventLoopUtilization(),
      };
      G.loops = users.map((id) => user({ id, word: [] }).catch((err) => {
        G.error ??= String(err?.stack ?? err);
      }));
      return true;
    },

    /** Counters so far; with `elu`, this worker's event-loop utilisation since the previous such call. */
    gStats({ elu = false } = {}) {
      if (G.error) throw new Error(`a soak user failed: ${G.error}`);
      if (!elu) return stats();
      const now = performance.eventLoopUtilization();
      const u = performance.eventLoopUtilization(now, G.elu).utilization;
      G.elu = now;
      return { ...stats(), elu: u };
    },

    /** Stops every user where it is, then waits (at most `timeoutMs`) until every open session is connected and synced. */
    async gQuiesce({ timeoutMs = 20000 }) {
      stop('stop');
      await Promise.all(G.loops);
      const t = performance.now();
      await until(() => [...G.sessions].every(ready), () => performance.now() - t > timeoutMs);
      return { ...stats(), unsynced: [...G.sessions].filter((s) => !ready(s)).length };
    },

    /** Every user leaves; returns each document's expected state (the union of what its sessions held). */
    async gFinish() {
      for (const s of [...G.sessions]) leave(s);
      await sleep(300); // the close frames go out after the last updates
      const expected = {};
      for (const [name, doc] of G.expected) expected[name] = Y.encodeStateAsUpdate(doc);
      return { expected, sessions: G.records.length };
    },

    /**
     * Counts this worker's recorded changes and those missing from `states` (each document's
     * state as the server gave it): an insert is missing when the server's state vector stops
     * before its clock, a deletion when one of the ids it deleted is not deleted there.
     */
    gCount({ states }) {
      const docs = new Map();
      const load = (name) => {
        let d = docs.get(name);
        if (!d) {
          const doc = new Y.Doc();
          if (states[name]) Y.applyUpdate(doc, states[name]);
          d = { sv: Y.decodeStateVector(Y.encodeStateVector(doc)), ds: Y.createDeleteSetFromStructStore(doc.store) };
          docs.set(name, d);
        }
        return d;
      };
      const out = { inserts: 0, deletes: 0, lostInserts: 0, lostDeletes: 0, examples: [] };
      for (const r of G.records) {
        const { sv, ds } = load(r.name);
        const has = sv.get(r.client) ?? 0;
        out.inserts += r.ends.length;
        const lostI = r.ends.filter((e) => e > has).length;
        out.lostInserts += lostI;
        let lostD = 0;
        for (const del of r.dels) {
          out.deletes++;
          let ok = true;
          for (let i = 0; i < del.length && ok; i += 3) {
            for (let k = 0; k < del[i + 2] && ok; k++) ok = Y.isDeleted(ds, Y.createID(del[i], del[i + 1] + k));
          }
          if (!ok) lostD++;
        }
        out.lostDeletes += lostD;
        if ((lostI || lostD) && out.examples.length < 5) out.examples.push({ name: r.name, client: r.client, clock: r.ends.at(-1) ?? 0, has, lostInserts: lostI, lostDeletes: lostD, joinedAt: r.joinedAt, leftAt: r.leftAt, firstLostAt: r.at[r.ends.findIndex((e) => e > has)] ?? null, lostSentAtOnce: r.ends.filter((e, i) => e > has && r.sent[i]).length, closes: r.closes });
      }
      return out;
    },

    /** Each document's whole state as the server sends it to a fresh client (its sync step 2). */
    async gFetch({ url, names }) {
      const states = {};
      await pool(names, 16, async (name) => {
        const r = new RawClient('yws', url, name, {
          onUpdate: (u, isStep2) => {
            if (isStep2) states[name] = u;
          },
        });
        try {
          await withTimeout(r.synced, 20000, `first sync of ${name}`);
        } finally {
          r.close();
        }
      });
      return states;
    },

    /** Closes whatever is left and forgets the run. */
    gReset() {
      if (!G) return true;
      stop('done');
      for (const s of G.sessions) {
        s.closed = true;
        s.p.destroy();
        s.doc.destroy();
      }
      G.sessions.clear();
      G.expected.clear();
      G.records = [];
      return true;
    },
  };
}
