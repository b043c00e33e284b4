// The traffic counters add up plain numbers and hand them to prom-client when read (Metrics):
// every read must show the running totals, none counted twice or lost between reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Metrics } from './metrics.js';

const value = (text: string, line: string): number => {
  const m = new RegExp(`^${line.replace(/[{}"]/g, (c) => `\\${c}`)} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
};

test('traffic counts show their running totals at every read, each counted once', async () => {
  const metrics = new Metrics();
  metrics.messageReceived('update', 30);
  metrics.messageReceived('update', 12);
  metrics.messageReceived('awareness', 100);
  metrics.sent(99, 99 * 30);
  let text = await metrics.registry.metrics();
  assert.equal(value(text, 'tandem_messages_received_total{type="update"}'), 2);
  assert.equal(value(text, 'tandem_messages_received_total{type="awareness"}'), 1);
  assert.ok(!text.includes('type="sync_step1"'), 'a type never received is not listed');
  assert.equal(value(text, 'tandem_bytes_received_total'), 142);
  assert.equal(value(text, 'tandem_messages_sent_total'), 99);
  assert.equal(value(text, 'tandem_bytes_sent_total'), 2970);

  text = await metrics.registry.metrics();
  assert.equal(value(text, 'tandem_messages_received_total{type="update"}'), 2, 'a read with nothing new shows the same totals');
  assert.equal(value(text, 'tandem_bytes_sent_total'), 2970);

  metrics.messageReceived('update', 8);
  metrics.messageInvalid();
  metrics.sent(1, 5);
  text = await metrics.registry.metrics();
  assert.equal(value(text, 'tandem_messages_received_total{type="update"}'), 3);
  assert.equal(value(text, 'tandem_messages_received_total{type="invalid"}'), 1);
  assert.equal(value(text, 'tandem_bytes_received_total'), 150);
  assert.equal(value(text, 'tandem_messages_sent_total'), 100);
  assert.equal(value(text, 'tandem_bytes_sent_total'), 2975);
});
