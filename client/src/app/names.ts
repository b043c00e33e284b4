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

/** A pleasant palette: readable white text on each, distinct from one another. */
export const COLORS = [
  '#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#c5221f', '#007b83', '#b06000',
  '#3949ab', '#d01884', '#0b8043', '#795548',
] as const;

function pick<T>(items: readonly T[]): T {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return items[buf[0]! % items.length]!;
}

/** e.g. `bright-otter-42` */
export function randomDocName(): string {
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${Math.floor(Math.random() * 90) + 10}`;
}

export function randomColor(): string {
  return pick(COLORS);
}

/** Until someone says their name: "Anonymous Otter" reads better than "Guest 4711". */
export function randomGuestName(): string {
  const animal = pick(ANIMALS);
  return `Anonymous ${animal[0]!.toUpperCase()}${animal.slice(1)}`;
}
