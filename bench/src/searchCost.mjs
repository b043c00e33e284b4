#!/usr/bin/env node
// What search (server/src/search/) costs, on the built server (`node scripts/build.mjs` first):
// `node --expose-gc bench/src/searchCost.mjs [documents]` indexes 10,000 documents (default)
// made from the editing trace — windows of 1,000–8,000 characters of the paper at seeded offsets,
// each titled by its first words — with the product's own index (SearchIndex: MiniSearch), and
// prints the time to index them, the heap the index holds, the size and time of storing and
// loading it, and query latency p50/p99 over single words, two words and a prefix being typed.
// Figures, not assertions (issue 26: "query p50/p99 and index memory").
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readTrace } from './trace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { SearchIndex } = await import(join(root, 'server', 'dist', 'search', 'SearchIndex.js'));
const { normaliseQuery } = await import(join(root, 'server', 'dist', 'search', 'query.js'));
const { snippetOf } = await import(join(root, 'server', 'dist', 'search', 'snippet.js'));

const COUNT = Number(process.argv[2] ?? 10_000);
const gc = globalThis.gc ?? (() => undefined);
if (!globalThis.gc) console.warn('run with node --expose-gc for the heap figure');

/** mulberry32: the same documents and queries on every run. */
function random(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const paper = readTrace().endContent;
const rand = random(26);
const docs = [];
for (let i = 0; i < COUNT; i++) {
  const length = 1000 + Math.floor(rand() * 7000);
  const start = Math.floor(rand() * (paper.length - length));
  const text = paper.slice(start, start + length);
  const title = text.split(/\s+/).filter(Boolean).slice(1, 5).join(' ');
  docs.push({ name: `bench/${i}`, title, text });
}
const words = [...new Set(normaliseQuery(paper).split(' ').filter((w) => w.length > 3))];
const pick = () => words[Math.floor(rand() * words.length)];
const queries = [];
for (let i = 0; i < 300; i++) queries.push(pick(), `${pick()} ${pick()}`, pick().slice(0, 3));

gc();
const heapBefore = process.memoryUsage().heapUsed;
let t = performance.now();
const index = SearchIndex.empty();
for (const d of docs) index.put(d.name, { title: d.title, text: d.text });
const indexMs = performance.now() - t;
gc();
const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;

t = performance.now();
const json = index.serialize();
const serializeMs = performance.now() - t;
t = performance.now();
const loaded = SearchIndex.load(json);
const loadMs = performance.now() - t;

/** ms per query: p50 and p99 (each query once, after one warm-up pass), and the mean hits. */
function latency(ix, qs, mayRead) {
  for (const q of qs.slice(0, 50)) ix.search(normaliseQuery(q), 20, mayRead);
  const times = [];
  let hits = 0;
  for (const q of qs) {
    const s = performance.now();
    const found = ix.search(normaliseQuery(q), 20, mayRead);
    // What the API adds per result: a snippet (the text is read from the store there).
    for (const h of found) snippetOf(docs[Number(h.name.slice(6))].text, h.terms);
    times.push(performance.now() - s);
    hits += found.length;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)], p99: times[Math.floor(times.length * 0.99)], hits: hits / qs.length };
}

const rows = [
  ['every document readable', latency(loaded, queries, () => true)],
  ['a token for 1 in 10 (team/* scope)', latency(loaded, queries, (name) => name.endsWith('0'))],
];
const oneWord = latency(loaded, queries.filter((_, i) => i % 3 === 0), () => true);
const twoWords = latency(loaded, queries.filter((_, i) => i % 3 === 1), () => true);
const prefix = latency(loaded, queries.filter((_, i) => i % 3 === 2), () => true);

const chars = docs.reduce((n, d) => n + d.text.length, 0);
console.log(`${COUNT} documents, ${(chars / 1e6).toFixed(1)} M characters (trace windows of 1,000–8,000)`);
console.log(`| measure | value |`);
console.log('|---|---:|');
console.log(`| index all (put × ${COUNT}) | ${(indexMs / 1000).toFixed(2)} s (${((indexMs * 1000) / COUNT).toFixed(0)} µs per document) |`);
console.log(`| heap held by the index | ${heapMb.toFixed(0)} MB |`);
console.log(`| stored index (JSON) | ${(json.length / 2 ** 20).toFixed(1)} MB, serialized in ${serializeMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms |`);
for (const [what, r] of rows) console.log(`| query p50 / p99, ${what} | ${r.p50.toFixed(2)} / ${r.p99.toFixed(2)} ms (${r.hits.toFixed(1)} results) |`);
console.log(`| query p50 / p99: one word · two words · a 3-letter prefix | ${oneWord.p50.toFixed(2)}/${oneWord.p99.toFixed(2)} · ${twoWords.p50.toFixed(2)}/${twoWords.p99.toFixed(2)} · ${prefix.p50.toFixed(2)}/${prefix.p99.toFixed(2)} ms |`);
