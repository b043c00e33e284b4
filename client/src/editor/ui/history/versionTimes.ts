import type { VersionInfo } from '../../api/TandemApi';

const minute = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const second = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * How each version's time is shown: to the minute, or to the second where two versions share a
 * minute (else they read as one and the same).
 */
export function versionTimes(versions: readonly VersionInfo[]): Map<string, string> {
  const count = new Map<string, number>();
  for (const v of versions) count.set(minute(v.createdAt), (count.get(minute(v.createdAt)) ?? 0) + 1);
  return new Map(versions.map((v) => [v.id, count.get(minute(v.createdAt))! > 1 ? second(v.createdAt) : minute(v.createdAt)]));
}
