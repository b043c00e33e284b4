// The conversion workers run at a low CPU priority (CONVERSION_NICE), the event loop's thread at its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as Y from 'yjs';
import { assertOneThreadLowered, niceByThread } from '../../test/threads.js';
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
    assertOneThreadLowered(before, CONVERSION_NICE);
  } finally {
    await pool.stop();
  }
});
