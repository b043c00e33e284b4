/**
 * Which versions to keep (`VERSION_KEEP`): rules `<age>:<interval>`, comma-separated, youngest
 * first. A version younger than a rule's age (and older than the previous rule's) is kept if it
 * is the newest of its `<interval>` slot; `all` keeps every one, and `*` as age means "older
 * than everything before". Named versions and the newest version are always kept; a version
 * older than every rule goes. Default: all of the last day, then hourly for 30 days, then daily.
 */
import type { VersionMeta } from '../storage/kinds/versions.js';

export interface RetentionRule {
  /** Upper age bound in ms (Infinity for `*`). */
  maxAgeMs: number;
  /** Slot length in ms; 0 keeps every version. */
  everyMs: number;
}

export const DEFAULT_VERSION_KEEP = '1d:all,30d:1h,*:1d';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function duration(text: string): number | undefined {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}

/** Parses VERSION_KEEP; throws an Error with a sentence naming the bad part. */
export function parseRetention(spec: string): RetentionRule[] {
  const rules: RetentionRule[] = [];
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [age, every, extra] = part.split(':');
    const maxAgeMs = age?.trim() === '*' ? Infinity : duration(age ?? '');
    const everyMs = every?.trim() === 'all' ? 0 : duration(every ?? '');
    if (maxAgeMs === undefined || everyMs === undefined || extra !== undefined) {
      throw new Error(`"${part}" is not <age>:<interval> (like 1d:all, 30d:1h or *:1d)`);
    }
    if (rules.length > 0 && maxAgeMs <= rules[rules.length - 1]!.maxAgeMs) throw new Error(`rules must grow in age ("${part}")`);
    rules.push({ maxAgeMs, everyMs });
  }
  if (rules.length === 0) throw new Error('no rule');
  return rules;
}

/** Ids of the versions to delete now. `versions` in any order. */
export function versionsToThin(versions: readonly VersionMeta[], rules: readonly RetentionRule[], now: number): number[] {
  const newest = versions.reduce<VersionMeta | undefined>((a, v) => (!a || v.id > a.id ? v : a), undefined);
  const slots = new Map<string, VersionMeta>();
  const drop: number[] = [];
  for (const v of versions) {
    if (v === newest || v.name !== null) continue;
    const age = now - v.createdAt;
    const rule = rules.findIndex((r) => age < r.maxAgeMs);
    if (rule < 0) {
      drop.push(v.id);
      continue;
    }
    const { everyMs } = rules[rule]!;
    if (everyMs === 0) continue;
    const slot = `${rule}:${Math.floor(v.createdAt / everyMs)}`;
    const held = slots.get(slot);
    if (!held) slots.set(slot, v);
    else if (v.createdAt > held.createdAt) {
      drop.push(held.id);
      slots.set(slot, v);
    } else drop.push(v.id);
  }
  return drop.sort((a, b) => a - b);
}
