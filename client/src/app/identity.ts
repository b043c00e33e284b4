import { useCallback, useState } from 'react';
import type { TandemUser } from '../editor/types';
import { isPaletteColor, randomColor, randomGuestName } from './names';
import { loadUser, saveUser } from './storage';

export interface Identity {
  user: TandemUser;
  /** true when we still should ask for a name (none given, none remembered) */
  needsName: boolean;
  setName: (name: string) => void;
  dismiss: () => void;
}

const ASKED_KEY = 'tandem:asked';

/**
 * The identity a token names (its `sub`), read without checking the signature: the server checks
 * it on every connection, and refuses a comment whose author is not the connection's identity.
 * A share link's token names nobody (DESIGN.md, "Identity"): undefined.
 */
export function tokenSubject(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const sub = (JSON.parse(json) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return undefined; // not a JWT we can read: the server will say so
  }
}

function askedBefore(): boolean {
  try {
    return localStorage.getItem(ASKED_KEY) === '1';
  } catch {
    return false;
  }
}

function markAsked(): void {
  try {
    localStorage.setItem(ASKED_KEY, '1');
  } catch {
    // we may ask again next visit
  }
}

/** `?name=` wins and is remembered; otherwise the remembered name; otherwise a guest name and a prompt. */
export function useIdentity(search: string): Identity {
  const [state, setState] = useState(() => {
    const fromQuery = new URLSearchParams(search).get('name')?.trim();
    const stored = loadUser();
    // A colour remembered from an older palette may be too light for white text: pick again.
    const color = stored.color && isPaletteColor(stored.color) ? stored.color : randomColor();
    if (fromQuery) saveUser({ name: fromQuery, color });
    else if (color !== stored.color) saveUser({ color });
    const name = fromQuery || stored.name;
    return {
      user: { name: name ?? randomGuestName(), color },
      needsName: !name && !askedBefore(),
    };
  });

  const setName = useCallback((name: string) => {
    const trimmed = name.trim();
    if (!trimmed) return;
    saveUser({ name: trimmed });
    markAsked();
    setState((s) => ({ user: { ...s.user, name: trimmed }, needsName: false }));
  }, []);

  const dismiss = useCallback(() => {
    markAsked();
    setState((s) => ({ ...s, needsName: false }));
  }, []);

  return { ...state, setName, dismiss };
}
