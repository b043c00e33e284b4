#!/usr/bin/env node
// What the suggestion rules (server/src/review/suggestionRules.ts) cost per update, on the built
// server (`node scripts/build.mjs` first): `node bench/src/suggestionCost.mjs` prints µs per check
//   a commenter's keystroke   — typing a suggestion (its first letter brings the insertion's
//                               format items, the rest extend its run), in paragraphs of the
//                               paper's own lengths and in its longest paragraph;
//   a deletion suggested      — a word marked for deletion;
//   a writer's keystroke      — in a document holding suggestions (writers are not checked
//                               beyond the comment rules).
// A commenter's update is judged by walking the item list of each paragraph it touches (never
// the whole document): the paragraph's length should show, the document's size should not.
// Figures, not assertions (issue 25: "measure its cost per update").
import { join } from 'node:path';
import { paper, root, timeInTurn as timeEach, updatesOf, Y } from './reviewCost.mjs';

const { reviewUpdate } = await import(join(root, 'server', 'dist', 'review', 'commentRules.js'));

const writer = { mode: 'write', identity: { id: 'w', name: 'Wendy' } };
const commenter = { mode: 'comment', identity: { id: 'c', name: 'Carl' } };
const mine = (n) => ({ id: `sugg-carl-${String(n).padStart(6, '0')}`, author: 'Carl', authorId: 'c', createdAt: 1_700_000_000_000 + n });
const timeInTurn = (base, updates, sender) => timeEach(base, updates, (doc, u) => reviewUpdate(doc, u, sender));

const server = paper();
const fragment = server.getXmlFragment('default');
const paragraphs = fragment.length;
const textAt = (d, i) => d.getXmlFragment('default').get(i).get(0);
let longest = 0;
for (let i = 0; i < paragraphs; i++) if (textAt(server, i).length > textAt(server, longest).length) longest = i;
// 20 suggestions of 10 letters, in the middle of 20 paragraphs spread over the document.
const spread = Array.from({ length: 20 }, (_, k) => Math.floor((k * paragraphs) / 20));
const typing = (pick) => (d, i) => {
  const p = pick(Math.floor(i / 10));
  const t = textAt(d, p);
  t.insert(Math.floor(t.length / 2) + (i % 10), 'k', { insertion: mine(Math.floor(i / 10)) });
};
const rows = [];
const typed = updatesOf(server, 200, typing((k) => spread[k]));
rows.push([`commenter keystroke typing a suggestion (20 paragraphs, median ${median(spread.map((p) => textAt(server, p).length))} characters)`, timeInTurn(server, typed, commenter)]);
const typedLong = updatesOf(server, 200, typing(() => longest));
rows.push([`commenter keystroke typing a suggestion (longest paragraph, ${textAt(server, longest).length} characters)`, timeInTurn(server, typedLong, commenter)]);
// Words of paragraphs long enough (Yjs pads a text with newlines when formatting past its end).
const wordy = Array.from({ length: paragraphs }, (_, i) => i).filter((i) => textAt(server, i).length >= 40);
const deletions = updatesOf(server, 50, (d, i) => textAt(d, wordy[(i * 7) % wordy.length]).format(6 * Math.floor(i / wordy.length), 5, { deletion: mine(1000 + i) }));
rows.push(['commenter marks a deletion (5 characters)', timeInTurn(server, deletions, commenter)]);
for (const u of [...typed, ...deletions]) Y.applyUpdate(server, u);
const keys = updatesOf(server, 200, (d, i) => textAt(d, i).insert(0, 'k'));
rows.push(['writer keystroke, document with suggestions (each applied before the next)', timeInTurn(server, keys, writer)]);

console.log(`| check (document: the paper, ${paragraphs} paragraphs) | µs per update, mean | median |`);
console.log('|---|---:|---:|');
for (const [what, { mean, median }] of rows) console.log(`| ${what} | ${mean.toFixed(1)} | ${median.toFixed(1)} |`);

function median(xs) {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}
