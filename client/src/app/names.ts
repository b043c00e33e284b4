const ADJECTIVES = [
  'bright', 'calm', 'clever', 'cosy', 'eager', 'fuzzy', 'gentle', 'golden', 'happy', 'jolly',
  'keen', 'lively', 'lucky', 'merry', 'misty', 'nimble', 'plucky', 'quiet', 'rapid', 'rosy',
  'silver', 'sunny', 'swift', 'tidy', 'vivid', 'warm', 'wise', 'witty', 'zesty', 'brave',
] as const;
const ANIMALS = [
  'otter', 'badger', 'beaver', 'crane', 'dolphin', 'falcon', 'fox', 'gecko', 'heron', 'koala',
  'lemur', 'lynx', 'marten', 'narwhal', 'ocelot', 'owl', 'panda', 'puffin', 'quokka', 'raven',
  'seal', 'sparrow', 'tapir', 'tiger', 'walrus', 'wombat', 'yak', 'zebra', 'hare', 'ibis',
] as const;

/**
 * A pleasant palette, distinct from one another, each giving the white text of avatars and caret
 * labels a contrast of at least 4.5:1 (WCAG AA; the orange #e37400 it once had gave 3.1:1).
 */
export const COLORS = [
  '#1967d2', '#d93025', '#188038', '#c2410c', '#9334e6', '#c5221f', '#007b83', '#b06000',
  '#3949ab', '#d01884', '#0b8043', '#795548',
] as const;

export function isPaletteColor(color: string): boolean {
  return (COLORS as readonly string[]).includes(color.toLowerCase());
}

function pick<T>(items: readonly T[]): T {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return items[buf[0]! % items.length]!;
}

/** Random decimal digits from the browser's CSPRNG, unbiased (bytes of 250 and over are drawn again). */
function digits(count: number): string {
  let out = '';
  const buf = new Uint8Array(count * 2);
  while (out.length < count) {
    crypto.getRandomValues(buf);
    for (const b of buf) if (b < 250 && out.length < count) out += String(b % 10);
  }
  return out;
}

/**
 * e.g. `bright-otter-40193384672957106493`: readable words in front, and twenty random digits
 * (about 66 bits) behind, so that a new document's name cannot be guessed by someone who knows
 * the words (the name is all a link to an open server needs).
 */
export function randomDocName(): string {
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${digits(20)}`;
}

export function randomColor(): string {
  return pick(COLORS);
}

/** Until someone says their name: "Anonymous Otter" reads better than "Guest 4711". */
export function randomGuestName(): string {
  const animal = pick(ANIMALS);
  return `Anonymous ${animal[0]!.toUpperCase()}${animal.slice(1)}`;
}
