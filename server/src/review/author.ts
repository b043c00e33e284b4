import type { Access } from '../auth/access.js';

/** Who wrote a comment (DESIGN.md, "Identity"): verified when the name came from an identity. */
export interface Author {
  id: string | null;
  name: string;
  verified: boolean;
}

/** Longest author name kept. */
export const MAX_AUTHOR_NAME = 200;

/**
 * What the server knows of a sender: its identity (the token's `sub`, later the signed-in
 * person) and the verified name that goes with it; none for an open or share-link connection.
 */
export interface Identity {
  id: string;
  name: string | undefined;
}

export function identityOf(access: Access): Identity | null {
  return access.sub === undefined ? null : { id: access.sub, name: access.userName };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Whether `value` is an author this sender may write: with an identity, exactly it (verified,
 * its name when the identity has one); without, an unverified author with no id and a name.
 */
export function isOwnAuthor(value: unknown, identity: Identity | null): boolean {
  if (!isPlainObject(value)) return false;
  const { id, name, verified } = value;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_AUTHOR_NAME) return false;
  if (Object.keys(value).some((k) => k !== 'id' && k !== 'name' && k !== 'verified')) return false;
  if (!identity) return id === null && verified === false;
  return id === identity.id && verified === true && (identity.name === undefined || name === identity.name);
}

/** The author the server writes for a sender (API calls): its identity, else `fallbackName` unverified. */
export function authorFor(identity: Identity | null, fallbackName: string): Author {
  if (identity) return { id: identity.id, name: identity.name ?? identity.id, verified: true };
  return { id: null, name: fallbackName.slice(0, MAX_AUTHOR_NAME) || 'Anonymous', verified: false };
}

/** The author stored with a comment, as far as it can be read (malformed: an anonymous one). */
export function readAuthor(value: unknown): Author {
  if (!isPlainObject(value)) return { id: null, name: 'Anonymous', verified: false };
  return {
    id: typeof value.id === 'string' ? value.id : null,
    name: typeof value.name === 'string' ? value.name : 'Anonymous',
    verified: value.verified === true && typeof value.id === 'string',
  };
}

/** Whether a sender may edit or delete a comment by `author`: its own (by identity), or any anonymous one with write access. */
export function mayChangeComment(author: Author, identity: Identity | null, mode: Access['mode']): boolean {
  if (author.id === null) return mode === 'write';
  return identity !== null && author.id === identity.id;
}
