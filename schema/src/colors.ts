/**
 * Colours that reach a `style` attribute (text colour, highlight, carets, avatars) come from
 * other people: a writer, an imported Yjs update, an awareness state. Unchecked, `red; position:
 * fixed; inset: 0; …` lays an overlay over every viewer's screen. Only colour values pass:
 * `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`/`rgba()` of numbers, and a named colour
 * (letters only). Nothing that passes can end the declaration or start another one.
 */
const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const NUM = String.raw`\s*\d{1,3}(?:\.\d+)?%?\s*`;
const ALPHA = String.raw`\s*(?:0|1|0?\.\d+|\d{1,3}%)\s*`;
const RGB = new RegExp(String.raw`^rgba?\(${NUM},${NUM},${NUM}(?:,${ALPHA})?\)$`, 'i');
const NAMED = /^[a-z]{3,24}$/i;

/** The colour, trimmed, when it is one; undefined for anything else. */
export function safeColor(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const v = value.trim();
  return HEX.test(v) || RGB.test(v) || NAMED.test(v) ? v : undefined;
}
