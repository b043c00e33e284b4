import { useEffect, useState } from 'react';
import { TandemApi, type Me } from '../editor/api/TandemApi';
import { COLORS } from './names';

/** Who is signed in on this server; null while asking (or when the server cannot say). */
export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    let live = true;
    new TandemApi('', undefined).me().then(
      (m) => live && setMe(m),
      () => live && setMe({ user: null, signIn: false }),
    );
    return () => {
      live = false;
    };
  }, []);
  return me;
}

/** A signed-in person's colour: always the same one for the same id (the provider gives none). */
export function colorOf(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.codePointAt(0)!) >>> 0;
  return COLORS[h % COLORS.length]!;
}

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1]![0]! : '')).toUpperCase();
}

/** Where the Sign-in button goes: the provider, then back here. */
export function signInHref(): string {
  return `/auth/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`;
}
