// Everything the app remembers on this device. localStorage can throw (privacy modes, quota):
// remembering is a convenience, so failures fall back to not remembering.
import type { TandemUser } from '../editor/types';

const USER_KEY = 'tandem:user';
const RECENT_KEY = 'tandem:recent';
const MAX_RECENT = 20;

export interface RecentDoc {
  name: string;
  title: string;
  openedAt: number;
}

function read<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as T);
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // not remembered; the app still works for this visit
  }
}

export function loadUser(): Partial<TandemUser> {
  const u = read<Partial<TandemUser>>(USER_KEY);
  return {
    ...(typeof u?.name === 'string' && u.name.trim() ? { name: u.name } : {}),
    ...(typeof u?.color === 'string' ? { color: u.color } : {}),
  };
}

export function saveUser(user: Partial<TandemUser>): void {
  write(USER_KEY, { ...loadUser(), ...user });
}

export function loadRecent(): RecentDoc[] {
  const list = read<RecentDoc[]>(RECENT_KEY);
  return Array.isArray(list) ? list.filter((d) => typeof d?.name === 'string').sort((a, b) => b.openedAt - a.openedAt) : [];
}

export function rememberDoc(name: string, title?: string): void {
  const list = loadRecent();
  const prev = list.find((d) => d.name === name);
  const entry: RecentDoc = { name, title: title ?? prev?.title ?? '', openedAt: Date.now() };
  write(RECENT_KEY, [entry, ...list.filter((d) => d.name !== name)].slice(0, MAX_RECENT));
}

export function forgetDoc(name: string): void {
  write(RECENT_KEY, loadRecent().filter((d) => d.name !== name));
}
