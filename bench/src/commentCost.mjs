#!/usr/bin/env node
// What the review rules (server/src/review/commentRules.ts) cost per update, on the built server
// (`node scripts/build.mjs` first): `node bench/src/commentCost.mjs` prints µs per check for
//   a writer's keystroke      — what every text edit pays, in a document of the paper's size,
//                               without comments (let through unread) and with them (read whole);
//   a keystroke in a burst    — the same with the 200 updates before it not yet applied;
//   a comment added           — a thread (mark on the text, the thread's map, its first comment);
//   a reply, a resolve        — on an existing thread.
// The check reads the update's own structs and their parents only: the document's size should
// not show. Figures, not assertions (issue 24: "measure the added cost per update and per comment update").
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { paper, root, timeInTurn as timeEach, updatesOf, Y } from './reviewCost.mjs';

const { checkCommentRules } = await import(join(root, 'server', 'dist', 'review', 'commentRules.js'));
const { addThread, findQuote, commentMap } = await import(join(root, 'server', 'dist', 'review', 'threads.js'));

const writer = { mode: 'write', identity: { id: 'w', name: 'Wendy' } };
const commenter = { mode: 'comment', identity: { id: 'c', name: 'Carl' } };
const author = { id: 'c', name: 'Carl', verified: true };

/** µs per call of `check` over `updates`, median of five passes. */
function time(updates, check) {
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (const u of updates) if (check(u) !== undefined) throw new Error(`refused: ${check(u)}`);
    runs.push(((performance.now() - t) * 1000) / updates.length);
  }
  return runs.sort((a, b) => a - b)[2];
}

const timeInTurn = (base, updates, sender) => timeEach(base, updates, (doc, u) => checkCommentRules(doc, u, sender)).mean;

const server = paper();
const textAt = (d, i) => d.getXmlFragment('default').get(i % 200).get(0);
const keys = updatesOf(server, 200, (d, i) => textAt(d, i).insert(0, 'k'));
const rows = [];
rows.push(['writer keystroke, document without comments (each applied before the next)', timeInTurn(server, keys, writer)]);
const threads = updatesOf(server, 50, (d, i) => {
  const quote = textAt(d, i + 7).toString().slice(0, 12);
  addThread(d, findQuote(d.getXmlFragment('default'), quote), { id: `thread-${String(i).padStart(6, '0')}`, quote, createdAt: new Date().toISOString(), comment: { id: `c-${String(i).padStart(8, '0')}`, author, body: 'Why this?', createdAt: new Date().toISOString() } });
});
rows.push(['comment added (mark + thread + first comment)', timeInTurn(server, threads, commenter)]);
for (const u of threads) Y.applyUpdate(server, u);
// With comments in it, a writer's every update is read whole.
const keysThen = updatesOf(server, 200, (d, i) => textAt(d, i).insert(0, 'k'));
rows.push(['writer keystroke, document with comments (each applied before the next)', timeInTurn(server, keysThen, writer)]);
rows.push(['writer keystroke, document with comments, 200 before it not applied', time(keysThen, (u) => checkCommentRules(server, u, writer, () => [...keysThen].reverse()))]);
const replies = updatesOf(server, 50, (d, i) => d.getMap('comments').get(`thread-${String(i).padStart(6, '0')}`).get('comments').push([commentMap({ id: `r-${String(i).padStart(8, '0')}`, author, body: 'Because.', createdAt: new Date().toISOString() })]));
rows.push(['reply', timeInTurn(server, replies, commenter)]);
const resolves = updatesOf(server, 50, (d, i) => {
  const t = d.getMap('comments').get(`thread-${String(i).padStart(6, '0')}`);
  t.set('resolved', true);
  t.set('resolvedBy', author);
});
rows.push(['resolve', timeInTurn(server, resolves, commenter)]);

console.log(`| check (document: the paper, ${server.getXmlFragment('default').length} paragraphs) | µs per update |`);
console.log('|---|---:|');
for (const [what, us] of rows) console.log(`| ${what} | ${us.toFixed(1)} |`);
