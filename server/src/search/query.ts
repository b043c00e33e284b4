/** Longest query, in characters after normalisation (DESIGN.md, "Contract — workspace"). */
export const MAX_QUERY_CHARS = 256;

/**
 * The words of a query as search sees them: Unicode-normalised (NFKC), lower case, every run of
 * anything but letters and digits one space. '' when nothing searchable is left.
 */
export function normaliseQuery(raw: string): string {
  return raw.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** Splits text into the terms the index holds (the same rule as queries). */
export function termsOf(text: string): string[] {
  const normal = normaliseQuery(text);
  return normal === '' ? [] : normal.split(' ');
}
