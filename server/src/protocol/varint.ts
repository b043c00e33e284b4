/**
 * lib0's unsigned varint (7 bits a byte, low first, high bit = more), for writing into a
 * buffer at an offset: the fan-out path builds many messages in one buffer, which lib0's
 * growable encoders cannot do. The one place outside lib0 that writes a varint.
 */
export function varUintLength(n: number): number {
  let len = 1;
  while (n > 127) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Writes `n` at `at`; returns the offset after it. */
export function writeVarUint(buf: Uint8Array, at: number, n: number): number {
  while (n > 127) {
    buf[at++] = 0x80 | (n & 0x7f);
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}
