import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VersionMeta } from '../storage/kinds/versions.js';
import { DEFAULT_VERSION_KEEP, parseRetention, versionsToThin } from './retention.js';

const H = 3_600_000;
const D = 24 * H;
const v = (createdAt: number, name: string | null = null): VersionMeta => ({ id: createdAt, name, createdAt, authors: [], hash: String(createdAt) });

test('VERSION_KEEP parses, and refuses what it cannot read with a sentence', () => {
  assert.deepEqual(parseRetention(DEFAULT_VERSION_KEEP), [{ maxAgeMs: D, everyMs: 0 }, { maxAgeMs: 30 * D, everyMs: H }, { maxAgeMs: Infinity, everyMs: D }]);
  for (const bad of ['', 'x', '1d', '1d:sometimes', '2d:all,1d:1h', '1d:all:1']) assert.throws(() => parseRetention(bad), Error, bad);
});

test('all of the last day, then one per hour, then one per day; named versions and the newest are kept', () => {
  const now = 100 * D;
  const rules = parseRetention(DEFAULT_VERSION_KEEP);
  const recent = [now - 1000, now - 10 * 60_000, now - 2 * H, now - 23 * H]; // all kept
  const hourly = [now - 2 * D - 50 * 60_000, now - 2 * D - 10 * 60_000]; // same hour? computed below
  const daily = [now - 40 * D - 3 * H, now - 40 * D - 2 * H, now - 40 * D - H];
  const named = v(now - 40 * D - 2.5 * H, 'Signed off');
  const versions = [...recent, ...hourly, ...daily].map((t) => v(t)).concat(named);
  const drop = new Set(versionsToThin(versions, rules, now));
  for (const t of recent) assert.ok(!drop.has(t), 'last day: all kept');
  const sameHour = Math.floor(hourly[0]! / H) === Math.floor(hourly[1]! / H);
  assert.equal(drop.has(hourly[0]!), sameHour, 'the older of two in one hour goes');
  assert.ok(!drop.has(hourly[1]!));
  // Of the three 40-day-old versions on one day, only the newest stays; the named one too.
  const sameDay = daily.filter((t) => Math.floor(t / D) === Math.floor(daily[2]! / D));
  for (const t of sameDay.slice(0, -1)) assert.ok(drop.has(t));
  assert.ok(!drop.has(daily[2]!));
  assert.ok(!drop.has(named.id));
});

test('a version older than every rule goes, unless it is the newest or named', () => {
  const rules = parseRetention('1h:all');
  const now = 10 * H;
  assert.deepEqual(versionsToThin([v(now - 5 * H), v(now - 3 * H, 'kept'), v(now - 2 * H)], rules, now), [now - 5 * H]);
});
