// The conversion workers run at a low CPU priority (CONVERSION_NICE), the event loop's thread at its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as Y from 'yjs';
import { silentLogger } from '../logger.js';
import { ConversionPool } from './ConversionPool.js';
import { CONVERSION_NICE } from './jobs.js';

/** The nice value of each thread of this process (field 19 of /proc/self/task/<tid>/stat). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), Number(fields[16]));
  }
  return out;
}

test('conversion workers yield the CPU to the message path (CONVERSION_NICE on their own thread only)', { skip: process.platform !== 'linux' && 'per-thread nice values are Linux' }, async () => {
  const before = niceByThread();
  const pool = new ConversionPool(1, silentLogger());
  try {
    const doc = new Y.Doc();
    doc.getXmlFragment('default').insert(0, [new Y.XmlElement('paragraph')]);
    await pool.run({ op: 'digest', state: Y.encodeStateAsUpdate(doc) });
    const after = niceByThread();
    const lowered = [...after].filter(([tid, nice]) => nice === CONVERSION_NICE && before.get(tid) !== CONVERSION_NICE);
    assert.equal(lowered.length, 1, `one new thread at nice ${CONVERSION_NICE}: ${JSON.stringify([...after])}`);
    assert.equal(after.get(process.pid), before.get(process.pid), 'the event loop thread keeps its priority');
  } finally {
    await pool.stop();
  }
});
