/**
 * A random URL-safe id for a comment, a thread or a suggestion (a suggestion's reply thread
 * takes its id): 16 characters of base64url (96 bits).
 */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_');
}
