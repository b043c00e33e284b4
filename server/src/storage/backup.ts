/**
 * The backup file: every LevelDB key and value, byte for byte, in key order.
 *
 *   "TANDEM-BACKUP 1\n"
 *   then per entry: u32 BE key length, key, u32 BE value length, value
 *   then u32 BE 0xFFFFFFFF (so a truncated file is told from a complete one)
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

const MAGIC = Buffer.from('TANDEM-BACKUP 1\n');
const END = 0xffffffff;

export class BackupFormatError extends Error {
  override name = 'BackupFormatError';
}

export async function writeBackup(entries: AsyncIterable<[Buffer, Buffer]>, out: Writable): Promise<number> {
  let n = 0;
  const write = async (chunk: Buffer): Promise<void> => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(MAGIC);
  for await (const [key, value] of entries) {
    const head = Buffer.allocUnsafe(4);
    head.writeUInt32BE(key.length);
    const mid = Buffer.allocUnsafe(4);
    mid.writeUInt32BE(value.length);
    await write(Buffer.concat([head, key, mid, value]));
    n++;
  }
  const end = Buffer.allocUnsafe(4);
  end.writeUInt32BE(END);
  out.end(end);
  return n;
}

/** Reads a backup file's entries; throws BackupFormatError on anything but a whole backup. */
export async function* readBackup(input: Readable): AsyncGenerator<[Buffer, Buffer]> {
  let buf: Buffer = Buffer.alloc(0);
  const chunks: AsyncIterator<Buffer> = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const need = async (n: number): Promise<void> => {
    while (buf.length < n) {
      const next = await chunks.next();
      if (next.done) throw new BackupFormatError('the backup file is truncated');
      buf = buf.length === 0 ? next.value : Buffer.concat([buf, next.value]);
    }
  };
  const take = (n: number): Buffer => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };
  await need(MAGIC.length);
  if (!take(MAGIC.length).equals(MAGIC)) throw new BackupFormatError('not a Tandem backup file');
  for (;;) {
    await need(4);
    const keyLength = take(4).readUInt32BE();
    if (keyLength === END) break;
    await need(keyLength + 4);
    const key = Buffer.from(take(keyLength));
    const valueLength = take(4).readUInt32BE();
    await need(valueLength);
    yield [key, Buffer.from(take(valueLength))];
  }
  if (buf.length > 0 || !(await chunks.next()).done) throw new BackupFormatError('data after the end of the backup');
}
