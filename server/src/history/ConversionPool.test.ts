// The conversion workers run at a low CPU priority (CONVERSION_NICE), the event loop's thread at its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { niceByThread } from '../../test/threads.js';
import { silentLogger } from '../logger.js';
import { ConversionPool } from './ConversionPool.js';
import { CONVERSION_NICE } from './jobs.js';

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
